import { describe, expect, it } from 'vitest';
import { isPrivateAddress, redirectWarnings } from '../../lib/console/ui/redirect-warnings.ts';

describe('redirect URL warnings', () => {
  it('an HTTPS URL on a public name without a port needs none', () => {
    expect(redirectWarnings('https://jira.example.com/oauth/callback/abc', 'google')).toEqual([]);
  });

  it('Google and a private IP address: the seed says Google refuses it', () => {
    const warnings = redirectWarnings('https://192.168.1.20/oauth/callback/abc', 'google');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Google does not accept .*192\.168\.1\.20/);
    expect(redirectWarnings('https://192.168.1.20/oauth/callback/abc', 'microsoft')).toEqual([]);
  });

  it('plain http and an explicit port each get a warning', () => {
    const warnings = redirectWarnings('http://127.0.0.1:3000/oauth/callback/abc', 'custom');
    expect(warnings).toEqual(['Plain http: providers accept it only for localhost, if at all.', 'Port 3000 is part of the URL: if Trustline starts on another port, the provider refuses the sign-in.']);
  });

  it('knows private and loopback addresses from public ones', () => {
    for (const host of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.0.1', '127.0.0.1', '169.254.1.1', '[::1]', '[fd12::1]']) expect(isPrivateAddress(host)).toBe(true);
    for (const host of ['8.8.8.8', '172.32.0.1', '11.0.0.1', 'example.com', '[2001:db8::1]', '10.example.com']) expect(isPrivateAddress(host)).toBe(false);
  });
});
