import { InvalidIntegrationError } from '../errors.ts';
import type { EndpointSettings, ProviderPreset, ResolvedEndpoints } from './preset.ts';
import { rejectFixedOverrides } from './fixed.ts';

const fixed = {
  authorizationEndpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
  tokenEndpoint: 'https://oauth2.googleapis.com/token',
  issuer: 'https://accounts.google.com',
} as const;

/** Gmail over IMAP, POP3 and SMTP (developers.google.com/gmail/imap/xoauth2-protocol). */
export const GOOGLE_MAIL_SCOPE = 'https://mail.google.com/';

/** Google: fixed endpoints; a refresh token only at consent, hence access_type=offline + prompt=consent. */
export const googlePreset: ProviderPreset = {
  provider: 'google',
  resolve(settings: EndpointSettings): ResolvedEndpoints {
    if (settings.tenant !== undefined) {
      throw new InvalidIntegrationError('tenant', 'A tenant applies only to Microsoft integrations.', { fix: 'Remove the tenant.' });
    }
    rejectFixedOverrides('Google', fixed, settings);
    return { ...fixed, scopes: settings.scopes ?? [GOOGLE_MAIL_SCOPE] };
  },
  authorizationParams: { access_type: 'offline', prompt: 'consent' },
  mailHosts: { imap: 'imap.gmail.com', pop3: 'pop.gmail.com', smtp: 'smtp.gmail.com' },
};
