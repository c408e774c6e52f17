import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { logger } from '../../observe/index.ts';

/** SQS takes at most 10 messages per SendMessageBatch. */
const BATCH_LIMIT = 10;
/** Entries SQS refused (throttled, internal error) are sent once more before they count as failed. */
const ATTEMPTS = 2;
/** SendMessageBatch requests in flight at once. */
const PARALLEL_BATCHES = 8;

/**
 * Sends `bodies` to an SQS queue with SendMessageBatch, 10 per request and 8 requests at a time;
 * entries SQS reports as failed (or a request that fails outright) are sent once more. Returns
 * the indexes of the bodies that still could not be sent, for the caller to report.
 */
export async function sendMessageBodies(client: SQSClient, queueUrl: string, bodies: readonly string[]): Promise<number[]> {
  const sendBatch = async (indexes: readonly number[]): Promise<number[]> => {
    let pending = [...indexes];
    for (let attempt = 1; attempt <= ATTEMPTS && pending.length > 0; attempt++) {
      const entries = pending.map((index) => ({ Id: `m${index}`, MessageBody: bodies[index] }));
      try {
        const result = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
        const failedIds = new Set((result.Failed ?? []).map((entry) => entry.Id));
        pending = pending.filter((index) => failedIds.has(`m${index}`));
      } catch (error) {
        logger.warn('SendMessageBatch failed', { attempt, entries: entries.length, error: error as Error });
      }
    }
    return pending;
  };
  const batches: number[][] = [];
  for (let start = 0; start < bodies.length; start += BATCH_LIMIT) {
    batches.push(Array.from({ length: Math.min(BATCH_LIMIT, bodies.length - start) }, (_, i) => start + i));
  }
  const failed: number[] = [];
  for (let start = 0; start < batches.length; start += PARALLEL_BATCHES) {
    const results = await Promise.all(batches.slice(start, start + PARALLEL_BATCHES).map(sendBatch));
    failed.push(...results.flat());
  }
  return failed;
}
