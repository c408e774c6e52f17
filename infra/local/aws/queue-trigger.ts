import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { AwsCall } from './aws-calls.ts';
import type { QueuedMessage, SqsEmulator } from './sqs-emulator.ts';
import type { DeployedQueue, DeployedQueueTrigger } from './template.ts';

export interface QueueTriggerOptions {
  readonly sqs: SqsEmulator;
  readonly queues: readonly DeployedQueue[];
  readonly triggers: readonly DeployedQueueTrigger[];
  readonly invoke: (functionName: string, event: SQSEvent) => Promise<unknown>;
  /** Lambda polls the queue with the function's own role: these calls are the function's too. */
  readonly record: (call: AwsCall) => void;
  readonly log: (line: string) => void;
}

export interface QueueTriggers {
  /** Resolves once every triggered queue is empty and no batch is being handled. */
  idle(): Promise<void>;
}

/**
 * Lambda's SQS event source mapping over the emulator: each queue with a trigger is drained in
 * batches of the trigger's size into its function; the messages a partial batch response names
 * come back, and after the queue's maxReceiveCount go to its dead-letter queue.
 */
export function startQueueTriggers(options: QueueTriggerOptions): QueueTriggers {
  const draining = new Map<string, Promise<void>>();

  const drain = async (trigger: DeployedQueueTrigger, queue: DeployedQueue): Promise<void> => {
    for (;;) {
      const batch = options.sqs.take(queue.name, trigger.batchSize);
      if (batch.length === 0) return;
      options.record({ function: trigger.functionName, action: 'sqs:ReceiveMessage', resource: queue.arn, context: {}, via: 'lambda' });
      const failed = await handled(trigger, queue, batch);
      const done = batch.filter((message) => !failed.has(message.messageId));
      if (done.length > 0) options.record({ function: trigger.functionName, action: 'sqs:DeleteMessage', resource: queue.arn, context: {}, via: 'lambda' });
      const retry = batch.filter((message) => failed.has(message.messageId));
      const dead = retry.filter((message) => queue.maxReceiveCount !== undefined && message.receiveCount >= queue.maxReceiveCount);
      options.sqs.putBack(
        queue.name,
        retry.filter((message) => !dead.includes(message)),
      );
      const deadLetters = options.queues.find((q) => q.arn === queue.deadLetterArn);
      if (dead.length > 0 && deadLetters !== undefined) {
        options.log(`${dead.length} message(s) of ${queue.name} moved to ${deadLetters.name} after ${String(queue.maxReceiveCount)} receives`);
        options.sqs.putBack(deadLetters.name, dead);
      }
    }
  };

  /** The ids of the messages to deliver again: those the function named, or all when it failed. */
  const handled = async (trigger: DeployedQueueTrigger, queue: DeployedQueue, batch: readonly QueuedMessage[]): Promise<Set<string>> => {
    try {
      const response = (await options.invoke(trigger.functionName, sqsEvent(queue, batch))) as SQSBatchResponse | undefined;
      return new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      options.log(`${trigger.functionName} failed a batch of ${queue.name}; the messages are delivered again: ${(error as Error).message}`);
      return new Set(batch.map((message) => message.messageId));
    }
  };

  options.sqs.onMessages((queueName) => {
    const queue = options.queues.find((q) => q.name === queueName);
    const trigger = options.triggers.find((t) => t.queueArn === queue?.arn);
    if (queue === undefined || trigger === undefined || draining.has(queueName)) return;
    const run = drain(trigger, queue).finally(() => draining.delete(queueName));
    draining.set(queueName, run);
  });

  return {
    async idle() {
      while (draining.size > 0) await Promise.all(draining.values());
    },
  };
}

function sqsEvent(queue: DeployedQueue, batch: readonly QueuedMessage[]): SQSEvent {
  return {
    Records: batch.map((message) => ({
      messageId: message.messageId,
      receiptHandle: message.messageId,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentTimestamp),
        SenderId: 'aws-local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: message.md5OfBody,
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: queue.arn.split(':')[3] ?? '',
    })),
  };
}
