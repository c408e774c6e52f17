import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mailLogin } from '../../lib/mail/index.ts';
import { createTrustContext, fixedTrustStore } from '../../lib/trust/index.ts';
import type { TrustContext } from '../../lib/trust/ports.ts';
import { chain } from '../support/tls/pki.ts';
import { type InjectingServer, startInjectingServer } from './fixtures/injecting-starttls.ts';
import { type ScriptedPop3, startScriptedPop3 } from './fixtures/scripted-pop3.ts';

const USER = 'alice@example.test';
const TOKEN = 'access-token-that-the-server-refuses';

/**
 * STARTTLS response injection (RFC 2595 §4, RFC 3207 §4.2, RFC 9051 §6.2.1): a man in the middle
 * appends forged answers to the server's STARTTLS answer. Each server below refuses the login
 * over TLS; a client that read the forged answers would report a login that never happened.
 */
describe('STARTTLS response injection', () => {
  let trust: TrustContext;
  let tlsFiles: { certificatePem: string; keyPem: string };
  const open: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    const pki = await chain();
    tlsFiles = { certificatePem: pki.leaf.pem + pki.intermediate.pem, keyPem: pki.leaf.keyPem };
    trust = createTrustContext(fixedTrustStore(pki.root.pem));
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((server) => server.close()));
  });

  const login = (protocol: 'imap' | 'pop3' | 'smtp', port: number) =>
    mailLogin({ protocol, host: '127.0.0.1', port, security: 'starttls', username: USER }, TOKEN, trust, { timeoutMs: 5000 }).then(
      () => expect.unreachable('the login must not succeed'),
      (error: unknown) => error as Error & { code: string },
    );

  it('POP3 (our client): refuses a server that sent more after its STLS answer, before sending the token', async () => {
    const peer: ScriptedPop3 = await startScriptedPop3({
      capabilities: ['STLS', 'SASL XOAUTH2'],
      tls: tlsFiles,
      accept: () => false,
      // A forged CAPA answer: read as the answer to the CAPA sent over TLS, the real CAPA's "+OK" then answers AUTH.
      injectAfterStls: '+OK\r\nSASL XOAUTH2\r\n.\r\n',
    });
    open.push(peer);
    const error = await login('pop3', peer.port);
    expect(error.code).toBe('MAIL_STARTTLS_INJECTION');
    expect(peer.received.some((line) => line.startsWith('AUTH') || line.includes(Buffer.from(TOKEN).toString('base64').slice(0, 12)))).toBe(false);
  });

  it('IMAP (imapflow): refuses the session before the handshake, and Trustline names the attack', async () => {
    const server: InjectingServer = await startInjectingServer({
      dialogue: 'imap',
      injection: '* CAPABILITY IMAP4rev1 AUTH=XOAUTH2\r\n',
      ...tlsFiles,
    });
    open.push(server);
    const error = await login('imap', server.port);
    expect(error.code).toBe('MAIL_STARTTLS_INJECTION');
    expect(server.receivedOverTls).toEqual([]);
  });

  it('SMTP (nodemailer): discards the injected answers and reports the real refusal', async () => {
    const server: InjectingServer = await startInjectingServer({
      dialogue: 'smtp',
      // Forged answers to the EHLO and AUTH the client sends over TLS.
      injection: '250-fake.test\r\n250 AUTH XOAUTH2\r\n235 2.7.0 Accepted\r\n',
      ...tlsFiles,
    });
    open.push(server);
    const error = await login('smtp', server.port);
    expect(error.code).toBe('MAIL_AUTH_FAILED');
    expect(error.message).toContain('535');
    expect(server.receivedOverTls.some((line) => line.startsWith('AUTH'))).toBe(true);
  });
});
