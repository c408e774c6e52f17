import * as z from 'zod/mini';

/**
 * Endpoints one queue message carries. With the worker's SQS batch size this sets how many checks
 * one invocation runs (functions/manifest.ts, cert-check-worker): small enough that a failing
 * message re-checks few endpoints, large enough that SQS requests stay few.
 */
export const ENDPOINTS_PER_MESSAGE = 16;

/**
 * One queue message: a batch of endpoints to check for the run that started at `runAt`. zod/mini:
 * cheaper to build at start than zod's classic API (lib/runtime/config.ts registers the messages' locale).
 */
export const checkMessageSchema = z.strictObject({
  /** ISO time the scheduled run started: an endpoint already checked since then is not checked again. */
  runAt: z.iso.datetime(),
  endpointIds: z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.minLength(1), z.maxLength(ENDPOINTS_PER_MESSAGE)),
});
export type CheckMessage = z.infer<typeof checkMessageSchema>;

export const checkMessageBody = (message: CheckMessage): string => JSON.stringify(message satisfies CheckMessage);

/**
 * Where the scheduled certificate run sends its batches: the cert-check-worker's SQS queue on AWS
 * (Lambda concurrency spreads the work), the local runtime's in-process queue locally.
 */
export interface CheckQueue {
  /** Sends every message; returns those that could not be sent (their endpoints wait for the next run). */
  send(messages: readonly CheckMessage[]): Promise<{ readonly failed: readonly CheckMessage[] }>;
}

/** `endpointIds` cut into messages of ENDPOINTS_PER_MESSAGE for the run started at `runAt`. */
export function checkMessages(endpointIds: readonly string[], runAt: string, size = ENDPOINTS_PER_MESSAGE): CheckMessage[] {
  const messages: CheckMessage[] = [];
  for (let start = 0; start < endpointIds.length; start += size) messages.push({ runAt, endpointIds: endpointIds.slice(start, start + size) });
  return messages;
}

/** Parses a message body; undefined when it is not a check message. */
export function parseCheckMessage(body: string): CheckMessage | undefined {
  try {
    const parsed = checkMessageSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
