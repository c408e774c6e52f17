import { InvalidIntegrationError } from '../errors.ts';
import type { EndpointSettings } from './preset.ts';

type FixedField = 'authorizationEndpoint' | 'tokenEndpoint' | 'issuer';

/** A preset's endpoints are not editable; a different value means the admin wants Custom. */
export function rejectFixedOverrides(label: string, fixed: Readonly<Record<FixedField, string>>, settings: EndpointSettings): void {
  for (const field of ['authorizationEndpoint', 'tokenEndpoint', 'issuer'] as const) {
    const given = settings[field];
    if (given !== undefined && given !== fixed[field]) {
      throw new InvalidIntegrationError(field, `The ${label} preset sets the ${field} itself.`, {
        expected: fixed[field],
        actual: given,
        fix: `Leave ${field} out, or choose the custom provider for other hosts (for example sovereign clouds).`,
      });
    }
  }
}
