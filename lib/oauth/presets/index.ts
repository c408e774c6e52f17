import type { Provider } from '../integration.ts';
import { customPreset } from './custom.ts';
import { googlePreset } from './google.ts';
import { microsoftPreset } from './microsoft.ts';
import type { ProviderPreset } from './preset.ts';

export type { EndpointSettings, ProviderPreset, ResolvedEndpoints } from './preset.ts';
export { GOOGLE_MAIL_SCOPE } from './google.ts';
export { MICROSOFT_MAIL_SCOPES, microsoftEndpoints } from './microsoft.ts';

const presets: Readonly<Record<Provider, ProviderPreset>> = {
  google: googlePreset,
  microsoft: microsoftPreset,
  custom: customPreset,
};

/** The preset of a provider. */
export function presetFor(provider: Provider): ProviderPreset {
  return presets[provider];
}
