import path from 'node:path';
import { z } from 'zod';

/** Trustline's configuration, parsed once from the environment at the composition root. */
export interface Config {
  readonly backend: 'local' | 'aws';
  readonly port: number;
  /** Local data directory (embedded stores, key file, admin token). */
  readonly dataDir: string;
  /** Base of redirect URLs and Connect's base URL, without a trailing slash. */
  readonly publicUrl: string;
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
    /** Endpoint overrides, for loopback peers in tests. */
    readonly dynamoEndpoint: string | undefined;
    readonly secretsEndpoint: string | undefined;
    /** KMS key new secrets are encrypted with (the stack's customer-managed key); the account default when unset. */
    readonly secretsKmsKeyId: string | undefined;
  };
}

const booleanFlag = z
  .enum(['1', 'true', 'yes', '0', 'false', 'no', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const schema = z.object({
  TRUSTLINE_BACKEND: z.enum(['local', 'aws']).default('local'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  TRUSTLINE_DATA_DIR: z.string().min(1).default('.trustline'),
  TRUSTLINE_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  TRUSTLINE_ADMIN_TOKEN: z.string().min(16, 'TRUSTLINE_ADMIN_TOKEN must be at least 16 characters').optional(),
  TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP: booleanFlag,
  // Atlassian's published install-keys server for signed-install lifecycle tokens.
  TRUSTLINE_CONNECT_INSTALL_KEYS_URL: z.url({ protocol: /^https?$/ }).default('https://connect-install-keys.atlassian.com'),
  AWS_REGION: z.string().optional(),
  TRUSTLINE_TABLE: z.string().default('trustline'),
  TRUSTLINE_ALERT_TOPIC_ARN: z.string().optional(),
  TRUSTLINE_QUEUE_URL_TOKEN_REFRESH_WORKER: z.string().optional(),
  TRUSTLINE_REFRESH_DEFAULT_LIFETIME_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  TRUSTLINE_REFRESH_FAILING_AFTER: z.coerce.number().int().min(1).max(100).default(3),
  TRUSTLINE_REFRESH_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  TRUSTLINE_DYNAMODB_ENDPOINT: z.url().optional(),
  TRUSTLINE_SECRETS_ENDPOINT: z.url().optional(),
  TRUSTLINE_SECRETS_KMS_KEY_ID: z.string().min(1).optional(),
});

/** Thrown when the environment holds an invalid setting; the message names the variable. */
export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
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
      dynamoEndpoint: e.TRUSTLINE_DYNAMODB_ENDPOINT,
      secretsEndpoint: e.TRUSTLINE_SECRETS_ENDPOINT,
      secretsKmsKeyId: e.TRUSTLINE_SECRETS_KMS_KEY_ID,
    },
  };
}
