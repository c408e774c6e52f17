import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { logger } from '../observe/index.ts';
import { type RefreshQueue, refreshMessageBody } from './refresh-queue.ts';

/** SQS takes at most 10 messages per SendMessageBatch. */
const BATCH_LIMIT = 10;
/** Entries SQS refused (throttled, internal error) are sent once more before they count as failed. */
const ATTEMPTS = 2;
/** Batches in flight at once: 2,000 ids are 200 requests. */
const PARALLEL_BATCHES = 8;

export interface SqsRefreshQueueOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
}

/**
 * The refresh queue on AWS: SendMessageBatch in batches of 10; entries SQS reports as failed are
 * retried once, and what still fails is returned so the run can report it (those integrations stay
 * due and the next run picks them up).
 */
export function createSqsRefreshQueue({ client, queueUrl }: SqsRefreshQueueOptions): RefreshQueue {
  const sendBatch = async (ids: readonly string[]): Promise<string[]> => {
    let pending = [...ids];
    for (let attempt = 1; attempt <= ATTEMPTS && pending.length > 0; attempt++) {
      const entries = pending.map((integrationId, i) => ({ Id: `m${i}`, MessageBody: refreshMessageBody(integrationId) }));
      try {
        const result = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
        const failedIds = new Set((result.Failed ?? []).map((entry) => entry.Id));
        pending = pending.filter((_, i) => failedIds.has(`m${i}`));
      } catch (error) {
        logger.warn('SendMessageBatch failed', { attempt, entries: entries.length, error: error as Error });
      }
    }
    return pending;
  };

  return {
    async send(integrationIds) {
      const batches: string[][] = [];
      for (let start = 0; start < integrationIds.length; start += BATCH_LIMIT) batches.push(integrationIds.slice(start, start + BATCH_LIMIT));
      const failed: string[] = [];
      for (let start = 0; start < batches.length; start += PARALLEL_BATCHES) {
        const results = await Promise.all(batches.slice(start, start + PARALLEL_BATCHES).map(sendBatch));
        failed.push(...results.flat());
      }
      return { failed };
    },
  };
}
