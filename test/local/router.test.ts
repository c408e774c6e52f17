import { describe, expect, it } from 'vitest';
import type { FunctionSpec, HttpRoute } from '../../functions/manifest.ts';
import { DuplicateRouteError } from '../../infra/local/errors.ts';
import { createRouter } from '../../infra/local/router.ts';

const fn = (name: string, http: HttpRoute[]): FunctionSpec => ({ name, description: name, entry: `${name}.ts`, http, access: {} });
const routes = (...specs: FunctionSpec[]) => specs.flatMap((spec) => (spec.http ?? []).map((route) => ({ fn: spec, route })));

const route = createRouter(
  routes(
    fn('a', [
      { method: 'GET', path: '/files/{path+}', auth: 'public' },
      { method: 'GET', path: '/files/{id}/meta', auth: 'public' },
      { method: 'GET', path: '/files/readme', auth: 'public' },
      { method: 'GET', path: '/', auth: 'public' },
    ]),
    fn('b', [{ method: 'POST', path: '/files/{id}/meta', auth: 'admin' }]),
  ),
);

describe('router', () => {
  it('matches a greedy parameter to the rest of the path, decoded', () => {
    expect(route('GET', '/files/a/b%20c/d')).toMatchObject({ kind: 'found', routeKey: 'GET /files/{path+}', pathParameters: { path: 'a/b c/d' } });
  });

  it('never matches a greedy parameter to nothing', () => {
    expect(route('GET', '/files/')).toEqual({ kind: 'not-found' });
    expect(route('GET', '/files')).toEqual({ kind: 'not-found' });
  });

  it('prefers literal over {param} over {greedy+}', () => {
    expect(route('GET', '/files/readme')).toMatchObject({ routeKey: 'GET /files/readme', pathParameters: undefined });
    expect(route('GET', '/files/7/meta')).toMatchObject({ routeKey: 'GET /files/{id}/meta', pathParameters: { id: '7' } });
  });

  it('keeps an encoded slash inside one segment', () => {
    expect(route('GET', '/files/a%2Fb/meta')).toMatchObject({ routeKey: 'GET /files/{id}/meta', pathParameters: { id: 'a/b' } });
  });

  it('compares literal segments as sent, without decoding them', () => {
    expect(route('GET', '/files/read%6De')).toMatchObject({ routeKey: 'GET /files/{path+}' });
  });

  it('passes a malformed escape on undecoded', () => {
    expect(route('GET', '/files/%E0%A4%A/meta')).toMatchObject({ pathParameters: { id: '%E0%A4%A' } });
  });

  it('matches the root path', () => {
    expect(route('GET', '/')).toMatchObject({ kind: 'found', routeKey: 'GET /' });
  });

  it('lists the methods of every route matching the path when the method has none', () => {
    expect(route('DELETE', '/files/7/meta')).toEqual({ kind: 'method-not-allowed', allow: ['GET', 'POST'] });
  });

  it('refuses a manifest declaring one route twice', () => {
    const duplicate = routes(fn('x', [{ method: 'GET', path: '/a', auth: 'public' }]), fn('y', [{ method: 'GET', path: '/a', auth: 'public' }]));
    expect(() => createRouter(duplicate)).toThrow(DuplicateRouteError);
  });
});
