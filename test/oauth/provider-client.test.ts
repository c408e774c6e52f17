import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { InsecureEndpointError } from '../../lib/oauth/errors.ts';
import type { Integration } from '../../lib/oauth/integration.ts';
import { providerConfiguration } from '../../lib/oauth/provider-client.ts';
import { createTrustContext, fixedTrustStore } from '../../lib/trust/index.ts';
import type { TrustContext } from '../../lib/trust/ports.ts';

const integration: Integration = {
  id: 'int-provider-client',
  provider: 'custom',
  name: 'provider client',
  clientId: 'client-1',
  clientSecretSet: true,
  scopes: ['mail'],
  authorizationEndpoint: 'https://idp.example/authorize',
  tokenEndpoint: 'https://idp.example/token',
  issuer: 'https://idp.example',
  redirectKey: 'k',
  status: 'authorized',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

/** A trust whose fetch records that it was used, and answers nothing useful. */
function recordingTrust(): TrustContext & { calls: number } {
  const trust = {
    ...createTrustContext(fixedTrustStore()),
    calls: 0,
    ca: () => Promise.resolve([]),
    fetch: (() => {
      trust.calls++;
      return Promise.resolve(new Response(null, { status: 204 }));
    }) as typeof fetch,
  };
  return trust;
}

const options = (trust: TrustContext) => ({ trust, allowLoopbackHttp: false });

describe('provider configuration', () => {
  it('reuses one configuration for integrations sharing endpoints, client, secret and trust', () => {
    const trust = recordingTrust();
    const first = providerConfiguration(integration, 'secret-1', options(trust));
    expect(providerConfiguration({ ...integration, id: 'another' }, 'secret-1', options(trust))).toBe(first);
    expect(providerConfiguration(integration, 'secret-2', options(trust))).not.toBe(first);
  });

  it('sends requests through the trust it is given, not through one cached for another trust', async () => {
    const [a, b] = [recordingTrust(), recordingTrust()];
    providerConfiguration(integration, 'secret-1', options(a));
    const configuration = providerConfiguration(integration, 'secret-1', options(b));
    await configuration[client.customFetch]?.(integration.tokenEndpoint, {
      method: 'POST',
      headers: {},
      body: undefined,
      redirect: 'manual',
      signal: undefined,
    });
    expect({ a: a.calls, b: b.calls }).toEqual({ a: 0, b: 1 });
  });

  it('refuses a plain-http endpoint although a configuration for the integration was built before', () => {
    const trust = recordingTrust();
    providerConfiguration(integration, 'secret-1', options(trust));
    expect(() => providerConfiguration({ ...integration, tokenEndpoint: 'http://idp.example/token' }, 'secret-1', options(trust))).toThrow(
      InsecureEndpointError,
    );
  });
});
