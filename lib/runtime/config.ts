import path from 'node:path';
import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { ConfigError } from './config-error.ts';

/** Trustline's configuration, parsed once from the environment at the composition root. */
export interface Config {
  readonly backend: 'local' | 'aws';
  readonly port: number;
  /** Local data directory (embedded stores, key file, admin token). */
  readonly dataDir: string;
  /** Base of redirect URLs and Connect's base URL, without a trailing slash. */
  readonly publicUrl: string;
  /** True when TRUSTLINE_PUBLIC_URL set the public URL; false when it is derived from PORT. */
  readonly publicUrlExplicit: boolean;
  /** Set by the local runtime when PORT=0 picked the port and the public URL is derived from it. */
  readonly randomPort?: boolean;
  /** Local admin bearer token when set explicitly; otherwise generated into the data dir. */
  readonly adminToken: string | undefined;
  /** Development only: allow plain-http provider endpoints on loopback addresses. */
  readonly allowLoopbackHttp: boolean;
  /** Connect install-keys server (`GET <url>/<kid>` → PEM), without a trailing slash. */
  readonly connectInstallKeysUrl: string;
  /** Scheduled token refresh (lib/oauth/refresh-policy.ts). */
  readonly refresh: {
    /** Assumed lifetime of an access token whose provider sent no `expires_in`. */
    readonly defaultTokenLifetimeSeconds: number;
    /** Consecutive transient failures before an integration shows `refresh-failing`. */
    readonly failingAfter: number;
    /** Refreshes one scheduled run or worker performs at once. */
    readonly concurrency: number;
  };
  readonly aws: {
    readonly region: string | undefined;
    readonly tableName: string;
    readonly alertTopicArn: string | undefined;
    /** The token-refresh-worker's SQS queue (`TRUSTLINE_QUEUE_URL_TOKEN_REFRESH_WORKER`, set by the stack). */
    readonly refreshQueueUrl: string | undefined;
    /** The cert-check-worker's SQS queue (`TRUSTLINE_QUEUE_URL_CERT_CHECK_WORKER`, set by the stack). */
    readonly certCheckQueueUrl: string | undefined;
    /** Endpoint overrides, for loopback peers in tests. */
    readonly dynamoEndpoint: string | undefined;
    readonly secretsEndpoint: string | undefined;
    /** KMS key new secrets are encrypted with (the stack's customer-managed key); the account default when unset. */
    readonly secretsKmsKeyId: string | undefined;
    /** `host:port` of the Lambda runtime API (set by Lambda); the outbound policy never connects to it. */
    readonly lambdaRuntimeApi: string | undefined;
  };
}

// zod/mini rather than zod: a function that needs only the configuration (health) then loads none of
// zod's classic API, the larger part of zod. zod/mini registers no locale by itself; the English one gives
// the messages zod gives (zod registers the same locale when none is registered).
z.config(en());

const booleanFlag = z.pipe(
  z.optional(z.enum(['1', 'true', 'yes', '0', 'false', 'no', ''])),
  z.transform((v) => v === '1' || v === 'true' || v === 'yes'),
);
const httpUrl = z.url({ protocol: /^https?$/ });
const publicUrl = z.url({
  protocol: /^https?$/,
  error:
    'must be the absolute http(s) URL browsers and providers reach Trustline at, for example TRUSTLINE_PUBLIC_URL=https://trustline.example.com (unset it to use http://127.0.0.1:PORT)',
});
const integer = (min: number, max: number, fallback: number) => z._default(z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max)), fallback);

const schema = z.object({
  TRUSTLINE_BACKEND: z._default(z.enum(['local', 'aws']), 'local'),
  PORT: integer(0, 65535, 3000),
  TRUSTLINE_DATA_DIR: z._default(z.string().check(z.minLength(1)), '.trustline'),
  TRUSTLINE_PUBLIC_URL: z.optional(publicUrl),
  TRUSTLINE_ADMIN_TOKEN: z.optional(z.string().check(z.minLength(16, 'TRUSTLINE_ADMIN_TOKEN must be at least 16 characters'))),
  TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP: booleanFlag,
  // Atlassian's published install-keys server for signed-install lifecycle tokens.
  TRUSTLINE_CONNECT_INSTALL_KEYS_URL: z._default(httpUrl, 'https://connect-install-keys.atlassian.com'),
  AWS_REGION: z.optional(z.string()),
  TRUSTLINE_TABLE: z._default(z.string(), 'trustline'),
  TRUSTLINE_ALERT_TOPIC_ARN: z.optional(z.string()),
  TRUSTLINE_QUEUE_URL_TOKEN_REFRESH_WORKER: z.optional(z.string()),
  TRUSTLINE_QUEUE_URL_CERT_CHECK_WORKER: z.optional(z.string()),
  TRUSTLINE_REFRESH_DEFAULT_LIFETIME_SECONDS: integer(60, 86_400, 3600),
  TRUSTLINE_REFRESH_FAILING_AFTER: integer(1, 100, 3),
  TRUSTLINE_REFRESH_CONCURRENCY: integer(1, 256, 16),
  TRUSTLINE_DYNAMODB_ENDPOINT: z.optional(z.url()),
  TRUSTLINE_SECRETS_ENDPOINT: z.optional(z.url()),
  TRUSTLINE_SECRETS_KMS_KEY_ID: z.optional(z.string().check(z.minLength(1))),
  AWS_LAMBDA_RUNTIME_API: z.optional(z.string()),
});

export { ConfigError };

/** The outbound policy's settings (lib/trust/outbound-policy.ts) from the configuration. */
export function outboundPolicyOptions(config: Config): { allowLoopback: boolean; lambdaRuntimeApi: string | undefined } {
  return { allowLoopback: config.allowLoopbackHttp, lambdaRuntimeApi: config.aws.lambdaRuntimeApi };
}

/**
 * The outbound policy of a standalone CLI command (`certs check`, `trust add --from`), which needs no
 * other setting: the development flag only, read as loadConfig reads it (an unreadable value means off).
 */
export function standaloneOutboundPolicyOptions(env: NodeJS.ProcessEnv = process.env): { allowLoopback: boolean } {
  const flag = booleanFlag.safeParse(env.TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP);
  return { allowLoopback: flag.success && flag.data };
}

/** Parses and validates the environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid setting ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const e = parsed.data;
  return {
    backend: e.TRUSTLINE_BACKEND,
    port: e.PORT,
    dataDir: path.resolve(e.TRUSTLINE_DATA_DIR),
    publicUrl: (e.TRUSTLINE_PUBLIC_URL ?? `http://127.0.0.1:${e.PORT}`).replace(/\/+$/, ''),
    publicUrlExplicit: e.TRUSTLINE_PUBLIC_URL !== undefined,
    adminToken: e.TRUSTLINE_ADMIN_TOKEN,
    allowLoopbackHttp: e.TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP,
    connectInstallKeysUrl: e.TRUSTLINE_CONNECT_INSTALL_KEYS_URL.replace(/\/+$/, ''),
    refresh: {
      defaultTokenLifetimeSeconds: e.TRUSTLINE_REFRESH_DEFAULT_LIFETIME_SECONDS,
      failingAfter: e.TRUSTLINE_REFRESH_FAILING_AFTER,
      concurrency: e.TRUSTLINE_REFRESH_CONCURRENCY,
    },
    aws: {
      region: e.AWS_REGION,
      tableName: e.TRUSTLINE_TABLE,
      alertTopicArn: e.TRUSTLINE_ALERT_TOPIC_ARN,
      refreshQueueUrl: e.TRUSTLINE_QUEUE_URL_TOKEN_REFRESH_WORKER,
      certCheckQueueUrl: e.TRUSTLINE_QUEUE_URL_CERT_CHECK_WORKER,
      dynamoEndpoint: e.TRUSTLINE_DYNAMODB_ENDPOINT,
      secretsEndpoint: e.TRUSTLINE_SECRETS_ENDPOINT,
      secretsKmsKeyId: e.TRUSTLINE_SECRETS_KMS_KEY_ID,
      lambdaRuntimeApi: e.AWS_LAMBDA_RUNTIME_API,
    },
  };
}
