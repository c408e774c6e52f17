import { describe, expect, it } from 'vitest';
import { assertSecureEndpoint } from '../../lib/oauth/endpoint-policy.ts';
import { isRedirectKey, redirectKey, redirectUrl } from '../../lib/oauth/redirect-key.ts';

describe('redirect key', () => {
  const auth = 'https://as.example.com/authorize';
  const token = 'https://as.example.com/token';

  it('is stable for the same endpoints and URL-safe', () => {
    expect(redirectKey(auth, token)).toBe(redirectKey(auth, token));
    expect(isRedirectKey(redirectKey(auth, token))).toBe(true);
  });

  it('changes when either endpoint changes', () => {
    expect(redirectKey('https://as.example.com/authorize2', token)).not.toBe(redirectKey(auth, token));
    expect(redirectKey(auth, 'https://as.example.com/token2')).not.toBe(redirectKey(auth, token));
  });

  it('ignores spelling differences that name the same URL (case of scheme and host)', () => {
    expect(redirectKey('HTTPS://AS.example.com/authorize', token)).toBe(redirectKey(auth, token));
  });

  it('builds the redirect URL under the public URL, trailing slash or not', () => {
    expect(redirectUrl('https://trustline.example.com/', 'k')).toBe('https://trustline.example.com/oauth/callback/k');
    expect(redirectUrl('https://api.example.com/prod', 'k')).toBe('https://api.example.com/prod/oauth/callback/k');
  });
});

describe('endpoint policy', () => {
  it('accepts https', () => {
    expect(() => {
      assertSecureEndpoint('tokenEndpoint', 'https://as.example.com/token', false);
    }).not.toThrow();
  });

  it('refuses loopback http without the development flag', () => {
    expect(() => {
      assertSecureEndpoint('tokenEndpoint', 'http://127.0.0.1:8080/token', false);
    }).toThrow(expect.objectContaining({ code: 'INSECURE_ENDPOINT', fix: expect.stringContaining('TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP') as string }) as Error);
  });

  it('accepts loopback http (127.0.0.0/8, ::1, localhost) with the development flag', () => {
    for (const url of ['http://127.0.0.1:8080/t', 'http://127.1.2.3/t', 'http://[::1]:8080/t', 'http://localhost:8080/t']) {
      expect(() => {
        assertSecureEndpoint('tokenEndpoint', url, true);
      }).not.toThrow();
    }
  });

  it('refuses non-loopback http even with the development flag', () => {
    for (const url of ['http://10.0.0.1/t', 'http://127.0.0.1.example.com/t', 'http://as.example.com/t']) {
      expect(() => {
        assertSecureEndpoint('tokenEndpoint', url, true);
      }).toThrow(expect.objectContaining({ code: 'INSECURE_ENDPOINT' }));
    }
  });
});
