import type { Config } from '../../lib/runtime/config.ts';
import type { Services } from '../../lib/runtime/services.ts';
import { systemClock } from '../../lib/clock.ts';

/**
 * Services whose stores refuse every call: for tests of code that must not touch a store
 * (the local runtime's HTTP layer), or that run before the store adapters exist.
 */
export function stubServices(config: Config): Services {
  const refuse = (port: string) =>
    new Proxy(
      {},
      {
        get: (_target, member) => {
          if (member === 'then') return undefined;
          return () => Promise.reject(new Error(`stubServices: ${port}.${String(member)} is not available in this test`));
        },
      },
    );
  return {
    config,
    secrets: refuse('secrets') as Services['secrets'],
    metadata: refuse('metadata') as Services['metadata'],
    leases: refuse('leases') as Services['leases'],
    alerts: refuse('alerts') as Services['alerts'],
    trustStore: refuse('trustStore') as Services['trustStore'],
    trust: refuse('trust') as Services['trust'],
    clock: systemClock,
  };
}
