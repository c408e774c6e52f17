import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mailLogin, xoauth2 } from '../../lib/mail/index.ts';
import { createTrustContext } from '../../lib/trust/index.ts';
import type { TrustContext, TrustEntry, TrustStore } from '../../lib/trust/ports.ts';
import { chain } from '../support/tls/pki.ts';
import { type ScriptedPop3, startScriptedPop3 } from './fixtures/scripted-pop3.ts';

const USER = 'alice@example.test';
/** Real access tokens run to 1-2 KB, far past POP3's 255-octet AUTH line. */
const LONG_TOKEN = `eyJ-not-a-real-jwt-${'x'.repeat(1200)}`;

describe('POP3 login edges (scripted server; Dovecot covers the real logins in test/e2e)', () => {
  let trust: TrustContext;
  let tlsFiles: { certificatePem: string; keyPem: string };
  let peer: ScriptedPop3 | undefined;

  beforeAll(async () => {
    const pki = await chain();
    tlsFiles = { certificatePem: pki.leaf.pem + pki.intermediate.pem, keyPem: pki.leaf.keyPem };
    const store: TrustStore = {
      add: () => Promise.reject(new Error('read-only')),
      list: () => Promise.resolve([{ pem: pki.root.pem, fingerprintSha256: 'root' } as unknown as TrustEntry]),
      remove: () => Promise.resolve(false),
    };
    trust = createTrustContext(store);
  });
  afterEach(async () => {
    await peer?.close();
    peer = undefined;
  });

  it('sends a long token after an empty challenge, not on the AUTH line (RFC 5034)', async () => {
    peer = await startScriptedPop3({ capabilities: ['STLS', 'SASL XOAUTH2'], tls: tlsFiles, accept: (response) => response === xoauth2(USER, LONG_TOKEN) });
    const result = await mailLogin({ protocol: 'pop3', host: '127.0.0.1', port: peer.port, security: 'starttls', username: USER }, LONG_TOKEN, trust);
    expect(result.mechanism).toBe('XOAUTH2');
    expect(peer.received).toContain('AUTH XOAUTH2');
    expect(peer.received.every((line) => line.length <= 253 || !line.startsWith('AUTH'))).toBe(true);
  });

  it('answers the failure challenge and reports the refusal with the OAuth status', async () => {
    peer = await startScriptedPop3({ capabilities: ['STLS', 'SASL XOAUTH2'], tls: tlsFiles, accept: () => false });
    const error = await mailLogin({ protocol: 'pop3', host: '127.0.0.1', port: peer.port, security: 'starttls', username: USER }, 'short-token', trust).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'MAIL_AUTH_FAILED', oauthStatus: '401' });
    expect(peer.received.at(-1)).toBe('');
  });

  it('never sends the token when the server offers no STLS', async () => {
    peer = await startScriptedPop3({ capabilities: ['SASL XOAUTH2'], accept: () => true });
    const error = await mailLogin({ protocol: 'pop3', host: '127.0.0.1', port: peer.port, security: 'starttls', username: USER }, 'short-token', trust).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'MAIL_STARTTLS_UNAVAILABLE' });
    expect(peer.received.some((line) => line.startsWith('AUTH'))).toBe(false);
  });

  it('names the offered mechanisms when none is OAuth', async () => {
    peer = await startScriptedPop3({ capabilities: ['STLS', 'SASL PLAIN LOGIN'], tls: tlsFiles, accept: () => true });
    const error = await mailLogin({ protocol: 'pop3', host: '127.0.0.1', port: peer.port, security: 'starttls', username: USER }, 'short-token', trust).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'MAIL_NO_OAUTH_MECHANISM' });
    expect((error as Error).message).toContain('offered: PLAIN LOGIN');
  });

  it('gives up at the deadline when the server never answers', async () => {
    const net = await import('node:net');
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as import('node:net').AddressInfo;
    try {
      const error = await mailLogin({ protocol: 'pop3', host: '127.0.0.1', port, security: 'starttls', username: USER }, 'short-token', trust, {
        timeoutMs: 300,
      }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'MAIL_TIMEOUT' });
    } finally {
      silent.close();
    }
  });
});
