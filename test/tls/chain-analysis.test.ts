import { describe, expect, it } from 'vitest';
import { chain, issue, selfSigned } from '../support/tls/pki.ts';
import { check, serve } from './helpers.ts';

describe('certificate check: trust with Java semantics', () => {
  it('calls a complete chain to a trusted root ok and shows it as built', async () => {
    const { root, intermediate, leaf } = await chain();
    const report = await check(await serve(leaf.keyPem, leaf.pem, intermediate.pem), [root.pem]);
    expect(report).toMatchObject({ verdict: 'ok', trusted: true, hostnameMatches: true, problems: [] });
    expect(report.chain.map((c) => [c.subject, c.source])).toEqual([
      ['CN=localhost', 'server'],
      ['CN=Trustline Test Intermediate', 'server'],
      ['CN=Trustline Test Root', 'truststore'],
    ]);
    expect(report.fix).toBeUndefined();
  });

  it('accepts any truststore entry as an anchor, here the intermediate alone', async () => {
    const { intermediate, leaf } = await chain();
    const report = await check(await serve(leaf.keyPem, leaf.pem, intermediate.pem), [intermediate.pem]);
    expect(report).toMatchObject({ verdict: 'ok', trusted: true });
    expect(report.chain).toHaveLength(2);
  });

  it('reports a self-signed server certificate and says what Java will report', async () => {
    const server = await selfSigned({ cn: 'localhost', dns: ['localhost'] });
    const report = await check(await serve(server.keyPem, server.pem));
    expect(report).toMatchObject({ verdict: 'self-signed', trusted: false });
    expect(report.message).toContain("self-signed and is not in Node's root store or the managed truststore");
    expect(report.message).toContain('Java will fail with "PKIX path building failed');
    expect(report.chain[0]?.selfSigned).toBe(true);
  });

  it('trusts a self-signed server certificate once it is a truststore entry', async () => {
    const server = await selfSigned({ cn: 'localhost', dns: ['localhost'] });
    const report = await check(await serve(server.keyPem, server.pem), [server.pem]);
    expect(report).toMatchObject({ verdict: 'ok', trusted: true });
  });

  it('reports an unknown CA when the server sends leaf and intermediate but the root is unknown', async () => {
    const { intermediate, leaf } = await chain();
    const report = await check(await serve(leaf.keyPem, leaf.pem, intermediate.pem));
    expect(report).toMatchObject({ verdict: 'unknown-ca', trusted: false });
    expect(report.message).toContain('"Trustline Test Intermediate" was issued by "Trustline Test Root"');
  });

  it('reports an untrusted root sent by the server as such', async () => {
    const { root, intermediate, leaf } = await chain();
    const report = await check(await serve(leaf.keyPem, leaf.pem, intermediate.pem, root.pem));
    expect(report).toMatchObject({ verdict: 'unknown-ca', trusted: false });
    expect(report.message).toContain('The server sends its own root certificate "Trustline Test Root"');
  });

  it('builds the path past an unrelated certificate the server sends', async () => {
    const { root, intermediate, leaf } = await chain();
    const stray = await selfSigned({ cn: 'Stray CA', ca: true });
    const report = await check(await serve(leaf.keyPem, leaf.pem, stray.pem, intermediate.pem), [root.pem]);
    expect(report).toMatchObject({ verdict: 'ok', trusted: true });
    expect(report.chain.at(-1)).toMatchObject({ subject: 'CN=Stray CA', source: 'server' });
    expect(report.presented).toHaveLength(3);
  });
});

describe('certificate check: dates', () => {
  it('reports an expired leaf in a trusted chain', async () => {
    const { root, intermediate, leaf } = await chain({ notBeforeDays: -400, notAfterDays: -3 });
    const report = await check(await serve(leaf.keyPem, leaf.pem, intermediate.pem), [root.pem]);
    expect(report).toMatchObject({ verdict: 'expired', trusted: false });
    expect(report.daysLeft).toBeLessThan(0);
    expect(report.message).toContain('validity check failed');
  });

  it('reports a leaf that is not yet valid', async () => {
    const { root, intermediate, leaf } = await chain({ notBeforeDays: 5, notAfterDays: 400 });
    const report = await check(await serve(leaf.keyPem, leaf.pem, intermediate.pem), [root.pem]);
    expect(report).toMatchObject({ verdict: 'not-yet-valid', trusted: false });
  });

  it('warns when the earliest expiry is within warnDays', async () => {
    const { root, intermediate, leaf } = await chain({ notAfterDays: 10 });
    const report = await check(await serve(leaf.keyPem, leaf.pem, intermediate.pem), [root.pem], { warnDays: 30 });
    expect(report).toMatchObject({ verdict: 'expiring', trusted: true, daysLeft: 9 });
  });

  it('gives every certificate its own days left', async () => {
    const { root, intermediate, leaf } = await chain({ notAfterDays: 90 }, { notAfterDays: 700 });
    const report = await check(await serve(leaf.keyPem, leaf.pem, intermediate.pem), [root.pem]);
    expect(report.chain.map((c) => c.daysLeft)).toEqual([89, 699, 3649]);
    expect(report.earliestExpiry).toBe(report.chain[0]?.notAfter);
  });

  it('does not let an expiry hide an unknown root', async () => {
    const { intermediate, leaf } = await chain({ notBeforeDays: -400, notAfterDays: -1 });
    const report = await check(await serve(leaf.keyPem, leaf.pem, intermediate.pem));
    expect(report.verdict).toBe('unknown-ca');
    expect(report.problems.some((p) => p.includes('expired'))).toBe(true);
  });

  it('notes that Java accepts an expired truststore entry', async () => {
    const server = await selfSigned({ cn: 'localhost', dns: ['localhost'], notBeforeDays: -30, notAfterDays: -1 });
    const report = await check(await serve(server.keyPem, server.pem), [server.pem]);
    expect(report).toMatchObject({ verdict: 'expired', trusted: true });
    expect(report.message).toContain('Java still accepts an expired truststore entry');
  });
});

describe('certificate check: host name', () => {
  it('reports a trusted certificate for another name with the Java message', async () => {
    const { root, intermediate, leaf } = await chain({ cn: 'other', dns: ['other.example'], ips: [] });
    const report = await check(await serve(leaf.keyPem, leaf.pem, intermediate.pem), [root.pem]);
    expect(report).toMatchObject({ verdict: 'hostname-mismatch', trusted: true, hostnameMatches: false });
    expect(report.message).toContain('No subject alternative DNS name matching localhost found.');
  });

  it('does not let an untrusted chain hide a host name mismatch', async () => {
    const { intermediate, leaf } = await chain({ cn: 'other', dns: ['other.example'], ips: [] });
    const report = await check(await serve(leaf.keyPem, leaf.pem, intermediate.pem));
    expect(report).toMatchObject({ verdict: 'unknown-ca', hostnameMatches: false });
    expect(report.problems.some((p) => p.includes('not for "localhost"'))).toBe(true);
  });

  it('matches an IP address target against IP subject alternative names', async () => {
    const { root, intermediate, leaf } = await chain();
    const port = await serve(leaf.keyPem, leaf.pem, intermediate.pem);
    const { checkEndpoint } = await import('../../lib/tls/check.ts');
    const { createTrustContext, fixedTrustStore } = await import('../../lib/trust/index.ts');
    const report = await checkEndpoint({ host: '127.0.0.1', port, protocol: 'https' }, { trust: createTrustContext(fixedTrustStore(root.pem)) });
    expect(report).toMatchObject({ verdict: 'ok', hostnameMatches: true });
    expect(report.servername).toBeUndefined();
  });

  it('reports an IP address the certificate does not name', async () => {
    const server = await issue(await selfSigned({ cn: 'CA', ca: true }), { cn: 'localhost', dns: ['localhost'] });
    const report = await check(await serve(server.keyPem, server.pem), [], { servername: '127.0.0.1' });
    expect(report.problems.some((p) => p.includes('No subject alternative names matching IP address 127.0.0.1 found'))).toBe(true);
  });
});

describe('certificate check: signatures', () => {
  it("does not trust a certificate signed by an impostor that copies a trusted CA's name", async () => {
    const { root } = await chain();
    const impostor = await selfSigned({ cn: 'Trustline Test Root', ca: true });
    const leaf = await issue(impostor, { cn: 'localhost', dns: ['localhost'] });
    const report = await check(await serve(leaf.keyPem, leaf.pem), [root.pem]);
    expect(report).toMatchObject({ verdict: 'unknown-ca', trusted: false });
  });
});
