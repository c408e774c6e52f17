import { describe, expect, it } from 'vitest';
import { banner } from '../../infra/local/banner.ts';
import { redirectWarnings } from '../../lib/oauth/redirect-warnings.ts';
import { ConfigError, loadConfig } from '../../lib/runtime/config.ts';
import { httpManifest } from '../local/fixtures/manifest.ts';
import { startTestRuntime } from '../local/start.ts';

const codes = (env: Record<string, string>, randomPort = false) => redirectWarnings({ ...loadConfig(env), randomPort }).map((w) => w.code);

/** Seed 001: Google refuses a private IP address for the redirect URL; providers require https. */
describe('redirect-base warnings', () => {
  it('a private IP: Google refuses it, and the message says what to set, with an example', () => {
    const [warning] = redirectWarnings(loadConfig({ TRUSTLINE_PUBLIC_URL: 'https://10.1.2.3:8443' }));
    expect(warning?.code).toBe('PRIVATE_REDIRECT_HOST');
    expect(warning?.message).toContain('Google refuses redirect URLs on private or loopback IP addresses');
    expect(warning?.message).toContain('TRUSTLINE_PUBLIC_URL=https://trustline.example.com');
  });

  it('plain http on a host that is not loopback', () => {
    expect(codes({ TRUSTLINE_PUBLIC_URL: 'http://trustline.example.com' })).toEqual(['PLAIN_HTTP_REDIRECT']);
  });

  it('a port picked at random without TRUSTLINE_PUBLIC_URL (the redirect URL changes at every restart)', () => {
    expect(codes({ PORT: '0' }, true)).toEqual(['PRIVATE_REDIRECT_HOST', 'RANDOM_PORT']);
    expect(codes({ PORT: '0', TRUSTLINE_PUBLIC_URL: 'https://trustline.example.com' }, true)).toEqual([]);
  });

  it('nothing for an https name', () => {
    expect(codes({ TRUSTLINE_PUBLIC_URL: 'https://trustline.example.com' })).toEqual([]);
  });

  it.each(['', 'trustline.example.com', 'ftp://x.example'])('TRUSTLINE_PUBLIC_URL=%j stops start-up with an example', (value) => {
    expect(() => loadConfig({ TRUSTLINE_PUBLIC_URL: value })).toThrow(ConfigError);
    expect(() => loadConfig({ TRUSTLINE_PUBLIC_URL: value })).toThrow(/for example TRUSTLINE_PUBLIC_URL=https:\/\/trustline\.example\.com/);
  });

  it('the banner shows the redirect base and its warnings when the port was picked at random', async () => {
    const t = await startTestRuntime({ manifest: httpManifest });
    try {
      const text = banner(t.rt);
      expect(text).toContain(`Redirect URLs start with ${t.rt.url}/oauth/callback/`);
      expect(text).toContain('Warning: PORT=0 picked port');
      expect(text).toContain('Warning: The redirect URLs point at 127.0.0.1');
    } finally {
      await t.stop();
    }
  });
});
