/**
 * THE list of Trustline's functions. The CDK stack (infra/aws) and the local runtime
 * (infra/local) are both generated from it: a capability adds its functions here and nowhere else.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** `public`: open to the internet (provider callbacks, Connect). `admin`: IAM on AWS, bearer token locally. */
export type AuthKind = 'public' | 'admin';

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

/** What a function may touch; infra/aws turns this into least-privilege IAM grants. */
export interface Access {
  /** Secrets under `trustline/<prefix>`; `write` adds put/create/delete. */
  readonly secrets?: { readonly prefix: string; readonly write: boolean };
  readonly table?: 'read' | 'readwrite';
  /** Publish to the alert topic (SNS on AWS, the log locally). */
  readonly alerts?: boolean;
  /** Send to the fan-out queue of another function (SQS on AWS, in-process locally). */
  readonly queueTo?: string;
}

export interface FunctionSpec {
  /** Lower-kebab name; also the folder under functions/. */
  readonly name: string;
  readonly description: string;
  /** Module exporting `handler`, relative to the repository root. */
  readonly entry: string;
  readonly http?: readonly HttpRoute[];
  readonly schedules?: readonly Schedule[];
  /** Consumes an SQS queue (fan-out target); batch size per invocation. */
  readonly queue?: { readonly batchSize: number };
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
];

/** Every HTTP route with its owning function, for routers and tests. */
export function httpRoutes(): { fn: FunctionSpec; route: HttpRoute }[] {
  return manifest.flatMap((fn) => (fn.http ?? []).map((route) => ({ fn, route })));
}
