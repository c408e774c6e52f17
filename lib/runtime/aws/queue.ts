import type { RefreshQueue } from '../../oauth/refresh-queue.ts';
import type { CheckQueue } from '../../tls/check-queue.ts';

/**
 * The token-refresh-worker's SQS queue. The client (and the SQS SDK) is loaded on the first send: a
 * scheduled run queues work only when more integrations are due than it can refresh itself.
 */
export function createLazySqsRefreshQueue(region: string | undefined, queueUrl: string): RefreshQueue {
  let queue: Promise<RefreshQueue> | undefined;
  return {
    async send(integrationIds) {
      queue ??= Promise.all([import('@aws-sdk/client-sqs'), import('../../oauth/refresh-queue-sqs.ts')]).then(([{ SQSClient }, { createSqsRefreshQueue }]) =>
        createSqsRefreshQueue({ client: new SQSClient(region === undefined ? {} : { region }), queueUrl }),
      );
      return (await queue).send(integrationIds);
    },
  };
}

/** The cert-check-worker's SQS queue, its client loaded on the first send (once per scheduled run). */
export function createLazySqsCheckQueue(region: string | undefined, queueUrl: string): CheckQueue {
  let queue: Promise<CheckQueue> | undefined;
  return {
    async send(messages) {
      queue ??= Promise.all([import('@aws-sdk/client-sqs'), import('../../tls/check-queue-sqs.ts')]).then(([{ SQSClient }, { createSqsCheckQueue }]) =>
        createSqsCheckQueue({ client: new SQSClient(region === undefined ? {} : { region }), queueUrl }),
      );
      return (await queue).send(messages);
    },
  };
}
