import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailLogin } from '../../lib/mail/index.ts';
import { createTrustContext } from '../../lib/trust/index.ts';
import type { TrustContext, TrustEntry, TrustStore } from '../../lib/trust/ports.ts';
import { chain } from '../support/tls/pki.ts';
import { freePort } from '../support/ports.ts';
import { type SmtpPeer, startSmtpPeer } from './fixtures/smtp.ts';

const USER = 'alice@example.test';
const TOKEN = 'valid-access-token-for-alice-0123456789';

function trustWith(pems: readonly string[]): TrustContext {
  const store: TrustStore = {
    add: () => Promise.reject(new Error('read-only')),
    list: () => Promise.resolve(pems.map((pem, i) => ({ pem, fingerprintSha256: String(i) }) as unknown as TrustEntry)),
    remove: () => Promise.resolve(false),
  };
  return createTrustContext(store);
}

describe('SMTP login with XOAUTH2 (nodemailer against smtp-server)', () => {
  let implicit: SmtpPeer;
  let starttls: SmtpPeer;
  let noStarttls: SmtpPeer;
  let trust: TrustContext;

  beforeAll(async () => {
    const pki = await chain();
    const tls = { certificatePem: pki.leaf.pem + pki.intermediate.pem, keyPem: pki.leaf.keyPem };
    const verify = (username: string | undefined, token: string | undefined) => Promise.resolve(username === USER && token === TOKEN);
    implicit = await startSmtpPeer({ secure: true, ...tls, verify });
    starttls = await startSmtpPeer({ secure: false, ...tls, verify });
    noStarttls = await startSmtpPeer({ secure: false, noStartTls: true, ...tls, verify });
    trust = trustWith([pki.root.pem]);
  });
  afterAll(async () => {
    await Promise.all([implicit.close(), starttls.close(), noStarttls.close()]);
  });

  it('logs in over implicit TLS', async () => {
    const result = await mailLogin({ protocol: 'smtp', host: '127.0.0.1', port: implicit.port, security: 'tls', username: USER }, TOKEN, trust);
    expect(result.mechanism).toBe('XOAUTH2');
    expect(implicit.attempts.at(-1)).toEqual({ method: 'XOAUTH2', username: USER });
  });

  it('logs in after STARTTLS', async () => {
    const result = await mailLogin({ protocol: 'smtp', host: '127.0.0.1', port: starttls.port, security: 'starttls', username: USER }, TOKEN, trust);
    expect(result.mechanism).toBe('XOAUTH2');
  });

  it('reports a refused token as MAIL_AUTH_FAILED with the server answer', async () => {
    const error = await mailLogin(
      { protocol: 'smtp', host: '127.0.0.1', port: implicit.port, security: 'tls', username: USER },
      'some-other-token-value',
      trust,
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'MAIL_AUTH_FAILED' });
    expect((error as Error).message).toContain('refused the XOAUTH2 login for alice@example.test');
  });

  it('never sends the token when the server cannot do STARTTLS', async () => {
    const before = noStarttls.attempts.length;
    const error = await mailLogin({ protocol: 'smtp', host: '127.0.0.1', port: noStarttls.port, security: 'starttls', username: USER }, TOKEN, trust).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'MAIL_STARTTLS_UNAVAILABLE' });
    expect(noStarttls.attempts.length).toBe(before);
  });

  it('refuses a server whose CA is not in the shared truststore, naming the fix', async () => {
    const error = await mailLogin({ protocol: 'smtp', host: '127.0.0.1', port: implicit.port, security: 'tls', username: USER }, TOKEN, trustWith([])).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'MAIL_TLS_FAILED' });
    expect((error as { fix: string }).fix).toContain(`\`npx trustline certs check 127.0.0.1:${implicit.port} --protocol smtps\``);
    expect((error as { fix: string }).fix).toContain(`\`npx trustline trust add --from 127.0.0.1:${implicit.port} --protocol smtps\``);
  });

  it('reports a closed port as MAIL_CONNECT_FAILED', async () => {
    const port = await freePort();
    const error = await mailLogin({ protocol: 'smtp', host: '127.0.0.1', port, security: 'tls', username: USER }, TOKEN, trust).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'MAIL_CONNECT_FAILED' });
  });
});
