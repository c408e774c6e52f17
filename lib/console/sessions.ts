import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../clock.ts';

/** How long a sign-in link works: long enough to switch to the browser, short enough to be useless later. */
export const SIGN_IN_TTL_MS = 2 * 60 * 1000;
/** A session ends with the console process or after this long, whichever comes first. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface Sessions {
  /** A new one-time sign-in secret. */
  issueSignIn(): string;
  /** Exchanges a sign-in secret, once and before it expires, for a session id; undefined otherwise. */
  redeem(signIn: string): string | undefined;
  /** Whether the session id names a live session. */
  valid(sessionId: string | undefined): boolean;
}

/**
 * One-time sign-in secrets and the sessions they open, held in memory only: a restarted console
 * forgets every session, and nothing is written to disk.
 */
export function createSessions(clock: Clock = systemClock): Sessions {
  const signIns = new Map<string, number>();
  const sessions = new Map<string, number>();
  const secret = () => randomBytes(32).toString('base64url');
  const sweep = (map: Map<string, number>) => {
    const now = clock.now();
    for (const [key, until] of map) if (until <= now) map.delete(key);
  };
  return {
    issueSignIn() {
      sweep(signIns);
      const value = secret();
      signIns.set(value, clock.now() + SIGN_IN_TTL_MS);
      return value;
    },
    redeem(signIn) {
      const until = signIns.get(signIn);
      // Used or not, a presented secret is spent.
      signIns.delete(signIn);
      if (until === undefined || until <= clock.now()) return undefined;
      sweep(sessions);
      const id = secret();
      sessions.set(id, clock.now() + SESSION_TTL_MS);
      return id;
    },
    valid(sessionId) {
      if (sessionId === undefined) return false;
      const until = sessions.get(sessionId);
      return until !== undefined && until > clock.now();
    },
  };
}
