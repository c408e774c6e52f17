import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/**
 * The alert topic: Trustline's own alerts (a refresh failing, a certificate expiring) and the
 * CloudWatch alarms on its functions and queues land here. Subscribe e-mail or chat to it.
 */
export class Alerts extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const key = new Key(this, 'Key', { description: 'Trustline alert topic', enableKeyRotation: true });
    // CloudWatch alarms publish to an encrypted topic only if the key lets the CloudWatch service use it.
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Topic', { displayName: 'Trustline alerts', masterKey: key, enforceSSL: true });
  }

  /** An alarm that notifies the topic when `metric` reaches `threshold` in one 5-minute period. */
  alarm(scope: Construct, id: string, metric: IMetric, description: string, threshold = 1): Alarm {
    const alarm = new Alarm(scope, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    return alarm;
  }
}

/** Alarm period: one evaluation of five minutes, so a failing run is reported within minutes. */
export const ALARM_PERIOD = Duration.minutes(5);
