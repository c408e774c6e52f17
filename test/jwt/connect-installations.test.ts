import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedSecretLookup, connectSecretName, deleteInstallation, readSharedSecret, saveInstallation } from '../../lib/jwt/connect-installations.ts';
import { tokenFromRequest } from '../../lib/jwt/token-source.ts';
import { createLocalStores } from '../../lib/store/local/index.ts';
import type { SecretStore } from '../../lib/store/ports.ts';
import { ManualClock } from '../support/manual-clock.ts';

let dataDir: string;
let secrets: SecretStore;
let clock: ManualClock;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'trustline-connect-'));
  clock = new ManualClock();
  secrets = createLocalStores({ dataDir, clock }).secrets;
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const install = (clientKey: string, sharedSecret: string) =>
  saveInstallation(secrets, { clientKey, sharedSecret, baseUrl: 'https://example.atlassian.net', installedAt: '2026-01-01T00:00:00Z' });

describe('Connect installations in the secret store', () => {
  it('names a Cloud client key (a UUID) as is', () => {
    expect(connectSecretName('9a2e4f1c-0b7d-4c3e-8f55-1d2e3c4b5a69')).toBe('trustline/connect/9a2e4f1c-0b7d-4c3e-8f55-1d2e3c4b5a69');
  });

  it('escapes characters a secret name cannot hold, reversibly', () => {
    expect(connectSecretName('jira:1234=5')).toBe('trustline/connect/jira=3A1234=3D5');
  });

  it('escapes / and . so a client key cannot reach another secret', () => {
    expect(connectSecretName('../../integrations/x')).toBe('trustline/connect/=2E=2E=2F=2E=2E=2Fintegrations=2Fx');
  });

  it('refuses an empty or over-long client key', () => {
    expect([connectSecretName(''), connectSecretName('k'.repeat(129))]).toEqual([undefined, undefined]);
  });

  it('reads back the shared secret that was saved', async () => {
    await install('jira:1234', 'the-shared-secret-value');
    expect(await readSharedSecret(secrets, 'jira:1234')).toBe('the-shared-secret-value');
  });

  it('forgets the shared secret on delete', async () => {
    await install('jira:1234', 'the-shared-secret-value');
    await deleteInstallation(secrets, 'jira:1234');
    expect(await readSharedSecret(secrets, 'jira:1234')).toBeUndefined();
  });

  it('serves a cached secret for a minute, then reads the store again', async () => {
    const lookup = cachedSecretLookup(secrets, clock);
    await install('c', 'first-secret-value');
    await lookup('c');
    await install('c', 'second-secret-value');
    expect(await lookup('c')).toBe('first-secret-value');
    clock.advance(60_001);
    expect(await lookup('c')).toBe('second-secret-value');
  });

  it('remembers an unknown client only briefly, so a fresh install is seen within seconds', async () => {
    const lookup = cachedSecretLookup(secrets, clock);
    expect(await lookup('c')).toBeUndefined();
    await install('c', 'new-secret-value');
    clock.advance(5_001);
    expect(await lookup('c')).toBe('new-secret-value');
  });

  it('reads the store again on a fresh request, but not more than once per 5 s per client', async () => {
    const lookup = cachedSecretLookup(secrets, clock);
    await install('c', 'first-secret-value');
    await lookup('c');
    await install('c', 'second-secret-value');
    expect(await lookup('c', { fresh: true })).toBe('first-secret-value');
    clock.advance(5_000);
    expect(await lookup('c', { fresh: true })).toBe('second-secret-value');
  });
});

describe('where Connect puts the token', () => {
  it('reads the Authorization header with the JWT scheme, whatever the case of its name', () => {
    expect(tokenFromRequest({ Authorization: 'JWT a.b.c' }, '')).toBe('a.b.c');
  });

  it('ignores a Bearer Authorization header', () => {
    expect(tokenFromRequest({ authorization: 'Bearer a.b.c' }, '')).toBeUndefined();
  });

  it('reads the jwt query parameter', () => {
    expect(tokenFromRequest({}, 'x=1&jwt=a.b.c')).toBe('a.b.c');
  });
});
