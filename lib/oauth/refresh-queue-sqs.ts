import type { SQSClient } from '@aws-sdk/client-sqs';
import { sendMessageBodies } from '../store/aws/index.ts';
import { type RefreshQueue, refreshMessageBody } from './refresh-queue.ts';

export interface SqsRefreshQueueOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
}

/**
 * The refresh queue on AWS: one message per integration, sent in batches of 10; entries SQS reports
 * as failed are retried once, and what still fails is returned so the run can report it (those
 * integrations stay due and the next run picks them up).
 */
export function createSqsRefreshQueue({ client, queueUrl }: SqsRefreshQueueOptions): RefreshQueue {
  return {
    async send(integrationIds) {
      const failed = await sendMessageBodies(client, queueUrl, integrationIds.map(refreshMessageBody));
      return { failed: failed.map((index) => integrationIds[index] as string) };
    },
  };
}
