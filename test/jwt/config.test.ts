import { describe, expect, it } from 'vitest';
import { ATLASSIAN_INSTALL_KEYS_URL } from '../../lib/jwt/install-keys.ts';
import { loadConfig } from '../../lib/runtime/config.ts';

describe('Connect configuration', () => {
  it("defaults the install-keys server to Atlassian's published one", () => {
    expect(loadConfig({}).connectInstallKeysUrl).toBe(ATLASSIAN_INSTALL_KEYS_URL);
  });

  it('takes the install-keys server from TRUSTLINE_CONNECT_INSTALL_KEYS_URL, without a trailing slash', () => {
    expect(loadConfig({ TRUSTLINE_CONNECT_INSTALL_KEYS_URL: 'https://keys.example.com/connect/' }).connectInstallKeysUrl).toBe(
      'https://keys.example.com/connect',
    );
  });

  it('refuses an install-keys server that is not a URL', () => {
    expect(() => loadConfig({ TRUSTLINE_CONNECT_INSTALL_KEYS_URL: 'keys' })).toThrow(/TRUSTLINE_CONNECT_INSTALL_KEYS_URL/);
  });
});
