import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSigned } from '../support/tls/pki.ts';
import { startRuntime } from '../support/tls/runtime.ts';
import { serve } from './helpers.ts';

let runtime: Awaited<ReturnType<typeof startRuntime>>;
beforeAll(async () => {
  runtime = await startRuntime(['endpoints', 'trust']);
});
afterAll(async () => {
  await runtime.stop();
});

describe('/admin/endpoints', () => {
  it("adds a target with the protocol's usual port and lists it", async () => {
    const added = await runtime.api('POST', '/admin/endpoints', { host: 'mail.example.test', protocol: 'imaps' });
    expect(added).toMatchObject({ status: 201, body: { host: 'mail.example.test', port: 993, protocol: 'imaps' } });
    const listed = await runtime.api('GET', '/admin/endpoints');
    expect((listed.body.endpoints as { id: string }[]).map((e) => e.id)).toContain(added.body.id);
  });

  it('checks a target now and answers the certs check document, then lists its latest result', async () => {
    const server = await selfSigned({ cn: 'localhost', dns: ['localhost'] });
    const port = await serve(server.keyPem, server.pem);
    const { body } = await runtime.api('POST', '/admin/endpoints', { host: '127.0.0.1', port, servername: 'localhost' });
    const checked = await runtime.api('POST', `/admin/endpoints/${String(body.id)}/check`);
    expect(checked).toMatchObject({ status: 200, body: { verdict: 'self-signed', trusted: false, fix: { pem: server.pem } } });
    const listed = (await runtime.api('GET', '/admin/endpoints')).body.endpoints as { id: string; lastResult?: { verdict: string } }[];
    expect(listed.find((e) => e.id === body.id)?.lastResult?.verdict).toBe('self-signed');
  });

  it('trusts what the managed truststore holds', async () => {
    const server = await selfSigned({ cn: 'localhost', dns: ['localhost'] });
    const port = await serve(server.keyPem, server.pem);
    await runtime.api('POST', '/admin/trust', { pem: server.pem });
    const { body } = await runtime.api('POST', '/admin/endpoints', { host: '127.0.0.1', port, servername: 'localhost' });
    expect((await runtime.api('POST', `/admin/endpoints/${String(body.id)}/check`)).body).toMatchObject({ verdict: 'ok', trusted: true });
  });

  it('answers 400 naming the field for a bad target', async () => {
    const answer = await runtime.api('POST', '/admin/endpoints', { host: 'bad host', port: 70000 });
    expect(answer).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });

  it('deletes a target, then answers 404 for it', async () => {
    const { body } = await runtime.api('POST', '/admin/endpoints', { host: 'gone.example.test' });
    expect((await runtime.api('DELETE', `/admin/endpoints/${String(body.id)}`)).status).toBe(204);
    expect(await runtime.api('DELETE', `/admin/endpoints/${String(body.id)}`)).toMatchObject({ status: 404, body: { code: 'ENDPOINT_NOT_FOUND' } });
    expect(await runtime.api('POST', `/admin/endpoints/${String(body.id)}/check`)).toMatchObject({ status: 404, body: { code: 'ENDPOINT_NOT_FOUND' } });
  });
});
