import { randomUUID } from 'node:crypto';
import { beforeEach, expect, it } from 'vitest';
import { REDACTED, redactString } from '../../../lib/observe/redact.ts';
import { forgetSecrets } from '../../../lib/observe/secret-registry.ts';
import { InvalidSecretNameError } from '../../../lib/store/errors.ts';
import type { SecretStore } from '../../../lib/store/ports.ts';
import { ManualClock } from '../../support/manual-clock.ts';
import { type Factory, unique } from './support.ts';

/** The SecretStore contract. */
export function secretStoreContract(factory: Factory<SecretStore>): void {
  let secrets: SecretStore;
  beforeEach(async () => {
    secrets = await factory(new ManualClock());
  });
  const name = () => unique('trustline/contract/secret');

  it('reads an unknown secret as undefined', async () => {
    expect(await secrets.get(name())).toBeUndefined();
  });

  it('returns the value and version id of the last put', async () => {
    const secretName = name();
    const { versionId } = await secrets.put(secretName, 'client-secret-1');
    expect(await secrets.get(secretName)).toEqual({ value: 'client-secret-1', versionId });
  });

  it('keeps the replaced value as the previous version', async () => {
    const secretName = name();
    const first = await secrets.put(secretName, 'refresh-token-1');
    const second = await secrets.put(secretName, 'refresh-token-2');
    expect(second.versionId).not.toBe(first.versionId);
    expect(await secrets.get(secretName)).toEqual({ value: 'refresh-token-2', versionId: second.versionId });
    expect(await secrets.get(secretName, { stage: 'previous' })).toEqual({ value: 'refresh-token-1', versionId: first.versionId });
  });

  it('keeps only one previous version', async () => {
    const secretName = name();
    await secrets.put(secretName, 'v1');
    await secrets.put(secretName, 'v2');
    await secrets.put(secretName, 'v3');
    expect((await secrets.get(secretName, { stage: 'previous' }))?.value).toBe('v2');
  });

  it('has no previous version after the first put', async () => {
    const secretName = name();
    await secrets.put(secretName, 'only');
    expect(await secrets.get(secretName, { stage: 'previous' })).toBeUndefined();
  });

  it('deletes every version at once', async () => {
    const secretName = name();
    await secrets.put(secretName, 'v1');
    await secrets.put(secretName, 'v2');
    await secrets.delete(secretName);
    expect(await secrets.get(secretName)).toBeUndefined();
    expect(await secrets.get(secretName, { stage: 'previous' })).toBeUndefined();
  });

  it('deletes an absent secret without error', async () => {
    await expect(secrets.delete(name())).resolves.toBeUndefined();
  });

  it('starts a fresh history when a deleted name is put again', async () => {
    const secretName = name();
    await secrets.put(secretName, 'old');
    await secrets.delete(secretName);
    await secrets.put(secretName, 'new');
    expect((await secrets.get(secretName))?.value).toBe('new');
    expect(await secrets.get(secretName, { stage: 'previous' })).toBeUndefined();
  });

  it('round-trips large and non-ASCII values exactly', async () => {
    const secretName = name();
    const value = JSON.stringify({ token: 'ü€😀'.repeat(100), padding: 'x'.repeat(20_000) });
    await secrets.put(secretName, value);
    expect((await secrets.get(secretName))?.value).toBe(value);
  });

  it('registers every value it writes or reads for log redaction', async () => {
    const secretName = name();
    const written = `written-${randomUUID()}`;
    await secrets.put(secretName, written);
    expect(redactString(`token=${written}`)).toBe(`token=${REDACTED}`);
    forgetSecrets();
    await secrets.get(secretName);
    expect(redactString(`token=${written}`)).toBe(`token=${REDACTED}`);
  });

  it.each(['other/secret', 'trustline/', 'trustline/has space', 'trustline/semi;colon', `trustline/${'a'.repeat(600)}`])(
    'refuses the name %s with InvalidSecretNameError',
    async (badName) => {
      await expect(secrets.put(badName, 'value')).rejects.toBeInstanceOf(InvalidSecretNameError);
      await expect(secrets.get(badName)).rejects.toBeInstanceOf(InvalidSecretNameError);
      await expect(secrets.delete(badName)).rejects.toBeInstanceOf(InvalidSecretNameError);
    },
  );

  it('accepts every character of Secrets Manager name charset', async () => {
    const secretName = `trustline/Az09/_+=.@-${randomUUID()}`;
    await secrets.put(secretName, 'value');
    expect((await secrets.get(secretName))?.value).toBe('value');
  });
}
