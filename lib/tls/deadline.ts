import { ProbeTimeoutError, type ProbeStage } from './errors.ts';

/** The one deadline of a probe: connect, plain-text protocol and handshake all count against it. */
export interface Deadline {
  /** What the probe is doing now; named in the timeout message. */
  stage: ProbeStage;
  /** Aborted (with the ProbeTimeoutError) when time is up; destroy sockets on it. */
  readonly signal: AbortSignal;
  /** Milliseconds left, at least 1. */
  remainingMs(): number;
}

/**
 * Runs `body` under one overall deadline. When it expires the signal aborts (so the body
 * destroys its sockets) and the result rejects with ProbeTimeoutError naming the stage.
 */
export async function withDeadline<T>(timeoutMs: number, address: string, body: (deadline: Deadline) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const endsAt = Date.now() + timeoutMs;
  const deadline: Deadline = {
    stage: 'connect',
    signal: controller.signal,
    remainingMs: () => Math.max(1, endsAt - Date.now()),
  };
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new ProbeTimeoutError(address, deadline.stage, timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([body(deadline), expired]);
  } finally {
    clearTimeout(timer);
  }
}
