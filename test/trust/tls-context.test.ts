import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { createTrustContext, createTrustStore, tlsOptions } from '../../lib/trust/index.ts';
import { chain, selfSigned } from '../support/tls/pki.ts';
import { memoryMetadata } from '../support/tls/memory-metadata.ts';
import { httpsServer, type Running } from '../support/tls/servers.ts';

const clock = { now: () => Date.now() };
const open: Running[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function serve(keyPem: string, certs: string) {
  const server = await httpsServer(keyPem, certs);
  open.push(server);
  return `https://localhost:${String(server.port)}/`;
}

describe('trust context', () => {
  it("trusts Node's root store plus every managed entry", async () => {
    const store = createTrustStore(memoryMetadata(), clock);
    const { pem } = await selfSigned({ cn: 'anchor' });
    await store.add(pem);
    const ca = await createTrustContext(store).ca();
    expect(ca).toEqual([...tls.rootCertificates, pem]);
  });

  // Callers that follow redirects have them followed by the outbound policy; openid-client, oauth4webapi
  // and jose send `redirect: 'manual'` and get the exchange as it came: both must trust alike.
  describe.each([
    ['fetch', undefined],
    ['an exchange with redirect: manual', { redirect: 'manual' } as const],
  ])('through %s', (_path, init) => {
    it('refuses a self-signed server that is not in the truststore', async () => {
      const server = await selfSigned({ cn: 'localhost', dns: ['localhost'] });
      const url = await serve(server.keyPem, server.pem);
      const trust = createTrustContext(createTrustStore(memoryMetadata(), clock));
      await expect(trust.fetch(url, init)).rejects.toMatchObject({ cause: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' } });
    });

    it('trusts a server as soon as its certificate is added in the same process', async () => {
      const server = await selfSigned({ cn: 'localhost', dns: ['localhost'] });
      const url = await serve(server.keyPem, server.pem);
      const store = createTrustStore(memoryMetadata(), clock);
      const trust = createTrustContext(store);
      await expect(trust.fetch(url, init)).rejects.toMatchObject({ cause: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' } });
      await store.add(server.pem);
      const response = await trust.fetch(url, init);
      expect(await response.text()).toBe('trusted');
    });

    it('treats a managed intermediate as an anchor, as Java does', async () => {
      const { intermediate, leaf } = await chain();
      const url = await serve(leaf.keyPem, leaf.pem + intermediate.pem);
      const store = createTrustStore(memoryMetadata(), clock);
      await store.add(intermediate.pem);
      const response = await createTrustContext(store).fetch(url, init);
      expect(response.status).toBe(200);
    });

    it('still checks the host name', async () => {
      const server = await selfSigned({ cn: 'elsewhere', dns: ['elsewhere.example'] });
      const url = await serve(server.keyPem, server.pem);
      const store = createTrustStore(memoryMetadata(), clock);
      await store.add(server.pem);
      await expect(createTrustContext(store).fetch(url, init)).rejects.toMatchObject({ cause: { code: 'ERR_TLS_CERT_ALTNAME_INVALID' } });
    });
  });

  it('sees a change made by another process once the cache has aged', async () => {
    const metadata = memoryMetadata();
    let now = 0;
    const trust = createTrustContext(createTrustStore(metadata, clock), { cacheMs: 1000, now: () => now });
    const before = await trust.ca();
    await createTrustStore(metadata, clock).add((await selfSigned({ cn: 'other process' })).pem);
    expect(await trust.ca()).toBe(before);
    now = 1000;
    expect(await trust.ca()).toHaveLength(before.length + 1);
  });

  it('gives tls.connect callers the same anchors with Java semantics', async () => {
    const store = createTrustStore(memoryMetadata(), clock);
    const trust = createTrustContext(store);
    const options = await tlsOptions(trust);
    expect(options.ca).toEqual(await trust.ca());
    expect(options.allowPartialTrustChain).toBe(true);
    expect(options.rejectUnauthorized).toBe(true);
  });
});
