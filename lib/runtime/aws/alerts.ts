import type { AlertSink } from '../../observe/alerts.ts';
import { lambdaSdkSettings } from './sdk-settings.ts';

/**
 * Alerts to the SNS topic. The client (and the SNS SDK) is loaded on the first alert: alerts follow
 * state changes, so most invocations of a function that may alert never send one.
 */
export function createLazySnsAlertSink(region: string | undefined, topicArn: string): AlertSink {
  let sink: Promise<AlertSink> | undefined;
  return {
    async publish(alert) {
      sink ??= Promise.all([import('@aws-sdk/client-sns'), import('../../observe/sns-alerts.ts')]).then(([{ SNSClient }, { createSnsAlertSink }]) =>
        createSnsAlertSink({ client: new SNSClient({ ...lambdaSdkSettings(), ...(region === undefined ? {} : { region }) }), topicArn }),
      );
      await (await sink).publish(alert);
    },
  };
}
