import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lib/runtime/config.ts';

describe('loadConfig', () => {
  it('fills every default from an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      backend: 'local',
      port: 3000,
      dataDir: path.resolve('.trustline'),
      publicUrl: 'http://127.0.0.1:3000',
      allowLoopbackHttp: false,
      connectInstallKeysUrl: 'https://connect-install-keys.atlassian.com',
      refresh: { defaultTokenLifetimeSeconds: 3600, failingAfter: 3, concurrency: 16 },
      aws: { tableName: 'trustline' },
    });
  });

  it('names the invalid variable and says in English what is wrong with it', () => {
    expect(() => loadConfig({ PORT: '99999' })).toThrow(new ConfigError('Invalid setting PORT: Too big: expected number to be <=65535'));
    expect(() => loadConfig({ TRUSTLINE_REFRESH_CONCURRENCY: '1.5' })).toThrow(
      new ConfigError('Invalid setting TRUSTLINE_REFRESH_CONCURRENCY: Invalid input: expected int, received number'),
    );
  });

  it('reads yes, true and 1 as an enabled flag and refuses other words', () => {
    expect(['yes', 'true', '1', 'no', ''].map((value) => loadConfig({ TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP: value }).allowLoopbackHttp)).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(() => loadConfig({ TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP: 'maybe' })).toThrow(ConfigError);
  });
});
