import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRoutes, manifest } from '../../functions/manifest.ts';
import { rawHttp } from '../support/raw-http.ts';
import { type TestRuntime, startTestRuntime } from './start.ts';

const token = randomBytes(24).toString('base64url');
/** A concrete path for a route: every {param} filled with a sample value. */
const samplePath = (path: string) => path.replace(/\{[^}]+\}/g, 'sample-1');

describe('the real manifest in the local runtime', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime({ manifest, adminToken: token });
  });
  afterAll(() => t.stop());

  it('serves exactly the routes of httpRoutes()', () => {
    expect(t.rt.routes.map(({ fn, route }) => `${fn.name} ${route.method} ${route.path}`)).toEqual(
      httpRoutes().map(({ fn, route }) => `${fn.name} ${route.method} ${route.path}`),
    );
  });

  it.each(
    httpRoutes()
      .filter(({ route }) => route.auth === 'admin')
      .map(({ route }) => [`${route.method} ${route.path}`, route] as const),
  )('refuses %s with 401 without the admin token', async (_key, route) => {
    const res = await rawHttp(t.rt.url, { method: route.method, path: samplePath(route.path) });
    expect(res.status).toBe(401);
  });

  it.each(httpRoutes().map(({ route }) => [`${route.method} ${route.path}`, route] as const))(
    'routes %s to a function that declares it',
    async (_key, route) => {
      const res = await rawHttp(t.rt.url, {
        method: route.method,
        path: samplePath(route.path),
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: '{}' }),
      });
      const code = res.headers['content-type']?.toString().includes('json') ? (res.json() as { code?: string }).code : undefined;
      expect(['NO_ROUTE', 'METHOD_NOT_ALLOWED']).not.toContain(code);
    },
  );
});
