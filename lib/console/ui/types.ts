/** The documents the console shows, as the admin API (design.md) and the console server answer them. */

export type Provider = 'google' | 'microsoft' | 'custom';
export type Status = 'not-authorized' | 'authorized' | 'needs-reauthorization' | 'refresh-failing';

export interface MailServer {
  readonly protocol: 'imap' | 'pop3' | 'smtp';
  readonly host: string;
  readonly port: number;
  readonly security: 'tls' | 'starttls';
  readonly username: string;
}

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
  readonly redirectUrl: string;
  readonly status: Status;
  readonly accessTokenExpiresAt?: string;
  readonly lastRefreshAt?: string;
  readonly authorizedAt?: string;
  readonly lastError?: { readonly code: string; readonly message: string; readonly at: string };
  readonly refreshFailures?: number;
  readonly nextRefreshAttemptAt?: string;
  readonly notice?: string;
}

/** Something providers will refuse about the redirect base (GET /admin/integrations/{id} `warnings`). */
export interface RedirectWarning {
  readonly code: string;
  readonly message: string;
}

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

export interface ChainEntry {
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly daysLeft: number;
  readonly fingerprintSha256: string;
  readonly selfSigned: boolean;
  readonly pem: string;
  readonly source?: string;
}

export interface CheckReport {
  readonly host: string;
  readonly port: number;
  readonly protocol: string;
  readonly trusted: boolean;
  readonly verdict: string;
  readonly message: string;
  readonly hostnameMatches: boolean;
  readonly earliestExpiry: string | null;
  readonly daysLeft: number | null;
  readonly chain: readonly ChainEntry[];
  readonly presented?: readonly string[];
  readonly problems?: readonly string[];
  readonly fix?: {
    readonly pem: string;
    readonly keytool: string;
    readonly keytoolKeystore: string;
    readonly alias: string;
    readonly file: string;
    readonly reason: string;
    readonly serverFix?: string;
    readonly anchor: { readonly subject: string; readonly fingerprintSha256: string };
  };
  readonly error?: { readonly code: string; readonly message: string; readonly fix?: string };
  readonly checkedAt?: string;
}

export interface Endpoint {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly protocol: string;
  readonly servername?: string;
  readonly warnDays?: number;
  readonly lastResult?: {
    readonly verdict: string;
    readonly trusted: boolean;
    readonly daysLeft: number | null;
    readonly earliestExpiry: string | null;
    readonly message: string;
    readonly checkedAt: string;
  };
}

export interface TrustEntry {
  readonly fingerprintSha256: string;
  readonly alias: string;
  readonly subject: string;
  readonly issuer: string;
  readonly notAfter: string;
  readonly pem: string;
  readonly addedAt: string;
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
