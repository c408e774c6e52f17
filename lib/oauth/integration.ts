import * as z from 'zod/mini';
import type { MailServer } from '../mail/index.ts';

export type { MailServer } from '../mail/index.ts';

/** The integration resource of design.md: its stored form, its API view and the input schemas. */

export const PROVIDERS = ['google', 'microsoft', 'custom'] as const;
export type Provider = (typeof PROVIDERS)[number];

export const STATUSES = ['not-authorized', 'authorized', 'needs-reauthorization', 'refresh-failing'] as const;
export type IntegrationStatus = (typeof STATUSES)[number];

export const MAIL_PROTOCOLS = ['imap', 'pop3', 'smtp'] as const;
export type MailProtocol = (typeof MAIL_PROTOCOLS)[number];

// zod/mini: a schema of zod's classic API costs far more to build when the module loads, which the
// integrations function paid at start for every one below (lib/runtime/config.ts registers the messages' locale).

/** A DNS name or an IP literal; no scheme, no port, no spaces. */
const hostSchema = z
  .string()
  .check(z.trim(), z.minLength(1), z.maxLength(253), z.regex(/^[A-Za-z0-9.:_-]+$/, 'must be a host name or IP address without scheme or port'));

/** An absolute http(s) URL without credentials or fragment; HTTPS is enforced by endpoint-policy.ts. */
const endpointSchema = z
  .pipe(
    z.string().check(z.trim(), z.maxLength(2048)),
    z.url({ protocol: /^https?$/, error: 'must be an absolute https:// URL, for example https://login.example.com/oauth2/token' }),
  )
  .check(
    z.refine((value) => {
      // zod runs refinements after a failed pipe too: a value that is no URL is already reported.
      if (!URL.canParse(value)) return true;
      const url = new URL(value);
      return url.username === '' && url.password === '' && url.hash === '';
    }, 'must not contain credentials or a #fragment'),
  );

/** One OAuth scope token (RFC 6749 §3.3: printable ASCII without space, quote or backslash). */
const scopeSchema = z.string().check(z.regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,512}$/, 'must be one scope without spaces'));
const scopesSchema = z.array(scopeSchema).check(z.minLength(1), z.maxLength(50));

export const mailServerInput = z.strictObject({
  protocol: z.enum(MAIL_PROTOCOLS),
  /** Optional for Google and Microsoft: their presets know the host. */
  host: z.optional(hostSchema),
  port: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(65535))),
  security: z._default(z.enum(['tls', 'starttls']), 'tls'),
  username: z.string().check(z.trim(), z.minLength(1), z.maxLength(320)),
});
export type MailServerInput = z.output<typeof mailServerInput>;

/** The client secret: write-only, never echoed back. */
const clientSecretSchema = z.string().check(z.minLength(1), z.maxLength(4096));

/** A Microsoft tenant: its ID or a verified domain. */
const tenantSchema = z.string().check(z.trim(), z.regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,99}$/, 'must be a tenant ID (GUID) or a verified domain name'));

export const createIntegrationInput = z.strictObject({
  provider: z.enum(PROVIDERS),
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  description: z.optional(z.string().check(z.trim(), z.maxLength(1000))),
  clientId: z.string().check(z.trim(), z.minLength(1), z.maxLength(512)),
  clientSecret: clientSecretSchema,
  scopes: z.optional(scopesSchema),
  authorizationEndpoint: z.optional(endpointSchema),
  tokenEndpoint: z.optional(endpointSchema),
  issuer: z.optional(endpointSchema),
  tenant: z.optional(tenantSchema),
  mailServer: z.optional(mailServerInput),
});
export type CreateIntegrationInput = z.output<typeof createIntegrationInput>;

/** PATCH: every field optional; `null` clears the optional ones; the provider never changes; strict, as the schema it derives from. */
export const updateIntegrationInput = z.extend(z.partial(z.omit(createIntegrationInput, { provider: true })), {
  description: z.optional(z.nullable(z.string().check(z.trim(), z.maxLength(1000)))),
  tenant: z.optional(z.nullable(tenantSchema)),
  mailServer: z.optional(z.nullable(mailServerInput)),
});
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
