import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { chain } from '../support/tls/pki.ts';
import { imapServer, ldapServer, pop3Server, smtpServer, type ServerIdentity } from '../support/tls/starttls-servers.ts';
import { listen, tlsServer } from '../support/tls/servers.ts';
import { check, track } from './helpers.ts';

async function pki() {
  const { root, intermediate, leaf } = await chain();
  const identity: ServerIdentity = { keyPem: leaf.keyPem, certPem: leaf.pem + intermediate.pem };
  return { identity, anchors: [root.pem] };
}

describe('STARTTLS', () => {
  it('SMTP: waits for a slow multi-line greeting before sending anything, then upgrades', async () => {
    const { identity, anchors } = await pki();
    const log: { line: string; afterGreeting: boolean }[] = [];
    const server = track(await smtpServer(identity, { greetingDelayMs: 1500, log }));
    const report = await check(server.port, anchors, { protocol: 'smtp-starttls' });
    expect(report).toMatchObject({ verdict: 'ok', trusted: true, protocol: 'smtp-starttls' });
    expect(log.map((entry) => entry.line)).toEqual(['EHLO trustline.invalid', 'STARTTLS']);
    expect(log.every((entry) => entry.afterGreeting)).toBe(true);
  });

  it('SMTP: reports a 454 answer to STARTTLS as a refusal', async () => {
    const { identity, anchors } = await pki();
    const server = track(await smtpServer(identity, { refuseWith: '454 4.7.0 TLS not available due to local problem' }));
    const report = await check(server.port, anchors, { protocol: 'smtp-starttls' });
    expect(report).toMatchObject({ verdict: 'starttls-refused', trusted: false, error: { code: 'STARTTLS_REFUSED' } });
    expect(report.message).toContain('454 4.7.0 TLS not available');
  });

  it('SMTP: reports a server that does not offer STARTTLS', async () => {
    const { identity, anchors } = await pki();
    const server = track(await smtpServer(identity, { withoutStartTls: true }));
    const report = await check(server.port, anchors, { protocol: 'smtp-starttls' });
    expect(report.verdict).toBe('starttls-refused');
    expect(report.error?.message).toContain('8BITMIME');
  });

  it('IMAP: tagged STARTTLS past untagged lines, then upgrades', async () => {
    const { identity, anchors } = await pki();
    const server = track(await imapServer(identity));
    expect(await check(server.port, anchors, { protocol: 'imap-starttls' })).toMatchObject({ verdict: 'ok', trusted: true });
  });

  it('IMAP: reports a tagged NO as a refusal', async () => {
    const { identity, anchors } = await pki();
    const server = track(await imapServer(identity, { refuse: true }));
    const report = await check(server.port, anchors, { protocol: 'imap-starttls' });
    expect(report.verdict).toBe('starttls-refused');
    expect(report.message).toContain('T1 NO STARTTLS is disabled');
  });

  it('POP3: STLS, then upgrades', async () => {
    const { identity, anchors } = await pki();
    const server = track(await pop3Server(identity));
    expect(await check(server.port, anchors, { protocol: 'pop3-starttls' })).toMatchObject({ verdict: 'ok', trusted: true });
  });

  it('POP3: reports -ERR to STLS as a refusal', async () => {
    const { identity, anchors } = await pki();
    const server = track(await pop3Server(identity, { refuse: true }));
    expect((await check(server.port, anchors, { protocol: 'pop3-starttls' })).verdict).toBe('starttls-refused');
  });

  it('LDAP: StartTLS extended operation with the minimal response, then upgrades', async () => {
    const { identity, anchors } = await pki();
    const server = track(await ldapServer(identity));
    expect(await check(server.port, anchors, { protocol: 'ldap-starttls' })).toMatchObject({ verdict: 'ok', trusted: true });
  });

  it('LDAP: accepts a response that carries the responseName', async () => {
    const { identity, anchors } = await pki();
    const server = track(await ldapServer(identity, { withResponseName: true }));
    expect((await check(server.port, anchors, { protocol: 'ldap-starttls' })).verdict).toBe('ok');
  });

  it("LDAP: reports a non-zero resultCode as a refusal with the server's words", async () => {
    const { identity, anchors } = await pki();
    const server = track(await ldapServer(identity, { resultCode: 2 }));
    const report = await check(server.port, anchors, { protocol: 'ldap-starttls' });
    expect(report.verdict).toBe('starttls-refused');
    expect(report.message).toContain('resultCode 2: unsupported extended operation');
  });

  it('names the STARTTLS protocol the server speaks when implicit TLS is tried on a plain-text port', async () => {
    const { identity, anchors } = await pki();
    const server = track(await smtpServer(identity));
    const report = await check(server.port, anchors, { protocol: 'smtps' });
    expect(report.verdict).toBe('tls-failed');
    expect(report.message).toContain('speaks SMTP in plain text, not TLS');
    expect(report.error).toMatchObject({ code: 'PROTOCOL_MISMATCH', protocol: 'smtp-starttls', fix: 'Check it with --protocol smtp-starttls.' });
  });

  it('names ldap-starttls when LDAPS is tried on a plain LDAP port (LDAP has no greeting to read)', async () => {
    const { identity, anchors } = await pki();
    const server = track(await ldapServer(identity));
    const report = await check(server.port, anchors, { protocol: 'ldaps' });
    expect(report.verdict).toBe('tls-failed');
    expect(report.message).toContain('speaks LDAP in plain text, not TLS: it answered an LDAP StartTLS request in plain text');
    expect(report.error).toMatchObject({ code: 'PROTOCOL_MISMATCH', protocol: 'ldap-starttls', fix: 'Check it with --protocol ldap-starttls.' });
  });

  it('names ldaps when StartTLS is tried on an implicit-TLS port, instead of blaming the server', async () => {
    const { identity, anchors } = await pki();
    const server = track(await tlsServer(identity.keyPem, identity.certPem));
    const report = await check(server.port, anchors, { protocol: 'ldap-starttls' });
    expect(report.verdict).toBe('starttls-refused');
    expect(report.message).toContain('speaks TLS from the first byte, not LDAP with StartTLS');
    expect(report.error).toMatchObject({ code: 'PROTOCOL_MISMATCH', protocol: 'ldaps', fix: 'Check it with --protocol ldaps.' });
  });

  it('names the STARTTLS protocol of the one asked when a plain-text port says nothing Trustline knows', async () => {
    const { anchors } = await pki();
    const server = track(await listen(net.createServer((socket) => socket.once('data', () => socket.write('WHAT IS THIS?\r\n')))));
    const report = await check(server.port, anchors, { protocol: 'imaps' });
    expect(report.verdict).toBe('tls-failed');
    expect(report.error).toMatchObject({ code: 'TLS_FAILED', fix: 'Use --protocol imap-starttls for this port, or the implicit-TLS port (993).' });
  });
});
