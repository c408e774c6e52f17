/** Wall clock, injectable so tests control time; every capability that reads the time takes one. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
