import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { publishBatchMetrics, consumeRefreshMessages } from '../../lib/oauth/index.ts';
import { services } from '../../lib/runtime/index.ts';

/** SQS consumer of the scheduled run's fan-out; failed items are redelivered alone (partial batch response). */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const deps = await services();
  const { outcomes, retryMessageIds } = await consumeRefreshMessages(
    deps,
    event.Records.map((record) => ({ messageId: record.messageId, body: record.body })),
  );
  publishBatchMetrics(outcomes);
  return { batchItemFailures: retryMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
}
