import * as z from 'zod';
import type { MailServer } from '../mail/index.ts';

export type { MailServer } from '../mail/index.ts';

/** The integration resource of design.md: its stored form, its API view and the input schemas. */

export const PROVIDERS = ['google', 'microsoft', 'custom'] as const;
export type Provider = (typeof PROVIDERS)[number];

export const STATUSES = ['not-authorized', 'authorized', 'needs-reauthorization', 'refresh-failing'] as const;
export type IntegrationStatus = (typeof STATUSES)[number];

export const MAIL_PROTOCOLS = ['imap', 'pop3', 'smtp'] as const;
export type MailProtocol = (typeof MAIL_PROTOCOLS)[number];

/** A DNS name or an IP literal; no scheme, no port, no spaces. */
const hostSchema = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:_-]+$/, 'must be a host name or IP address without scheme or port');

/** An absolute http(s) URL without credentials or fragment; HTTPS is enforced by endpoint-policy.ts. */
const endpointSchema = z
  .string()
  .trim()
  .max(2048)
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an absolute https:// URL, for example https://login.example.com/oauth2/token' }))
  .refine((value) => {
    // zod runs refinements after a failed pipe too: a value that is no URL is already reported.
    if (!URL.canParse(value)) return true;
    const url = new URL(value);
    return url.username === '' && url.password === '' && url.hash === '';
  }, 'must not contain credentials or a #fragment');

/** One OAuth scope token (RFC 6749 §3.3: printable ASCII without space, quote or backslash). */
const scopeSchema = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,512}$/, 'must be one scope without spaces');
const scopesSchema = z.array(scopeSchema).min(1).max(50);

export const mailServerInput = z.strictObject({
  protocol: z.enum(MAIL_PROTOCOLS),
  /** Optional for Google and Microsoft: their presets know the host. */
  host: hostSchema.optional(),
  port: z.number().int().min(1).max(65535).optional(),
  security: z.enum(['tls', 'starttls']).default('tls'),
  username: z.string().trim().min(1).max(320),
});
export type MailServerInput = z.output<typeof mailServerInput>;

/** The client secret: write-only, never echoed back. */
const clientSecretSchema = z.string().min(1).max(4096);

export const createIntegrationInput = z.strictObject({
  provider: z.enum(PROVIDERS),
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(1000).optional(),
  clientId: z.string().trim().min(1).max(512),
  clientSecret: clientSecretSchema,
  scopes: scopesSchema.optional(),
  authorizationEndpoint: endpointSchema.optional(),
  tokenEndpoint: endpointSchema.optional(),
  issuer: endpointSchema.optional(),
  tenant: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,99}$/, 'must be a tenant ID (GUID) or a verified domain name')
    .optional(),
  mailServer: mailServerInput.optional(),
});
export type CreateIntegrationInput = z.output<typeof createIntegrationInput>;

/** PATCH: every field optional; `null` clears the optional ones; the provider never changes. */
export const updateIntegrationInput = createIntegrationInput
  .omit({ provider: true })
  .partial()
  .extend({
    description: z.string().trim().max(1000).nullable().optional(),
    tenant: createIntegrationInput.shape.tenant.unwrap().nullable().optional(),
    mailServer: mailServerInput.nullable().optional(),
  })
  .strict();
export type UpdateIntegrationInput = z.output<typeof updateIntegrationInput>;

export interface LastError {
  readonly code: string;
  readonly message: string;
  /** ISO 8601. */
  readonly at: string;
}

/** What the metadata store holds (kind `integration`). Secrets live in the SecretStore, never here. */
export interface Integration {
  readonly id: string;
  readonly provider: Provider;
  readonly name: string;
  readonly description?: string;
  readonly clientId: string;
  readonly clientSecretSet: boolean;
  readonly scopes: readonly string[];
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly issuer: string;
  readonly tenant?: string;
  readonly mailServer?: MailServer;
  /** Derived from the endpoints (redirect-key.ts). */
  readonly redirectKey: string;
  readonly status: IntegrationStatus;
  readonly accessTokenExpiresAt?: string;
  readonly lastRefreshAt?: string;
  readonly authorizedAt?: string;
  readonly lastError?: LastError;
  /** Consecutive failed refreshes since the last success (lib/oauth/refresh-outcome.ts). */
  readonly refreshFailures?: number;
  /** ISO 8601: the next scheduled refresh attempt after a failure (backoff, Retry-After); drives `dueAt`. */
  readonly nextRefreshAttemptAt?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The API's view: the redirect URL instead of its key; the secret only as `clientSecretSet`. */
export type IntegrationView = Omit<Integration, 'redirectKey'> & { readonly redirectUrl: string };
