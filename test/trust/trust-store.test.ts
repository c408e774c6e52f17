import { describe, expect, it } from 'vitest';
import { createTrustStore } from '../../lib/trust/index.ts';
import { chain, selfSigned } from '../support/tls/pki.ts';
import { memoryMetadata } from '../support/tls/memory-metadata.ts';

const clock = { now: () => Date.parse('2026-11-01T00:00:00Z') };

describe('trust store', () => {
  it('stores an entry under its SHA-256 fingerprint in the metadata store, kind trust', async () => {
    const metadata = memoryMetadata();
    const { pem } = await selfSigned({ cn: 'mail.example.test' });
    const entry = await createTrustStore(metadata, clock).add(pem);
    const stored = await metadata.get('trust', entry.fingerprintSha256);
    expect(entry.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.data).toEqual(entry);
    expect(entry.addedAt).toBe('2026-11-01T00:00:00.000Z');
    expect(entry.subject).toBe('CN=mail.example.test');
  });

  it('gives every entry a unique readable alias by default', async () => {
    const store = createTrustStore(memoryMetadata(), clock);
    const entry = await store.add((await selfSigned({ cn: 'LDAP Server' })).pem);
    expect(entry.alias).toBe(`trustline-ldap-server-${entry.fingerprintSha256.slice(0, 8)}`);
  });

  it('treats adding the same certificate twice as one entry', async () => {
    const store = createTrustStore(memoryMetadata(), clock);
    const { pem } = await selfSigned({ cn: 'twice' });
    const first = await store.add(pem);
    const second = await store.add(pem, 'another-alias');
    expect(second).toEqual(first);
    expect(await store.list()).toHaveLength(1);
  });

  it('refuses an alias another entry already uses', async () => {
    const store = createTrustStore(memoryMetadata(), clock);
    await store.add((await selfSigned({ cn: 'a' })).pem, 'shared');
    await expect(store.add((await selfSigned({ cn: 'b' })).pem, 'shared')).rejects.toMatchObject({ code: 'ALIAS_TAKEN' });
  });

  it('refuses text without a certificate', async () => {
    const store = createTrustStore(memoryMetadata(), clock);
    await expect(store.add('hello')).rejects.toMatchObject({ code: 'INVALID_CERTIFICATE' });
  });

  it('refuses a certificate block that does not parse', async () => {
    const store = createTrustStore(memoryMetadata(), clock);
    const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    await expect(store.add(broken)).rejects.toMatchObject({ code: 'INVALID_CERTIFICATE' });
  });

  it('refuses a bundle of several certificates', async () => {
    const { leaf, intermediate } = await chain();
    const store = createTrustStore(memoryMetadata(), clock);
    await expect(store.add(leaf.pem + intermediate.pem)).rejects.toMatchObject({ code: 'TOO_MANY_CERTIFICATES', count: 2 });
  });

  it('refuses a PEM that carries a private key and stores nothing', async () => {
    const metadata = memoryMetadata();
    const store = createTrustStore(metadata, clock);
    const issued = await selfSigned({ cn: 'with-key' });
    await expect(store.add(issued.pem + issued.keyPem)).rejects.toMatchObject({ code: 'PRIVATE_KEY_NOT_ALLOWED' });
    expect(await store.list()).toEqual([]);
  });

  it('removes an entry by fingerprint, also written with colons and upper case', async () => {
    const store = createTrustStore(memoryMetadata(), clock);
    const entry = await store.add((await selfSigned({ cn: 'gone' })).pem);
    const colons = entry.fingerprintSha256.toUpperCase().replace(/(..)(?!$)/g, '$1:');
    expect(await store.remove(colons)).toBe(true);
    expect(await store.list()).toEqual([]);
  });

  it('reports removing an absent entry as false', async () => {
    expect(await createTrustStore(memoryMetadata(), clock).remove('00'.repeat(32))).toBe(false);
  });

  it('lists more entries than one metadata page holds', async () => {
    const store = createTrustStore(memoryMetadata(), clock);
    const pems = await Promise.all(Array.from({ length: 105 }, (_, i) => selfSigned({ cn: `bulk-${String(i)}` })));
    for (const { pem } of pems) await store.add(pem);
    expect(await store.list()).toHaveLength(105);
  });

  it('tells subscribers about adds and removes', async () => {
    const store = createTrustStore(memoryMetadata(), clock);
    let calls = 0;
    store.onChange?.(() => calls++);
    const entry = await store.add((await selfSigned({ cn: 'notify' })).pem);
    await store.remove(entry.fingerprintSha256);
    expect(calls).toBe(2);
  });
});
