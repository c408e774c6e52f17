import type { Clock } from '../clock.ts';

/**
 * After a failed key fetch, refuses to fetch the same thing again for a while (as
 * aws-jwt-verify's SimplePenaltyBox does), so a stream of tokens naming an unknown key cannot
 * turn into a stream of requests to the key server.
 */
export class PenaltyBox {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly waitMs: number,
    private readonly maxEntries = 1000,
  ) {}

  /** Milliseconds left before `key` may be fetched again; 0 when it may be fetched now. */
  remaining(key: string): number {
    const until = this.until.get(key);
    if (until === undefined) return 0;
    const left = until - this.clock.now();
    if (left <= 0) this.until.delete(key);
    return Math.max(0, left);
  }

  registerFailure(key: string): void {
    if (this.until.size >= this.maxEntries) this.prune();
    this.until.set(key, this.clock.now() + this.waitMs);
  }

  registerSuccess(key: string): void {
    this.until.delete(key);
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [key, until] of this.until) if (until <= now) this.until.delete(key);
    // Still full of live entries: forget the oldest rather than grow without bound.
    if (this.until.size >= this.maxEntries) this.until.delete(this.until.keys().next().value as string);
  }
}
