import { logger } from '../observe/index.ts';
import type { OAuthServices } from './deps.ts';
import type { FailureClass } from './refresh-policy.ts';
import { refreshMessageSchema } from './refresh-queue.ts';
import { type RefreshOutcome, refreshQueued } from './refresh-run.ts';

/** One queued message as the worker receives it (SQS record or in-process). */
export interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
}

export interface WorkerResult {
  readonly outcomes: readonly RefreshOutcome[];
  /** Messages to deliver again (SQS partial batch failure). */
  readonly retryMessageIds: readonly string[];
}

/**
 * Failures the queue should redeliver: nothing was recorded on the integration (lease held by
 * someone else, store unavailable, a bug). Provider failures are recorded with their own backoff
 * and wait for the schedule instead; after the queue's last attempt a message lands in the DLQ.
 */
const REDELIVER: ReadonlySet<FailureClass> = new Set(['busy', 'store', 'unexpected']);

/**
 * The token-refresh-worker's job: refreshes the integration of each well-formed message (each at
 * most once per batch) and names the messages to redeliver. A malformed message can never
 * succeed, so it is logged and dropped rather than redelivered.
 */
export async function consumeRefreshMessages(deps: OAuthServices, messages: readonly QueuedMessage[]): Promise<WorkerResult> {
  const byIntegration = new Map<string, string[]>();
  for (const message of messages) {
    const parsed = parseMessage(message.body);
    if (parsed === undefined) {
      logger.error('Dropped a malformed refresh message', { messageId: message.messageId });
      continue;
    }
    byIntegration.set(parsed, [...(byIntegration.get(parsed) ?? []), message.messageId]);
  }
  const outcomes = await refreshQueued(deps, [...byIntegration.keys()]);
  const retryMessageIds = outcomes
    .filter((outcome) => outcome.failureClass !== undefined && REDELIVER.has(outcome.failureClass))
    .flatMap((outcome) => byIntegration.get(outcome.integrationId) ?? []);
  return { outcomes, retryMessageIds };
}

function parseMessage(body: string): string | undefined {
  try {
    const parsed = refreshMessageSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data.integrationId : undefined;
  } catch {
    return undefined;
  }
}
