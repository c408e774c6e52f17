import { SNSClient } from '@aws-sdk/client-sns';
import { logAlertSink } from '../observe/alerts.ts';
import { createSnsAlertSink } from '../observe/sns-alerts.ts';
import { createAwsStores } from '../store/aws/index.ts';
import type { Clock } from '../store/ports.ts';
import { createTrustContext } from '../trust/tls-context.ts';
import { createTrustStore } from '../trust/trust-store.ts';
import { outboundPolicyOptions, type Config } from './config.ts';
import type { Services } from './services.ts';

/** The services on AWS: Secrets Manager and DynamoDB stores, alerts to the SNS topic (to the log when no topic is configured). */
export function createAwsServices(config: Config, clock: Clock): Services {
  const { region, tableName, dynamoEndpoint, secretsEndpoint, secretsKmsKeyId, alertTopicArn } = config.aws;
  const { secrets, metadata, leases } = createAwsStores({ region, tableName, dynamoEndpoint, secretsEndpoint, secretsKmsKeyId, clock });
  const alerts =
    alertTopicArn === undefined
      ? logAlertSink
      : createSnsAlertSink({ client: new SNSClient(region === undefined ? {} : { region }), topicArn: alertTopicArn });
  const trustStore = createTrustStore(metadata, clock);
  return { config, secrets, metadata, leases, alerts, trustStore, trust: createTrustContext(trustStore, { outbound: outboundPolicyOptions(config) }), clock };
}
