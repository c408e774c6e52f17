import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FunctionSpec, manifest } from '../../functions/manifest.ts';
import { createConnectGate } from '../../infra/local/connect-gate.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import { installTestSite } from '../jwt/support/services.ts';
import { CLIENT_KEY, requestToken } from '../jwt/support/tokens.ts';
import { rawHttp } from '../support/raw-http.ts';
import { callsOf, resetCalls } from './fixtures/calls.ts';

const jwtAuthorizer = manifest.find((fn) => fn.name === 'jwt-authorizer')!;

/** A user's routes behind the Connect authorizer: the README example and the echo fixture. */
const connectManifest: readonly FunctionSpec[] = [
  jwtAuthorizer,
  {
    name: 'issue-panel',
    description: 'The example route of examples/connect-protected-route.',
    entry: 'examples/connect-protected-route/handler.ts',
    http: [{ method: 'GET', path: '/issue-panel', auth: 'connect' }],
    access: {},
  },
  {
    name: 'echo',
    description: 'Answers with the event it received.',
    entry: 'test/local/fixtures/echo-handler.ts',
    http: [{ method: 'POST', path: '/connect/echo/{id}', auth: 'connect' }],
    access: {},
  },
];

describe('connect routes in the local runtime (the Connect authorizer, as API Gateway applies it)', () => {
  let env: Awaited<ReturnType<typeof installTestSite>>;
  let rt: LocalRuntime;
  const now = () => env.clock.now();

  beforeAll(async () => {
    env = await installTestSite();
    rt = await startLocalRuntime({ port: 0, config: env.services.config, services: env.services, manifest: connectManifest, shutdownGraceMs: 1000 });
  });
  afterAll(async () => {
    await rt.close();
    await env.cleanup();
  });
  beforeEach(() => {
    resetCalls();
  });

  it('lets a request through whose Connect JWT was signed for its own method, path and query, with the clientKey and accountId as context', async () => {
    const token = await requestToken('GET', '/issue-panel?issueKey=T-1', now());
    const res = await rawHttp(rt.url, { path: '/issue-panel?issueKey=T-1', headers: { authorization: `JWT ${token}` } });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ clientKey: CLIENT_KEY, accountId: '557058:account', issueKey: 'T-1' });
  });

  it('accepts the token in the jwt query parameter (no identity source stands in the way)', async () => {
    const token = await requestToken('GET', '/issue-panel?issueKey=T-1', now());
    const res = await rawHttp(rt.url, { path: `/issue-panel?issueKey=T-1&jwt=${token}` });
    expect(res.status).toBe(200);
  });

  it('answers 403 Forbidden, as API Gateway does, to a token signed for another query, and never calls the route', async () => {
    const token = await requestToken('POST', '/connect/echo/1?issueKey=T-2', now());
    const res = await rawHttp(rt.url, { method: 'POST', path: '/connect/echo/1?issueKey=T-1', headers: { authorization: `JWT ${token}` } });
    expect(res.status).toBe(403);
    expect(res.json()).toEqual({ message: 'Forbidden' });
    expect(callsOf('POST /connect/echo/{id}')).toHaveLength(0);
  });

  it('answers 403 to a request without a token', async () => {
    const res = await rawHttp(rt.url, { path: '/issue-panel?issueKey=T-1' });
    expect(res.status).toBe(403);
    expect(res.json()).toEqual({ message: 'Forbidden' });
  });

  it('answers 403 to a token signed with another secret', async () => {
    const token = await requestToken('GET', '/issue-panel', now(), {}, 'not-the-shared-secret-of-this-site-00000000');
    const res = await rawHttp(rt.url, { path: '/issue-panel', headers: { authorization: `JWT ${token}` } });
    expect(res.status).toBe(403);
  });

  it('answers 403 to a request whose body comes with a refused token, the body read and dropped', async () => {
    const res = await rawHttp(rt.url, {
      method: 'POST',
      path: '/connect/echo/1',
      headers: { authorization: 'JWT not.a.token', 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(res.status).toBe(403);
  });

  it('hands the route its body and the authorizer context under requestContext.authorizer.lambda', async () => {
    const token = await requestToken('POST', '/connect/echo/7', now());
    const res = await rawHttp(rt.url, {
      method: 'POST',
      path: '/connect/echo/7',
      headers: { authorization: `JWT ${token}`, 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(res.status).toBe(200);
    const event = res.json() as APIGatewayProxyEventV2 & { requestContext: { authorizer: { lambda: unknown } } };
    expect(event.requestContext.authorizer.lambda).toEqual({ clientKey: CLIENT_KEY, accountId: '557058:account' });
    expect(event.body).toBe('{"a":1}');
    expect(event.pathParameters).toEqual({ id: '7' });
  });
});

describe('the local Connect gate', () => {
  const routeEvent = (headers: Record<string, string> = {}): APIGatewayProxyEventV2 =>
    ({
      version: '2.0',
      routeKey: 'GET /panel',
      rawPath: '/panel',
      rawQueryString: 'a=1',
      headers,
      queryStringParameters: { a: '1' },
      requestContext: { accountId: '000000000000', apiId: 'local', stage: '$default', requestId: 'r1', http: { method: 'GET', path: '/panel' } },
      body: 'secret body',
      isBase64Encoded: false,
    }) as unknown as APIGatewayProxyEventV2;

  it('sends the authorizer the REQUEST event of payload 2.0: type, routeArn, identity values, no body', async () => {
    const seen: unknown[] = [];
    const gate = createConnectGate(jwtAuthorizer, (_fn, event) => (seen.push(event), Promise.resolve({ isAuthorized: true, context: { clientKey: 'k' } })), [
      '$request.header.Authorization',
    ]);
    expect(await gate(routeEvent({ authorization: 'JWT x' }))).toEqual({ kind: 'allowed', context: { clientKey: 'k' } });
    expect(seen[0]).toMatchObject({
      type: 'REQUEST',
      routeArn: 'arn:aws:execute-api:local:000000000000:local/$default/GET/panel',
      identitySource: ['JWT x'],
      rawQueryString: 'a=1',
    });
    expect(seen[0]).not.toHaveProperty('body');
  });

  it('answers 401 without calling the authorizer when a declared identity source is missing', async () => {
    let called = false;
    const gate = createConnectGate(jwtAuthorizer, () => ((called = true), Promise.resolve({ isAuthorized: true })), ['$request.header.Authorization']);
    expect(await gate(routeEvent())).toEqual({ kind: 'refused', status: 401, message: 'Unauthorized' });
    expect(called).toBe(false);
  });

  it.each([
    ['throws', () => Promise.reject(new Error('boom'))],
    ['answers an IAM policy instead of a simple response', () => Promise.resolve({ principalId: 'x', policyDocument: {} })],
  ])('answers 500 when the authorizer %s', async (_case, invoke) => {
    expect(await createConnectGate(jwtAuthorizer, invoke)(routeEvent())).toEqual({ kind: 'refused', status: 500, message: 'Internal Server Error' });
  });

  it('fails closed with 500 when the manifest has no authorizer function', async () => {
    expect(await createConnectGate(undefined, () => Promise.resolve({ isAuthorized: true }))(routeEvent())).toMatchObject({ kind: 'refused', status: 500 });
  });
});
