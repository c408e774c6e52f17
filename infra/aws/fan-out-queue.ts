import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Alerts } from './alerts.ts';
import { ALARM_PERIOD } from './alerts.ts';
import { DEFAULT_TIMEOUT_SECONDS, type TrustlineFunction } from './trustline-function.ts';

/** Deliveries before a message is parked in the dead-letter queue. */
const MAX_RECEIVES = 3;

/**
 * The SQS queue a function consumes (`queue` in the manifest), with a dead-letter queue and an
 * alarm as soon as anything lands there. Work is spread over Lambda concurrency by SQS itself.
 */
export class FanOutQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, consumer: TrustlineFunction, alerts: Alerts) {
    super(scope, id);
    const batchSize = consumer.spec.queue?.batchSize ?? 1;
    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS guidance: at least six times the consumer's timeout, so retries of a batch never overlap.
      visibilityTimeout: Duration.seconds((consumer.timeout?.toSeconds() ?? DEFAULT_TIMEOUT_SECONDS) * 6),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: MAX_RECEIVES },
    });
    // Partial batch responses: one failing item is retried alone, the rest of the batch is done.
    const maxConcurrency = consumer.spec.queue?.maxConcurrency;
    consumer.addEventSource(
      new SqsEventSource(this.queue, { batchSize, reportBatchItemFailures: true, ...(maxConcurrency === undefined ? {} : { maxConcurrency }) }),
    );
    alerts.alarm(
      this,
      'DeadLettersAlarm',
      this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: ALARM_PERIOD, statistic: 'Maximum' }),
      `Messages for ${consumer.spec.name} failed ${MAX_RECEIVES} times and wait in its dead-letter queue.`,
    );
    const maxAgeMinutes = consumer.spec.queue?.maxAgeMinutes;
    if (maxAgeMinutes !== undefined) {
      alerts.alarm(
        this,
        'AgeAlarm',
        this.queue.metricApproximateAgeOfOldestMessage({ period: ALARM_PERIOD, statistic: 'Maximum' }),
        `Messages for ${consumer.spec.name} have waited ${maxAgeMinutes} minutes: its consumers are not keeping up (throttled, failing or too few).`,
        maxAgeMinutes * 60,
      );
    }
  }
}

/** The environment variable carrying the URL of `functionName`'s queue: `TRUSTLINE_QUEUE_URL_<NAME>`. */
export function queueUrlVariable(functionName: string): string {
  return `TRUSTLINE_QUEUE_URL_${functionName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}
