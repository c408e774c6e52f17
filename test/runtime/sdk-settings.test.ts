import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lambdaSdkSettings } from '../../lib/runtime/aws/sdk-settings.ts';
import { fakeCredentials, testRegion } from '../support/aws-test-credentials.ts';

const LAMBDA = { AWS_LAMBDA_FUNCTION_NAME: 'trustline-jwt-authorizer' };

describe('SDK client settings on Lambda', () => {
  it('leaves the SDK its own lookup outside Lambda', () => {
    expect(lambdaSdkSettings({})).toBeUndefined();
  });

  it("gives the SDK's defaults when the environment sets nothing", () => {
    expect(lambdaSdkSettings(LAMBDA)).toMatchObject({
      useFipsEndpoint: false,
      useDualstackEndpoint: false,
      maxAttempts: 3,
      retryMode: 'standard',
      defaultsMode: 'legacy',
      authSchemePreference: [],
      ignoreConfiguredEndpointUrls: true,
      disableClockSkewCorrection: false,
    });
    expect(lambdaSdkSettings(LAMBDA, 4)?.maxAttempts).toBe(4);
  });

  it('honours the variables the SDK documents for these settings', async () => {
    const settings = lambdaSdkSettings({
      ...LAMBDA,
      AWS_USE_FIPS_ENDPOINT: 'true',
      AWS_USE_DUALSTACK_ENDPOINT: 'true',
      AWS_MAX_ATTEMPTS: '7',
      AWS_RETRY_MODE: 'adaptive',
      AWS_SDK_UA_APP_ID: 'jira-mail',
      AWS_AUTH_SCHEME_PREFERENCE: 'sigv4a, sigv4',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: 'https://secrets.example',
      AWS_DISABLE_CLOCK_SKEW_CORRECTION: 'true',
    });
    expect(settings).toMatchObject({
      useFipsEndpoint: true,
      useDualstackEndpoint: true,
      maxAttempts: 7,
      retryMode: 'adaptive',
      authSchemePreference: ['sigv4a', 'sigv4'],
      ignoreConfiguredEndpointUrls: false,
      disableClockSkewCorrection: true,
    });
    expect(await settings?.userAgentAppId()).toBe('jira-mail');
  });

  describe('against a shared config file', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'trustline-sdk-settings-'));
      // A file the SDK would obey if it read it; Lambda has none, so on Lambda it is never read.
      const config = path.join(dir, 'config');
      await writeFile(config, '[default]\nmax_attempts = 9\nretry_mode = adaptive\n');
      vi.stubEnv('AWS_CONFIG_FILE', config);
      vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', path.join(dir, 'credentials'));
      vi.stubEnv('AWS_MAX_ATTEMPTS', undefined);
      vi.stubEnv('AWS_RETRY_MODE', undefined);
      vi.stubEnv('AWS_PROFILE', undefined);
    });
    afterEach(async () => {
      vi.unstubAllEnvs();
      await rm(dir, { recursive: true, force: true });
    });

    it('is read by a client left to its defaults (so the next test can tell)', async () => {
      const client = new SecretsManagerClient({ region: testRegion, credentials: fakeCredentials });
      expect(await client.config.maxAttempts()).toBe(9);
    });

    it('is not consulted by a client given the Lambda settings', async () => {
      const client = new SecretsManagerClient({ ...lambdaSdkSettings(LAMBDA), region: testRegion, credentials: fakeCredentials });
      expect(await client.config.maxAttempts()).toBe(3);
    });
  });
});
