import { describe, expect, it } from 'vitest';
import { presetFor } from '../../lib/oauth/presets/index.ts';

describe('provider presets', () => {
  it('Google: fixed endpoints, issuer and the Gmail scope', () => {
    expect(presetFor('google').resolve({})).toEqual({
      authorizationEndpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenEndpoint: 'https://oauth2.googleapis.com/token',
      issuer: 'https://accounts.google.com',
      scopes: ['https://mail.google.com/'],
    });
  });

  it('Google: asks for offline access and consent so that a refresh token is issued', () => {
    expect(presetFor('google').authorizationParams).toEqual({ access_type: 'offline', prompt: 'consent' });
  });

  it('Microsoft without a tenant: /common endpoints and the IMAP, POP and SMTP scopes plus offline_access', () => {
    const resolved = presetFor('microsoft').resolve({});
    expect(resolved.authorizationEndpoint).toBe('https://login.microsoftonline.com/common/oauth2/v2.0/authorize');
    expect(resolved.tokenEndpoint).toBe('https://login.microsoftonline.com/common/oauth2/v2.0/token');
    expect(resolved.scopes.join(' ')).toBe(
      'https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/POP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access',
    );
  });

  it('Microsoft with a tenant: tenant-specific endpoints (single-tenant apps need them)', () => {
    const resolved = presetFor('microsoft').resolve({ tenant: 'contoso.onmicrosoft.com' });
    expect(resolved.authorizationEndpoint).toBe('https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize');
    expect(resolved.tokenEndpoint).toBe('https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token');
    expect(resolved.tenant).toBe('contoso.onmicrosoft.com');
  });

  it('refuses an endpoint override on a preset and points to Custom', () => {
    const attempt = () => presetFor('microsoft').resolve({ tokenEndpoint: 'https://login.microsoftonline.us/x/oauth2/v2.0/token' });
    expect(attempt).toThrow(expect.objectContaining({ code: 'INVALID_INTEGRATION', fix: expect.stringContaining('custom provider') as string }) as Error);
    expect(attempt).toThrow(/sets the tokenEndpoint itself/);
  });

  it('Custom: names every missing endpoint, the issuer and the scopes', () => {
    expect(() => presetFor('custom').resolve({ authorizationEndpoint: 'https://as.example/auth' })).toThrow(
      'A custom integration needs tokenEndpoint, issuer, scopes.',
    );
  });

  it('refuses a tenant outside Microsoft', () => {
    expect(() => presetFor('google').resolve({ tenant: 'contoso' })).toThrow(expect.objectContaining({ field: 'tenant' }));
  });
});
