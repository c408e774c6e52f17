import * as z from 'zod/mini';
import { logger } from '../observe/index.ts';
import type { Config } from '../runtime/config.ts';

/**
 * Where a scheduled run sends the integrations it cannot refresh itself: the token-refresh-worker's
 * SQS queue on AWS (Lambda concurrency spreads the work), the same process locally.
 */
export interface RefreshQueue {
  /** Queues one message per integration; returns the ids that could not be queued. */
  send(integrationIds: readonly string[]): Promise<{ readonly failed: readonly string[] }>;
}

/** One queue message: the integration to refresh (the worker re-reads everything else). */
// zod/mini: cheaper to build at start than zod's classic API (lib/runtime/config.ts registers the messages' locale).
export const refreshMessageSchema = z.strictObject({ integrationId: z.string().check(z.minLength(1), z.maxLength(64)) });
export type RefreshMessage = z.infer<typeof refreshMessageSchema>;

/** The message body for an integration. */
export const refreshMessageBody = (integrationId: string): string => JSON.stringify({ integrationId } satisfies RefreshMessage);

/**
 * The local queue: hands each batch to `consume` in this process. `send` resolves once the batch
 * is consumed, so a local scheduled run finishes with its fan-out (no Lambda timeout to respect).
 */
export function inProcessRefreshQueue(consume: (integrationIds: readonly string[]) => Promise<unknown>): RefreshQueue {
  return {
    async send(integrationIds) {
      if (integrationIds.length > 0) await consume(integrationIds);
      return { failed: [] };
    },
  };
}

/**
 * The queue for this deployment: the services' fan-out queue (SQS on AWS, when the stack set the
 * worker's queue URL as TRUSTLINE_QUEUE_URL_TOKEN_REFRESH_WORKER), otherwise in-process through `consume`.
 */
export function refreshQueueFor(
  deps: { readonly config: Config; readonly refreshQueue?: RefreshQueue | undefined },
  consume: (integrationIds: readonly string[]) => Promise<unknown>,
): RefreshQueue {
  if (deps.refreshQueue !== undefined) return deps.refreshQueue;
  if (deps.config.backend === 'aws') logger.warn('No refresh queue is configured: the scheduled run refreshes everything itself.');
  return inProcessRefreshQueue(consume);
}
