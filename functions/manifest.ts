import type { ItemSetName } from './table-items.ts';

/**
 * THE list of Trustline's functions. The CDK stack (infra/aws) and the local runtime
 * (infra/local) are both generated from it: a capability adds its functions here and nowhere else.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * `public`: open to the internet (provider callbacks, Connect). `admin`: IAM on AWS, bearer token locally.
 * `connect`: the request must carry its own Atlassian Connect JWT (HS256 + qsh); the `jwt-authorizer`
 * function decides, as an HTTP API Lambda REQUEST authorizer on AWS and the same way locally.
 */
export type AuthKind = 'public' | 'admin' | 'connect';

/**
 * How API Gateway calls the Connect authorizer, read by infra/aws (the HTTP API authorizer) and
 * infra/local (which applies it to `connect` routes the same way).
 */
export const connectAuthorizer = {
  /** The manifest function that decides. */
  function: 'jwt-authorizer',
  /**
   * No identity source: the token rides in `Authorization: JWT ...` or in the `jwt` query parameter,
   * and API Gateway would refuse (401, without calling the authorizer) a request lacking any listed
   * source. Allowed because caching is off; the authorizer refuses a request without a token itself.
   */
  identitySource: [] as readonly string[],
  /** Off: the qsh binds each token to one method, path and query, so no answer may serve another request. */
  resultsCacheTtlSeconds: 0,
  /** Payload format 2.0 with simple responses: `{isAuthorized, context}`. */
  payloadFormatVersion: '2.0',
} as const;

export interface HttpRoute {
  readonly method: HttpMethod;
  /** API Gateway HTTP API path syntax: `/admin/integrations/{id}`; `{name+}` is greedy. */
  readonly path: string;
  readonly auth: AuthKind;
}

export interface Schedule {
  /** Five-field Unix cron in UTC (`*\/5 * * * *`); converted to EventBridge's six-field form by infra/aws. */
  readonly cron: string;
  readonly description: string;
}

/**
 * How a function uses one store: `read`; `readwrite` (create and update); `readwrite-delete` (also
 * remove or take items, a DeleteItem on AWS).
 */
export type TableLevel = 'read' | 'readwrite' | 'readwrite-delete';

/**
 * The metadata-table stores a function uses (functions/table-items.ts) and how: on AWS it may touch
 * only their item kinds (`dynamodb:LeadingKeys`), write only those of the stores it writes, and
 * delete only those of the `readwrite-delete` ones.
 */
export type TableAccess = { readonly [store in ItemSetName]?: TableLevel };

/** What a function may touch; infra/aws turns this into least-privilege IAM grants. */
export interface Access {
  /** Secrets under `trustline/<prefix>`; `write` adds put/create/delete. */
  readonly secrets?: { readonly prefix: string; readonly write: boolean };
  readonly table?: TableAccess;
  /** Publish to the alert topic (SNS on AWS, the log locally). */
  readonly alerts?: boolean;
  /** Send to the fan-out queue of another function (SQS on AWS, in-process locally). */
  readonly queueTo?: string;
  /**
   * Connects out (provider token endpoints, mail servers, TLS checks, key servers) through lib/trust's
   * one TLS context; the HTTP client and the trust context are bundled only for functions that declare it.
   */
  readonly outbound?: boolean;
}

export interface FunctionSpec {
  /** Lower-kebab name; also the folder under functions/. */
  readonly name: string;
  readonly description: string;
  /** Module exporting `handler`, relative to the repository root. */
  readonly entry: string;
  readonly http?: readonly HttpRoute[];
  readonly schedules?: readonly Schedule[];
  /**
   * Consumes an SQS queue (fan-out target): messages per invocation; the age of the oldest waiting
   * message that raises an alarm (the consumers are not keeping up); the most invocations the queue
   * runs at once (so a large backlog cannot take the account's whole Lambda concurrency).
   */
  readonly queue?: { readonly batchSize: number; readonly maxAgeMinutes?: number; readonly maxConcurrency?: number };
  readonly access: Access;
  readonly timeoutSeconds?: number;
  readonly memoryMb?: number;
}

export const manifest: readonly FunctionSpec[] = [
  {
    name: 'health',
    description: 'Liveness: answers 200 with the version and the backend in use.',
    entry: 'functions/health/handler.ts',
    http: [{ method: 'GET', path: '/health', auth: 'public' }],
    access: {},
  },
  {
    name: 'openapi',
    description: 'The OpenAPI 3.1 document of every HTTP route, generated from the manifest and the schemas the handlers validate with.',
    entry: 'functions/openapi/handler.ts',
    http: [{ method: 'GET', path: '/openapi.json', auth: 'public' }],
    access: {},
  },
  {
    name: 'endpoints',
    description: 'Certificate targets: add, list with the latest result, delete, and check one now.',
    entry: 'functions/endpoints/handler.ts',
    http: [
      { method: 'POST', path: '/admin/endpoints', auth: 'admin' },
      { method: 'GET', path: '/admin/endpoints', auth: 'admin' },
      { method: 'DELETE', path: '/admin/endpoints/{id}', auth: 'admin' },
      { method: 'POST', path: '/admin/endpoints/{id}/check', auth: 'admin' },
    ],
    // A check publishes an alert when the endpoint's state changes; truststore entries are read from the table.
    access: { table: { endpoints: 'readwrite-delete', trust: 'read' }, alerts: true, outbound: true },
    // One check: 10 s deadline plus at most 5 s of AIA download.
    timeoutSeconds: 30,
  },
  {
    name: 'trust',
    description: 'The managed truststore: add a PEM certificate, list entries, remove one by SHA-256 fingerprint.',
    entry: 'functions/trust/handler.ts',
    http: [
      { method: 'POST', path: '/admin/trust', auth: 'admin' },
      { method: 'GET', path: '/admin/trust', auth: 'admin' },
      { method: 'DELETE', path: '/admin/trust/{fingerprintSha256}', auth: 'admin' },
    ],
    access: { table: { trust: 'readwrite-delete' } },
  },
  {
    name: 'cert-check-schedule',
    description: 'Hourly: sends every certificate target, in batches, to the cert-check-worker queue.',
    entry: 'functions/cert-check-schedule/handler.ts',
    schedules: [{ cron: '0 * * * *', description: 'Hourly certificate checks' }],
    // Lists the targets and queues them; the checks, results and alerts are the worker's.
    access: { table: { endpoints: 'read' }, queueTo: 'cert-check-worker' },
    timeoutSeconds: 120,
  },
  {
    name: 'cert-check-worker',
    description: 'Checks the certificate targets of the queued batches (32 at a time), stores the latest results, emits EMF metrics, alerts on state changes.',
    entry: 'functions/cert-check-worker/handler.ts',
    // 4 messages of 16 endpoints: 64 checks, two rounds of 32 at worst. A queue older than 30 minutes
    // means the hourly run will not finish before the next one starts. 50 at once leave the rest of
    // the account's concurrency (1,000 by default) to the HTTP API and the refresh functions.
    queue: { batchSize: 4, maxAgeMinutes: 30, maxConcurrency: 50 },
    access: { table: { endpoints: 'readwrite-delete', trust: 'read' }, alerts: true, outbound: true },
    // Two rounds of checks at their worst (10 s deadline plus at most 5 s of AIA download each), with room to spare.
    timeoutSeconds: 60,
    memoryMb: 512,
  },
  {
    name: 'integrations',
    description: 'OAuth 2.0 mail integrations: settings, authorization start, connection test, refresh and token access.',
    entry: 'functions/integrations/handler.ts',
    http: [
      { method: 'POST', path: '/admin/integrations', auth: 'admin' },
      { method: 'GET', path: '/admin/integrations', auth: 'admin' },
      { method: 'GET', path: '/admin/integrations/{id}', auth: 'admin' },
      { method: 'PATCH', path: '/admin/integrations/{id}', auth: 'admin' },
      { method: 'DELETE', path: '/admin/integrations/{id}', auth: 'admin' },
      { method: 'POST', path: '/admin/integrations/{id}/authorize', auth: 'admin' },
      { method: 'POST', path: '/admin/integrations/{id}/test', auth: 'admin' },
      { method: 'POST', path: '/admin/integrations/{id}/refresh', auth: 'admin' },
      { method: 'GET', path: '/admin/integrations/{id}/token', auth: 'admin' },
    ],
    // Secrets under trustline/integrations/; leases, states and truststore entries in the table.
    access: {
      secrets: { prefix: 'integrations/', write: true },
      table: { integrations: 'readwrite-delete', oauthStates: 'readwrite', leases: 'readwrite', trust: 'read' },
      alerts: true,
      outbound: true,
    },
    // API Gateway answers within 30 s: a connection test's token call (15 s) and mail login (12 s) fit.
    timeoutSeconds: 30,
  },
  {
    name: 'token-refresh',
    description: 'Refreshes the OAuth grants that are due (expiring within 15 minutes or idle for 24 hours) and queues the rest for the worker.',
    entry: 'functions/token-refresh/handler.ts',
    schedules: [{ cron: '*/5 * * * *', description: 'Refresh OAuth access tokens expiring within 15 minutes or not refreshed for 24 hours' }],
    // Tokens under trustline/integrations/; integrations, leases and the due index in the table.
    access: {
      secrets: { prefix: 'integrations/', write: true },
      table: { integrations: 'readwrite', leases: 'readwrite', trust: 'read' },
      alerts: true,
      queueTo: 'token-refresh-worker',
      outbound: true,
    },
    // Shorter than the 5-minute schedule, so runs do not overlap; 45 s of it are kept for the fan-out.
    timeoutSeconds: 180,
  },
  {
    name: 'token-refresh-worker',
    description: 'Refreshes the OAuth grants the scheduled run queued when more were due than it could finish.',
    entry: 'functions/token-refresh-worker/handler.ts',
    // An access token refreshed 15 minutes late may already have expired.
    queue: { batchSize: 10, maxAgeMinutes: 15 },
    access: {
      secrets: { prefix: 'integrations/', write: true },
      table: { integrations: 'readwrite', leases: 'readwrite', trust: 'read' },
      alerts: true,
      outbound: true,
    },
    // A batch of 10 refreshes at once: lease wait 12 s + token endpoint 15 s + store retries 20 s.
    timeoutSeconds: 90,
  },
  {
    name: 'oauth-callback',
    description: "Public OAuth 2.0 redirect target: exchanges the code and stores the integration's tokens.",
    entry: 'functions/oauth-callback/handler.ts',
    http: [{ method: 'GET', path: '/oauth/callback/{redirectKey}', auth: 'public' }],
    // Takes the pending authorization, marks its state used, stores the grant under the integration's lease.
    access: {
      secrets: { prefix: 'integrations/', write: true },
      table: { oauthStates: 'readwrite-delete', integrations: 'readwrite', leases: 'readwrite', trust: 'read' },
      outbound: true,
    },
    timeoutSeconds: 30,
  },
  {
    name: 'jwt-validate',
    description: 'Validates an Atlassian Connect request token against a method and URL, with a diagnosis of qsh mismatches.',
    entry: 'functions/jwt-validate/handler.ts',
    // Admin: the answers reveal which Connect clients are installed and would make a free signature oracle.
    http: [{ method: 'POST', path: '/jwt/validate', auth: 'admin' }],
    // The OIDC profile fetches the issuer's discovery document and keys, trusting the managed truststore.
    access: { secrets: { prefix: 'connect/', write: false }, table: { trust: 'read' }, outbound: true },
  },
  {
    name: 'connect-lifecycle',
    description: "Connect install lifecycle: verifies the RS256 token and stores or deletes the site's shared secret.",
    entry: 'functions/connect-lifecycle/handler.ts',
    http: [
      { method: 'POST', path: '/connect/installed', auth: 'public' },
      { method: 'POST', path: '/connect/uninstalled', auth: 'public' },
    ],
    // Shared secrets under trustline/connect/; the table holds the truststore the key-server fetch uses
    // and the lifecycle tokens already used (refused when replayed).
    access: { secrets: { prefix: 'connect/', write: true }, table: { lifecycleTokens: 'readwrite', trust: 'read' }, outbound: true },
  },
  {
    name: 'jwt-authorizer',
    description: "HTTP API Lambda REQUEST authorizer: validates a request's own Connect token (HS256 + qsh of its raw path and query).",
    entry: 'functions/jwt-authorizer/handler.ts',
    // No routes of its own: infra attaches it to the routes that opt in.
    access: { secrets: { prefix: 'connect/', write: false } },
  },
];

/** Every HTTP route with its owning function, for routers and tests. */
export function httpRoutes(): { fn: FunctionSpec; route: HttpRoute }[] {
  return manifest.flatMap((fn) => (fn.http ?? []).map((route) => ({ fn, route })));
}
