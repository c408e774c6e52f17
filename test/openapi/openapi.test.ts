import * as z from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifest } from '../../functions/manifest.ts';
import { REQUEST_BODIES } from '../../functions/openapi/request-bodies.ts';
import { startRuntime } from '../support/tls/runtime.ts';

interface Operation {
  security: { adminBearer?: string[] }[];
  requestBody?: { content: { 'application/json': { schema: Record<string, unknown> } } };
  parameters?: { name: string; in: string }[];
}
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

let runtime: Awaited<ReturnType<typeof startRuntime>>;
let document: Document;

beforeAll(async () => {
  runtime = await startRuntime(['openapi', 'integrations', 'trust', 'endpoints']);
  // Public: no Authorization header.
  const response = await fetch(`${runtime.url}/openapi.json`);
  expect(response.status).toBe(200);
  document = (await response.json()) as Document;
});
afterAll(() => runtime.stop());

const routes = manifest.flatMap((fn) => fn.http ?? []);

describe('GET /openapi.json', () => {
  it('is OpenAPI 3.1 and lists exactly the routes of the manifest, with their path parameters', () => {
    expect(document.openapi).toBe('3.1.0');
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
    expect(document.paths['/admin/integrations/{id}']?.patch?.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }]);
  });

  it('marks admin routes with the bearer scheme and public routes with none', () => {
    for (const route of routes) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation?.security, `${route.method} ${route.path}`).toEqual(
        route.auth === 'admin' ? [{ adminBearer: [] }] : route.auth === 'connect' ? [{ connectJwt: [] }] : [],
      );
    }
  });

  it('documents each request body as the JSON Schema of the zod schema its handler validates with', () => {
    for (const [key, schema] of Object.entries(REQUEST_BODIES)) {
      const [method = '', path = ''] = key.split(' ');
      const { $schema: _dialect, ...expected } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
      // The document serves functions/openapi/request-bodies.json: a schema changed without regenerating it fails here.
      expect(
        document.paths[path]?.[method.toLowerCase()]?.requestBody?.content['application/json'].schema,
        `${key} (regenerate with: npx tsx scripts/openapi-bodies.ts)`,
      ).toEqual(expected);
    }
    expect(document.paths['/admin/trust']?.post?.requestBody?.content['application/json'].schema).toMatchObject({
      required: ['pem'],
      properties: { pem: { type: 'string' } },
    });
  });

  it('the handlers refuse what the documented schema refuses: every required field missing is a 400 naming it', async () => {
    for (const key of ['POST /admin/integrations', 'POST /admin/trust', 'POST /admin/endpoints']) {
      const [method = '', path = ''] = key.split(' ');
      const schema = document.paths[path]?.[method.toLowerCase()]?.requestBody?.content['application/json'].schema as { required: string[] };
      const answer = await runtime.api(method, path, {});
      expect(answer.status, key).toBe(400);
      const fields = (answer.body.errors as { field: string }[]).map((e) => e.field);
      expect(fields.sort(), key).toEqual([...schema.required].sort());
    }
  });
});
