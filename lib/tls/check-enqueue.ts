import { logger } from '../observe/index.ts';
import type { MetadataStore } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import { type CheckQueue, checkMessages, ENDPOINTS_PER_MESSAGE } from './check-queue.ts';
import { type Endpoint, ENDPOINT_KIND } from './endpoints.ts';

export interface FanOutSummary {
  /** Endpoints configured at the start of the run. */
  readonly endpoints: number;
  /** Messages sent to the queue. */
  readonly messages: number;
  /** Endpoints in messages the queue refused: they are checked at the next run. */
  readonly deferred: number;
}

/** Endpoints read per page while queueing (whole messages): one page's messages are sent before the next is read. */
const LIST_PAGE_SIZE = ENDPOINTS_PER_MESSAGE * 64;

/**
 * The scheduled run with a queue: pages through every endpoint and sends them in messages of
 * ENDPOINTS_PER_MESSAGE, stamped with the run's start; the workers check them. Memory stays one
 * page whatever the number of endpoints.
 */
export async function enqueueScheduledChecks(deps: { readonly metadata: MetadataStore; readonly clock: Clock }, queue: CheckQueue): Promise<FanOutSummary> {
  const runAt = new Date(deps.clock.now()).toISOString();
  let endpoints = 0;
  let sent = 0;
  let deferred = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.metadata.list<Endpoint>(ENDPOINT_KIND, { limit: LIST_PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) });
    const messages = checkMessages(
      page.items.map((item) => item.data.id),
      runAt,
    );
    const { failed } = messages.length === 0 ? { failed: [] } : await queue.send(messages);
    endpoints += page.items.length;
    sent += messages.length - failed.length;
    deferred += failed.reduce((sum, message) => sum + message.endpointIds.length, 0);
    cursor = page.cursor;
  } while (cursor !== undefined);
  if (deferred > 0) logger.warn('Some certificate checks could not be queued; the next run checks them', { deferred });
  return { endpoints, messages: sent, deferred };
}
