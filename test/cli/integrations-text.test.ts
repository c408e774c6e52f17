import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { details, type IntegrationDoc, summary } from '../../lib/cli/integrations-text.ts';

const id = '0b9e8d3c-5f7a-4e21-9c44-1a2b3c4d5e6f';
const base: IntegrationDoc = {
  id,
  provider: 'microsoft',
  name: 'Service desk mailbox',
  clientId: 'client-id',
  clientSecretSet: true,
  scopes: ['offline_access'],
  authorizationEndpoint: 'https://login.example/authorize',
  tokenEndpoint: 'https://login.example/token',
  issuer: 'https://login.example',
  redirectUrl: 'http://127.0.0.1:3000/oauth/callback/abc',
  status: 'authorized',
};
const lastError = { code: 'TOKEN_ENDPOINT_FAILED', message: 'The token endpoint answered 503.', at: '2026-12-02T10:00:00.000Z' };

/** How `trustline integrations show` and `list` tell a human what, if anything, they must do. */
describe('integration text', () => {
  // Printed commands say `npx trustline` when run under npx (as vitest may be): test the plain form.
  const npmCommand = process.env.npm_command;
  beforeAll(() => {
    delete process.env.npm_command;
  });
  afterAll(() => {
    if (npmCommand !== undefined) process.env.npm_command = npmCommand;
  });

  it('asks for nothing while the integration is authorized', () => {
    expect(details(base)).not.toContain('what to do');
    expect(summary(base)).toBe(`${id}  Service desk mailbox  (microsoft)  authorized`);
  });

  it('names the command to sign in again when the grant is gone', () => {
    const doc = {
      ...base,
      status: 'needs-reauthorization',
      lastError: { ...lastError, message: 'The provider refused the refresh token (invalid_grant).' },
      refreshFailures: 1,
    };
    expect(details(doc)).toContain(
      `  what to do:             the provider no longer accepts this grant, so mail stops until someone signs in again. Run: trustline integrations authorize 'Service desk mailbox'`,
    );
    expect(summary(doc)).toBe(
      `${id}  Service desk mailbox  (microsoft)  needs-reauthorization  last error: TOKEN_ENDPOINT_FAILED  -> trustline integrations authorize 'Service desk mailbox'`,
    );
  });

  it('names the command to sign in for an integration never authorized', () => {
    const doc = { ...base, status: 'not-authorized' };
    expect(details(doc)).toContain("what to do:             sign in at the provider. Run: trustline integrations authorize 'Service desk mailbox'");
    expect(summary(doc)).toContain("-> trustline integrations authorize 'Service desk mailbox'");
  });

  it('shows the failures in a row and the next attempt while refresh-failing, and that it retries by itself', () => {
    const doc = { ...base, status: 'refresh-failing', lastError, refreshFailures: 3, nextRefreshAttemptAt: '2026-12-02T11:07:00.000Z' };
    const text = details(doc);
    expect(text).toContain('  refresh failures:       3 in a row');
    expect(text).toContain('  next refresh attempt:   2026-12-02T11:07:00.000Z');
    expect(text).toContain('Trustline retries by itself (next attempt at 2026-12-02T11:07:00.000Z)');
    expect(text).toContain("to try at once, run: trustline integrations refresh 'Service desk mailbox'");
    expect(summary(doc)).not.toContain('authorize');
  });
});
