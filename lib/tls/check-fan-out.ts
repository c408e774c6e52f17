import { logger } from '../observe/index.ts';
import { parseCheckMessage } from './check-queue.ts';
import { mapBounded } from './concurrency.ts';
import { createEndpointStore } from './endpoints.ts';
import { EndpointNotFoundError } from './errors.ts';
import { checkAndRecord, type CheckDeps, DEFAULT_CONCURRENCY } from './scheduled-run.ts';

/** One queued message as the worker receives it (an SQS record, or the local runtime's queue). */
export interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
}

export interface CheckBatchSummary {
  readonly checked: number;
  /** Already checked since the run started (a redelivered message), or deleted since. */
  readonly skipped: number;
  readonly failing: number;
  /** Checks that could not complete (a store error): their messages are delivered again. */
  readonly errors: number;
  /** Messages to deliver again (SQS partial batch response). */
  readonly retryMessageIds: readonly string[];
}

/**
 * The cert-check-worker's job: checks the endpoints of every message, `concurrency` at a time,
 * storing each result and alerting on state changes (checkAndRecord). A message is delivered again
 * when one of its checks could not complete; on redelivery the endpoints already checked since
 * the run started are skipped, so each is checked once per run. A malformed message can never
 * succeed: it is delivered again until the queue parks it in the dead-letter queue, whose alarm
 * tells an operator.
 */
export async function consumeCheckMessages(
  deps: CheckDeps & { readonly concurrency?: number },
  messages: readonly QueuedMessage[],
): Promise<CheckBatchSummary> {
  const store = createEndpointStore(deps.metadata, deps.clock);
  const retry = new Set<string>();
  const work: { messageId: string; endpointId: string; runAt: string }[] = [];
  for (const message of messages) {
    const parsed = parseCheckMessage(message.body);
    if (parsed === undefined) {
      logger.error('A certificate check message is malformed; it is delivered again, then parked in the dead-letter queue', { messageId: message.messageId });
      retry.add(message.messageId);
      continue;
    }
    for (const endpointId of parsed.endpointIds) work.push({ messageId: message.messageId, endpointId, runAt: parsed.runAt });
  }
  const results = await mapBounded(work, deps.concurrency ?? DEFAULT_CONCURRENCY, async ({ endpointId, runAt }) => {
    const previous = await store.result(endpointId);
    if (previous !== undefined && previous.report.checkedAt >= runAt) return 'skipped';
    const endpoint = await store.get(endpointId).catch((error: unknown) => {
      if (error instanceof EndpointNotFoundError) return undefined;
      throw error;
    });
    if (endpoint === undefined) return 'skipped';
    const report = await checkAndRecord(deps, store, endpoint, { previous });
    return report.verdict === 'ok' || report.verdict === 'expiring' ? 'ok' : 'failing';
  });
  let checked = 0;
  let skipped = 0;
  let failing = 0;
  let errors = 0;
  results.forEach((result, index) => {
    const item = work[index];
    if (!result.ok) {
      errors++;
      if (item !== undefined) retry.add(item.messageId);
      logger.error('Endpoint check failed; its message is delivered again', { endpointId: item?.endpointId, error: result.error as Error });
    } else if (result.value === 'skipped') skipped++;
    else {
      checked++;
      if (result.value === 'failing') failing++;
    }
  });
  return { checked, skipped, failing, errors, retryMessageIds: [...retry] };
}
