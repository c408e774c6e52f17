import { beforeEach, expect, it } from 'vitest';
import { LeaseLostError } from '../../../lib/store/errors.ts';
import type { LeaseStore } from '../../../lib/store/ports.ts';
import { ManualClock } from '../../support/manual-clock.ts';
import { type Factory, unique } from './support.ts';

/** The LeaseStore contract: at most one live holder per name, proven under concurrency. */
export function leaseStoreContract(factory: Factory<LeaseStore>): void {
  let leases: LeaseStore;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock();
    leases = await factory(clock);
  });
  const name = () => unique('refresh');

  it('grants a free lease until now + ttl', async () => {
    const leaseName = name();
    const lease = await leases.acquire(leaseName, 'worker-a', 30_000);
    expect(lease).toMatchObject({ name: leaseName, owner: 'worker-a', expiresAt: clock.now() + 30_000 });
  });

  it('refuses a lease another owner holds', async () => {
    const leaseName = name();
    await leases.acquire(leaseName, 'worker-a', 30_000);
    expect(await leases.acquire(leaseName, 'worker-b', 30_000)).toBeUndefined();
  });

  it('grants a lease to exactly one of 20 concurrent contenders', async () => {
    const leaseName = name();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => leases.acquire(leaseName, `worker-${i}`, 30_000)));
    const winners = results.filter((lease) => lease !== undefined);
    expect(winners).toHaveLength(1);
    expect(await leases.acquire(leaseName, 'late-comer', 30_000)).toBeUndefined();
  });

  it('lets another owner take over an expired lease', async () => {
    const leaseName = name();
    await leases.acquire(leaseName, 'worker-a', 30_000);
    clock.advance(30_000);
    expect(await leases.acquire(leaseName, 'worker-b', 30_000)).toMatchObject({ owner: 'worker-b' });
  });

  it('throws LeaseLostError when the holder renews after a takeover', async () => {
    const leaseName = name();
    const lease = (await leases.acquire(leaseName, 'worker-a', 30_000))!;
    clock.advance(31_000);
    await leases.acquire(leaseName, 'worker-b', 30_000);
    await expect(leases.renew(lease, 30_000)).rejects.toBeInstanceOf(LeaseLostError);
  });

  it('extends a renewed lease so that others stay out past the first expiry', async () => {
    const leaseName = name();
    const lease = (await leases.acquire(leaseName, 'worker-a', 30_000))!;
    clock.advance(20_000);
    const renewed = await leases.renew(lease, 30_000);
    expect(renewed.expiresAt).toBe(clock.now() + 30_000);
    clock.advance(20_000);
    expect(await leases.acquire(leaseName, 'worker-b', 30_000)).toBeUndefined();
    await expect(leases.renew(lease, 30_000)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(leases.renew(renewed, 30_000)).resolves.toMatchObject({ owner: 'worker-a' });
  });

  it('frees a released lease for the next owner at once', async () => {
    const leaseName = name();
    const lease = (await leases.acquire(leaseName, 'worker-a', 30_000))!;
    await leases.release(lease);
    expect(await leases.acquire(leaseName, 'worker-b', 30_000)).toMatchObject({ owner: 'worker-b' });
    await expect(leases.renew(lease, 30_000)).rejects.toBeInstanceOf(LeaseLostError);
  });

  it("leaves the new holder's lease alone when a former holder releases", async () => {
    const leaseName = name();
    const old = (await leases.acquire(leaseName, 'worker-a', 30_000))!;
    clock.advance(30_000);
    const current = (await leases.acquire(leaseName, 'worker-b', 30_000))!;
    await leases.release(old);
    expect(await leases.acquire(leaseName, 'worker-c', 30_000)).toBeUndefined();
    await expect(leases.renew(current, 30_000)).resolves.toMatchObject({ owner: 'worker-b' });
  });

  it('never reuses a version number for a lease name, even after release', async () => {
    const leaseName = name();
    const first = (await leases.acquire(leaseName, 'worker-a', 30_000))!;
    await leases.release(first);
    const second = (await leases.acquire(leaseName, 'worker-a', 30_000))!;
    expect(second.version).toBeGreaterThan(first.version);
    await expect(leases.renew(first, 30_000)).rejects.toBeInstanceOf(LeaseLostError);
  });
}
