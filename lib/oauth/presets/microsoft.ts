import type { EndpointSettings, ProviderPreset, ResolvedEndpoints } from './preset.ts';
import { rejectFixedOverrides } from './fixed.ts';

const OUTLOOK = 'https://outlook.office.com';

/** IMAP, POP3 and SMTP access plus offline_access for a refresh token; space-separated when sent. */
export const MICROSOFT_MAIL_SCOPES = [`${OUTLOOK}/IMAP.AccessAsUser.All`, `${OUTLOOK}/POP.AccessAsUser.All`, `${OUTLOOK}/SMTP.Send`, 'offline_access'] as const;

/** The identity platform v2 endpoints of a tenant (`common` when none is given). */
export function microsoftEndpoints(tenant: string | undefined): { authorizationEndpoint: string; tokenEndpoint: string; issuer: string } {
  const base = `https://login.microsoftonline.com/${encodeURIComponent(tenant ?? 'common')}`;
  return {
    authorizationEndpoint: `${base}/oauth2/v2.0/authorize`,
    tokenEndpoint: `${base}/oauth2/v2.0/token`,
    issuer: `${base}/v2.0`,
  };
}

/**
 * Microsoft: tenant-specific endpoints when a tenant is given (single-tenant apps need them),
 * `/common` otherwise (multi-tenant apps that also allow personal accounts).
 */
export const microsoftPreset: ProviderPreset = {
  provider: 'microsoft',
  resolve(settings: EndpointSettings): ResolvedEndpoints {
    const fixed = microsoftEndpoints(settings.tenant);
    rejectFixedOverrides('Microsoft', fixed, settings);
    return {
      ...fixed,
      scopes: settings.scopes ?? MICROSOFT_MAIL_SCOPES,
      ...(settings.tenant === undefined ? {} : { tenant: settings.tenant }),
    };
  },
  authorizationParams: {},
  mailHosts: { imap: 'outlook.office365.com', pop3: 'outlook.office365.com', smtp: 'smtp.office365.com' },
};
