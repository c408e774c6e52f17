import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Alert, AlertSink } from './alerts.ts';
import { redact, redactString } from './redact.ts';

/** SNS refuses subjects over 100 characters, with line breaks, control or non-ASCII characters. */
const MAX_SUBJECT_LENGTH = 100;

export interface SnsAlertSinkOptions {
  readonly client: SNSClient;
  readonly topicArn: string;
}

/**
 * The AWS alert sink: one SNS message per alert, redacted like a log line, with `severity` and
 * `key` as message attributes so subscriptions can filter on them.
 */
export function createSnsAlertSink({ client, topicArn }: SnsAlertSinkOptions): AlertSink {
  return {
    async publish(alert) {
      await client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: snsSubject(redactString(alert.subject)),
          Message: snsMessage(alert),
          MessageAttributes: {
            severity: { DataType: 'String', StringValue: alert.severity },
            key: { DataType: 'String', StringValue: alert.key },
          },
        }),
      );
    },
  };
}

/** `subject` as SNS accepts it: one line of printable ASCII (accents dropped), at most 100 characters. */
export function snsSubject(subject: string): string {
  const ascii = subject
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/gu, '?')
    .trim();
  const text = ascii.length > 0 ? ascii : 'Trustline alert';
  return text.length <= MAX_SUBJECT_LENGTH ? text : `${text.slice(0, MAX_SUBJECT_LENGTH - 3).trimEnd()}...`;
}

/** The message body e-mail subscribers read: the message, then severity, key and details. */
function snsMessage(alert: Alert): string {
  const lines = [redactString(alert.message), '', `Severity: ${alert.severity}`, `Key: ${redactString(alert.key)}`];
  if (alert.details !== undefined) lines.push('', JSON.stringify(redact(alert.details), null, 2));
  return lines.join('\n');
}
