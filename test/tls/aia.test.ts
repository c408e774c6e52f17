import { describe, expect, it, vi } from 'vitest';
import { checkEndpoint } from '../../lib/tls/check.ts';
import { createTrustContext, fixedTrustStore } from '../../lib/trust/index.ts';
import { issue, selfSigned } from '../support/tls/pki.ts';
import { httpFileServer } from '../support/tls/servers.ts';
import { serve, track } from './helpers.ts';

/** The AIA servers of these tests listen on loopback, which certificate-driven fetches reach only with the development flag. */
const devTrust = (pem?: string) => createTrustContext(fixedTrustStore(pem), { outbound: { allowLoopback: true } });

/** root → intermediate → leaf where the leaf's AIA points at the intermediate served on loopback. */
async function chainWithAia(serveIntermediate = true) {
  const root = await selfSigned({ cn: 'AIA Test Root', ca: true });
  const intermediate = await issue(root, { cn: 'AIA Test Intermediate', ca: true });
  const aia = track(await httpFileServer(serveIntermediate ? new Uint8Array(intermediate.cert.rawData) : new Uint8Array([1, 2, 3])));
  const url = aia.url('/intermediate.cer');
  const leaf = await issue(intermediate, { cn: 'localhost', dns: ['localhost'], caIssuersUrl: url });
  return { root, intermediate, leaf, aia, url };
}

describe('incomplete chain and AIA', () => {
  it('names the missing intermediate found at the AIA URL and says the server should send it', async () => {
    const { root, leaf, url } = await chainWithAia();
    const trust = devTrust(root.pem);
    const report = await checkEndpoint({ host: '127.0.0.1', port: await serve(leaf.keyPem, leaf.pem), protocol: 'https', servername: 'localhost' }, { trust });
    expect(report).toMatchObject({ verdict: 'incomplete-chain', trusted: false });
    expect(report.message).toContain(`does not send the intermediate certificate "AIA Test Intermediate" (Trustline downloaded it from ${url})`);
    expect(report.message).toContain('The server should send it after its own certificate.');
    expect(report.chain.map((c) => c.source)).toEqual(['server', 'aia', 'truststore']);
  });

  it('hands the JVM the downloaded intermediate as its anchor, and the server its fix', async () => {
    const { root, intermediate, leaf } = await chainWithAia();
    const trust = devTrust(root.pem);
    const report = await checkEndpoint({ host: '127.0.0.1', port: await serve(leaf.keyPem, leaf.pem), protocol: 'https', servername: 'localhost' }, { trust });
    expect(report.fix?.pem).toBe(intermediate.pem);
    expect(report.fix?.serverFix).toContain('send "AIA Test Intermediate" after its own certificate');
  });

  it("downloads through the shared trust context's certificate fetch", async () => {
    const { root, leaf, url } = await chainWithAia();
    const shared = devTrust(root.pem);
    const certificateFetch = vi.fn(shared.certificateFetch);
    await checkEndpoint(
      { host: '127.0.0.1', port: await serve(leaf.keyPem, leaf.pem), protocol: 'https', servername: 'localhost' },
      { trust: { ...shared, certificateFetch } },
    );
    expect(certificateFetch).toHaveBeenCalledWith(url, expect.anything());
  });

  it('does not fetch an AIA URL on loopback without the development flag, and says so', async () => {
    const { root, leaf, aia } = await chainWithAia();
    const trust = createTrustContext(fixedTrustStore(root.pem));
    const report = await checkEndpoint({ host: '127.0.0.1', port: await serve(leaf.keyPem, leaf.pem), protocol: 'https', servername: 'localhost' }, { trust });
    expect(report.verdict).toBe('unknown-ca');
    expect(report.message).toContain('loopback');
    expect(aia.hits()).toBe(0);
  });

  it('falls back to unknown CA and says why when the AIA answer is not a certificate', async () => {
    const { root, leaf } = await chainWithAia(false);
    const trust = devTrust(root.pem);
    const report = await checkEndpoint({ host: '127.0.0.1', port: await serve(leaf.keyPem, leaf.pem), protocol: 'https', servername: 'localhost' }, { trust });
    expect(report.verdict).toBe('unknown-ca');
    expect(report.message).toContain('Its issuer could not be downloaded');
  });

  it('names an unknown root when the downloaded intermediate leads nowhere trusted', async () => {
    const { leaf } = await chainWithAia();
    const trust = devTrust();
    const report = await checkEndpoint({ host: '127.0.0.1', port: await serve(leaf.keyPem, leaf.pem), protocol: 'https', servername: 'localhost' }, { trust });
    expect(report.verdict).toBe('unknown-ca');
    expect(report.message).toContain('"AIA Test Intermediate" was issued by "AIA Test Root"');
    expect(report.fix?.anchor.subject).toBe('CN=AIA Test Intermediate');
  });
});
