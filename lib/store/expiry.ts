/** True when an item with this `expiresAt` (epoch ms) still reads as present at `now`. */
export function isLive(expiresAt: number | undefined, now: number): boolean {
  return expiresAt === undefined || expiresAt > now;
}
