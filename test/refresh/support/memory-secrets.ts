import { randomUUID } from 'node:crypto';
import type { SecretStore, SecretVersion } from '../../../lib/store/ports.ts';

/** An in-memory SecretStore (current + previous version), for measuring the refresh logic without a store's I/O. */
export function memorySecrets(): SecretStore {
  const secrets = new Map<string, { current: SecretVersion; previous?: SecretVersion }>();
  return {
    get: (name, options) => {
      const stored = secrets.get(name);
      return Promise.resolve(options?.stage === 'previous' ? stored?.previous : stored?.current);
    },
    put: (name, value) => {
      const versionId = randomUUID();
      const previous = secrets.get(name)?.current;
      secrets.set(name, { current: { value, versionId }, ...(previous === undefined ? {} : { previous }) });
      return Promise.resolve({ versionId });
    },
    delete: (name) => {
      secrets.delete(name);
      return Promise.resolve();
    },
  };
}
