/** The documents the console shows, as the admin API (design.md) and the console server answer them. */

import type { MailServer } from '../../mail/types.ts';
import type { IntegrationView } from '../../oauth/integration.ts';

export type { MailServer };
export type { ChainEntry, CheckReport } from '../../tls/report.ts';
export type { TrustEntry } from '../../trust/ports.ts';

/** An integration as GET /admin/integrations/{id} answers it; PATCH adds `notice` when the redirect URL changed. */
export type Integration = IntegrationView & { readonly notice?: string };
export type Provider = Integration['provider'];
export type Status = Integration['status'];

export interface TestStep {
  readonly name: string;
  readonly ok: boolean;
  readonly message: string;
  readonly fix?: string;
}

export interface TestReport {
  readonly ok: boolean;
  readonly steps: readonly TestStep[];
}

export interface Presets {
  readonly google: { readonly scopes: readonly string[]; readonly authorizationEndpoint: string; readonly tokenEndpoint: string; readonly issuer: string };
  /** Endpoints with `%7Btenant%7D` where the tenant goes. */
  readonly microsoft: { readonly scopes: readonly string[]; readonly authorizationEndpoint: string; readonly tokenEndpoint: string; readonly issuer: string };
}

export interface Endpoint {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly protocol: string;
  readonly servername?: string;
  readonly warnDays?: number;
  readonly lastResult?: { readonly verdict: string; readonly trusted: boolean; readonly daysLeft: number | null; readonly earliestExpiry: string | null; readonly message: string; readonly checkedAt: string };
}

export interface CertPreview {
  readonly subject: string;
  readonly issuer: string;
  readonly notAfter: string;
  readonly fingerprintSha256: string;
}

export type CheckState = 'passed' | 'failed' | 'not-checked';

export interface JwtDebug {
  readonly valid: boolean;
  readonly claims?: Record<string, unknown>;
  readonly header?: Record<string, unknown>;
  readonly payload?: Record<string, unknown>;
  readonly error?: { readonly code: string; readonly message: string };
  readonly diagnosis?: { readonly explanation: string; readonly matchedTransformation: string; readonly fix: string };
  readonly checks: readonly { readonly name: string; readonly state: CheckState; readonly message?: string }[];
  readonly qsh: { readonly claimed?: string; readonly computed?: string; readonly canonicalRequest?: string };
  readonly fix?: string;
}
