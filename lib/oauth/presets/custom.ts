import { InvalidIntegrationError } from '../errors.ts';
import type { EndpointSettings, ProviderPreset, ResolvedEndpoints } from './preset.ts';

/** Custom: the admin states everything; nothing is guessed. */
export const customPreset: ProviderPreset = {
  provider: 'custom',
  resolve(settings: EndpointSettings): ResolvedEndpoints {
    if (settings.tenant !== undefined) {
      throw new InvalidIntegrationError('tenant', 'A tenant applies only to Microsoft integrations.', { fix: 'Remove the tenant.' });
    }
    const { authorizationEndpoint, tokenEndpoint, issuer, scopes } = settings;
    const missing = Object.entries({ authorizationEndpoint, tokenEndpoint, issuer, scopes })
      .filter(([, value]) => value === undefined)
      .map(([field]) => field);
    if (authorizationEndpoint === undefined || tokenEndpoint === undefined || issuer === undefined || scopes === undefined) {
      throw new InvalidIntegrationError(missing.join(', '), `A custom integration needs ${missing.join(', ')}.`, {
        fix: "Copy them from the provider's documentation or its /.well-known/openid-configuration (issuer is its `issuer` value).",
      });
    }
    return { authorizationEndpoint, tokenEndpoint, issuer, scopes };
  },
  authorizationParams: {},
};
