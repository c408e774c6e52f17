import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger } from '../../lib/observe/index.ts';
import { services } from '../../lib/runtime/index.ts';
import { consumeCheckMessages, emfEndpointMetrics } from '../../lib/tls/index.ts';

/** SQS consumer of the hourly certificate run: checks each message's endpoints; failed messages are redelivered alone. */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const deps = await services();
  const { retryMessageIds, ...summary } = await consumeCheckMessages(
    { ...deps, metrics: emfEndpointMetrics() },
    event.Records.map((record) => ({ messageId: record.messageId, body: record.body })),
  );
  logger.info('Certificate check batch finished', { ...summary, messages: event.Records.length, redelivered: retryMessageIds.length });
  return { batchItemFailures: retryMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
}
