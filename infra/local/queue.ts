import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { FunctionSpec } from '../../functions/manifest.ts';
import { logger } from '../../lib/observe/index.ts';
import type { Services } from '../../lib/runtime/index.ts';
import { type CheckQueue, checkMessageBody } from '../../lib/tls/index.ts';

/** The consumer of the scheduled certificate run's batches (functions/manifest.ts). */
const CERT_CHECK_WORKER = 'cert-check-worker';

/** Deliveries before a message is parked, as the stack's queues do (infra/aws/fan-out-queue.ts). */
export const LOCAL_MAX_RECEIVES = 3;
/** Batches handed to the consumer at once: the local stand-in for Lambda's concurrency. */
const PARALLEL_BATCHES = 4;

export interface DeadLetter {
  readonly messageId: string;
  readonly body: string;
  readonly receiveCount: number;
}

export interface LocalQueue {
  /** Delivers every body to the consumer; resolves once each is consumed or dead-lettered. */
  send(bodies: readonly string[]): Promise<void>;
  /** What failed LOCAL_MAX_RECEIVES times: the local dead-letter queue. */
  readonly deadLetters: readonly DeadLetter[];
}

interface Pending {
  readonly messageId: string;
  readonly body: string;
  receiveCount: number;
}

/**
 * The local equivalent of a manifest function's SQS queue: each batch (the consumer's `batchSize`)
 * goes to its handler as an SQS event, as Lambda's event source mapping does; the messages it names
 * in `batchItemFailures` (all of them when it throws) are delivered again, up to LOCAL_MAX_RECEIVES
 * deliveries, then parked in `deadLetters` with an error in the log.
 */
export function createLocalQueue(consumer: FunctionSpec, invoke: (fn: FunctionSpec, event: unknown) => Promise<unknown>): LocalQueue {
  const deadLetters: DeadLetter[] = [];
  const batchSize = consumer.queue?.batchSize ?? 1;

  const deliver = async (batch: Pending[]): Promise<Pending[]> => {
    for (const message of batch) message.receiveCount++;
    let failedIds: Set<string>;
    try {
      const response = (await invoke(consumer, sqsEvent(consumer, batch))) as SQSBatchResponse | undefined;
      failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      logger.error('The queue consumer failed; its whole batch is delivered again.', { function: consumer.name, error: error as Error });
      failedIds = new Set(batch.map((message) => message.messageId));
    }
    return batch.filter((message) => failedIds.has(message.messageId));
  };

  return {
    deadLetters,
    async send(bodies) {
      let pending: Pending[] = bodies.map((body) => ({ messageId: randomUUID(), body, receiveCount: 0 }));
      while (pending.length > 0) {
        const batches: Pending[][] = [];
        for (let start = 0; start < pending.length; start += batchSize) batches.push(pending.slice(start, start + batchSize));
        const failed: Pending[] = [];
        for (let start = 0; start < batches.length; start += PARALLEL_BATCHES) {
          failed.push(...(await Promise.all(batches.slice(start, start + PARALLEL_BATCHES).map(deliver))).flat());
        }
        pending = [];
        for (const message of failed) {
          if (message.receiveCount < LOCAL_MAX_RECEIVES) pending.push(message);
          else {
            deadLetters.push({ ...message });
            logger.error(`A message for ${consumer.name} failed ${LOCAL_MAX_RECEIVES} times and was parked in the local dead-letter queue.`, {
              function: consumer.name,
              messageId: message.messageId,
            });
          }
        }
      }
    },
  };
}

function sqsEvent(consumer: FunctionSpec, batch: readonly Pending[]): SQSEvent {
  const queueArn = `arn:aws:sqs:local:000000000000:trustline-${consumer.name}`;
  return {
    Records: batch.map((message): SQSRecord => ({
      messageId: message.messageId,
      receiptHandle: message.messageId,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(Date.now()),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: 'local',
    })),
  };
}

/**
 * The services of the local runtime with its queues: the cert-check-worker's local queue as the
 * check queue when the manifest has that consumer and the services bring no queue of their own.
 */
export function withLocalQueues(
  services: Services,
  functions: readonly FunctionSpec[],
  invoke: (fn: FunctionSpec, event: unknown) => Promise<unknown>,
): Services & { readonly localQueues: ReadonlyMap<string, LocalQueue> } {
  const localQueues = new Map<string, LocalQueue>();
  const worker = functions.find((fn) => fn.name === CERT_CHECK_WORKER && fn.queue !== undefined);
  if (worker === undefined || services.certCheckQueue !== undefined) return { ...services, localQueues };
  const queue = createLocalQueue(worker, invoke);
  localQueues.set(worker.name, queue);
  const certCheckQueue: CheckQueue = {
    async send(messages) {
      await queue.send(messages.map(checkMessageBody));
      return { failed: [] };
    },
  };
  return { ...services, certCheckQueue, localQueues };
}
