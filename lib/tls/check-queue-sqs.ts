import type { SQSClient } from '@aws-sdk/client-sqs';
import { sendMessageBodies } from '../store/aws/index.ts';
import { type CheckQueue, checkMessageBody } from './check-queue.ts';

/** The check queue on AWS: SendMessageBatch, 10 messages per request, refused entries sent once more. */
export function createSqsCheckQueue({ client, queueUrl }: { readonly client: SQSClient; readonly queueUrl: string }): CheckQueue {
  return {
    async send(messages) {
      const failed = await sendMessageBodies(client, queueUrl, messages.map(checkMessageBody));
      return { failed: failed.map((index) => messages[index] as (typeof messages)[number]) };
    },
  };
}
