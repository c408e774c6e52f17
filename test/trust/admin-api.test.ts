import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSigned } from '../support/tls/pki.ts';
import { startRuntime } from '../support/tls/runtime.ts';

let runtime: Awaited<ReturnType<typeof startRuntime>>;
beforeAll(async () => {
  runtime = await startRuntime(['trust']);
});
afterAll(async () => {
  await runtime.stop();
});

describe('/admin/trust', () => {
  it('adds a PEM, lists it and removes it by fingerprint', async () => {
    const { pem } = await selfSigned({ cn: 'api entry' });
    const added = await runtime.api('POST', '/admin/trust', { pem });
    expect(added.status).toBe(201);
    const fingerprint = String(added.body.fingerprintSha256);
    const listed = await runtime.api('GET', '/admin/trust');
    expect((listed.body.entries as { fingerprintSha256: string }[]).map((e) => e.fingerprintSha256)).toContain(fingerprint);
    expect((await runtime.api('DELETE', `/admin/trust/${fingerprint}`)).status).toBe(204);
    expect((await runtime.api('DELETE', `/admin/trust/${fingerprint}`)).status).toBe(404);
  });

  it('answers 400 INVALID_CERTIFICATE with a fix for text that is not a certificate', async () => {
    const answer = await runtime.api('POST', '/admin/trust', { pem: 'not a certificate' });
    expect(answer).toMatchObject({ status: 400, body: { code: 'INVALID_CERTIFICATE' } });
    expect(answer.body.fix).toContain('PEM');
  });

  it('answers 400 for a bundle of several certificates', async () => {
    const pems = (await selfSigned({ cn: 'one' })).pem + (await selfSigned({ cn: 'two' })).pem;
    expect((await runtime.api('POST', '/admin/trust', { pem: pems })).body.code).toBe('TOO_MANY_CERTIFICATES');
  });

  it('answers 409 when the alias is taken', async () => {
    await runtime.api('POST', '/admin/trust', { pem: (await selfSigned({ cn: 'a' })).pem, alias: 'taken' });
    const answer = await runtime.api('POST', '/admin/trust', { pem: (await selfSigned({ cn: 'b' })).pem, alias: 'taken' });
    expect(answer).toMatchObject({ status: 409, body: { code: 'ALIAS_TAKEN' } });
  });

  it('answers 400 for a fingerprint that is not SHA-256 hex', async () => {
    expect((await runtime.api('DELETE', '/admin/trust/xyz')).body.code).toBe('INVALID_FINGERPRINT');
  });

  it('refuses a private key and never echoes it back', async () => {
    const issued = await selfSigned({ cn: 'keyed' });
    const answer = await runtime.api('POST', '/admin/trust', { pem: issued.pem + issued.keyPem });
    expect(answer.body.code).toBe('PRIVATE_KEY_NOT_ALLOWED');
    const keyBody = issued.keyPem.split('\n')[1] ?? '';
    expect(JSON.stringify(answer.body)).not.toContain(keyBody);
  });
});
