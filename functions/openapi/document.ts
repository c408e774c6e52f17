import * as z from 'zod';
import { type FunctionSpec, type HttpRoute, manifest } from '../manifest.ts';
import { version } from '../../lib/runtime/version.ts';
import { REQUEST_BODIES } from './request-bodies.ts';

/** What each route answers on success, in a sentence (the bodies are described in design.md and the README). */
const SUCCESS: Readonly<Record<string, { status: string; description: string; contentType?: string }>> = {
  'GET /health': { status: '200', description: '{status, version, backend}' },
  'GET /openapi.json': { status: '200', description: 'This document.' },
  'POST /admin/integrations': { status: '201', description: 'The integration, with its redirectUrl and warnings [{code, message}] about the redirect base.' },
  'GET /admin/integrations': { status: '200', description: '{integrations: [...]}' },
  'GET /admin/integrations/{id}': { status: '200', description: 'The integration, with warnings [{code, message}].' },
  'PATCH /admin/integrations/{id}': { status: '200', description: 'The integration, redirectUrlChanged, notice? and warnings.' },
  'DELETE /admin/integrations/{id}': { status: '204', description: 'Deleted, with its stored secrets.' },
  'POST /admin/integrations/{id}/authorize': { status: '200', description: '{authorizationUrl, redirectUrl, expiresAt}' },
  'POST /admin/integrations/{id}/test': { status: '200', description: '{ok, steps: [{name, ok, message}]}' },
  'POST /admin/integrations/{id}/refresh': { status: '200', description: 'The integration after the refresh.' },
  'GET /admin/integrations/{id}/token': { status: '200', description: '{accessToken, expiresAt}' },
  'GET /oauth/callback/{redirectKey}': { status: '200', description: 'A small HTML page saying what happened and what to do next.', contentType: 'text/html' },
  'POST /admin/trust': { status: '201', description: 'The truststore entry {fingerprintSha256, alias, subject, issuer, notAfter, pem, addedAt}.' },
  'GET /admin/trust': { status: '200', description: '{entries: [...]}' },
  'DELETE /admin/trust/{fingerprintSha256}': { status: '204', description: 'Removed.' },
  'POST /admin/endpoints': { status: '201', description: 'The certificate target {id, host, port, protocol, servername?, warnDays?, createdAt}.' },
  'GET /admin/endpoints': { status: '200', description: '{endpoints: [... with lastResult]}' },
  'DELETE /admin/endpoints/{id}': { status: '204', description: 'Removed.' },
  'POST /admin/endpoints/{id}/check': { status: '200', description: 'The `certs check --json` document.' },
  'POST /jwt/validate': { status: '200', description: 'The `jwt verify --json` document {valid, claims?, error?, diagnosis?}.' },
  'POST /connect/installed': { status: '204', description: 'Installed (the lifecycle token was valid).' },
  'POST /connect/uninstalled': { status: '204', description: 'Uninstalled.' },
};

const problem = {
  type: 'object',
  description: 'RFC 9457 problem details; `code` is stable, `detail` is for a person; VALIDATION_FAILED adds errors [{field, message}].',
  required: ['type', 'title', 'status', 'code', 'detail'],
  properties: {
    type: { type: 'string', description: 'a relative URI: /problems/<code>' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string' },
    detail: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
  },
} as const;

/** The JSON Schema of what a request body may be (defaults applied by the handler are optional here). */
function bodySchema(schema: z.core.$ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
}

function operation(fn: FunctionSpec, route: HttpRoute): Record<string, unknown> {
  const key = `${route.method} ${route.path}`;
  const success = SUCCESS[key] ?? { status: '200', description: 'OK' };
  const body = REQUEST_BODIES[key];
  const parameters = [...route.path.matchAll(/\{([^}+]+)\+?\}/g)].map((match) => ({ name: match[1], in: 'path', required: true, schema: { type: 'string' } }));
  return {
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: fn.description,
    tags: [fn.name],
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(body === undefined ? {} : { requestBody: { required: true, content: { 'application/json': { schema: bodySchema(body) } } } }),
    security: route.auth === 'admin' ? [{ adminBearer: [] }] : route.auth === 'connect' ? [{ connectJwt: [] }] : [],
    responses: {
      [success.status]: {
        description: success.description,
        ...(success.status === '204'
          ? {}
          : {
              content: { [success.contentType ?? 'application/json']: { schema: success.contentType === undefined ? { type: 'object' } : { type: 'string' } } },
            }),
      },
      default: {
        description: 'A problem: 4xx for bad input (never 500), 5xx when Trustline failed.',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      },
    },
  };
}

/**
 * The OpenAPI 3.1 document of every HTTP route in functions/manifest.ts, with the request
 * bodies generated from the zod schemas the handlers validate with.
 */
export function openApiDocument(functions: readonly FunctionSpec[] = manifest): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const fn of functions) {
    for (const route of fn.http ?? []) {
      paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(fn, route) };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Trustline',
      version,
      description:
        'OAuth 2.0 mail integrations, TLS certificate checks and Atlassian Connect JWT validation. Admin routes need the admin token locally (Authorization: Bearer) and IAM (SigV4) on AWS.',
    },
    paths,
    components: {
      schemas: { Problem: problem },
      securitySchemes: {
        adminBearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'Locally: TRUSTLINE_ADMIN_TOKEN or <data dir>/admin-token. On AWS the admin routes use IAM authorization (SigV4) instead.',
        },
        connectJwt: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description:
            'An Atlassian Connect JWT signed for this very request (`Authorization: JWT <token>`, or the `jwt` query parameter), checked by the jwt-authorizer function.',
        },
      },
    },
  };
}
