import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/jwt-authorizer/handler.ts';
import { captureStdio } from '../support/stdio.ts';
import { installTestSite } from './support/services.ts';
import { CLIENT_KEY, requestToken } from './support/tokens.ts';

function authorizerEvent(method: string, rawPath: string, rawQueryString: string, headers: Record<string, string> = {}): APIGatewayRequestAuthorizerEventV2 {
  const routeKey = `${method} /{proxy+}`;
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:eu-west-1:123456789012:api/$default/${method}${rawPath}`,
    identitySource: [],
    routeKey,
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'trustline.example.com',
      domainPrefix: 'trustline',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'Jira' },
      requestId: 'r1',
      routeKey,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
  } as unknown as APIGatewayRequestAuthorizerEventV2;
}

let env: Awaited<ReturnType<typeof installTestSite>>;
beforeEach(async () => {
  env = await installTestSite();
});
afterEach(() => env.cleanup());

describe('Connect JWT authorizer (HTTP API, payload 2.0, simple responses)', () => {
  it('authorizes a request whose Authorization: JWT token was signed for its own path and query', async () => {
    const token = await requestToken('GET', '/issue-panel?issueKey=T-1', env.clock.now());
    const result = await handler(authorizerEvent('GET', '/issue-panel', 'issueKey=T-1', { authorization: `JWT ${token}` }));
    expect(result).toEqual({ isAuthorized: true, context: { clientKey: CLIENT_KEY, accountId: '557058:account' } });
  });

  it('authorizes a request carrying its token in the jwt query parameter', async () => {
    const token = await requestToken('GET', '/issue-panel?issueKey=T-1', env.clock.now());
    const result = await handler(authorizerEvent('GET', '/issue-panel', `issueKey=T-1&jwt=${token}`));
    expect(result.isAuthorized).toBe(true);
  });

  it('denies a token signed for another request', async () => {
    const token = await requestToken('GET', '/issue-panel?issueKey=T-2', env.clock.now());
    const result = await handler(authorizerEvent('GET', '/issue-panel', 'issueKey=T-1', { authorization: `JWT ${token}` }));
    expect(result.isAuthorized).toBe(false);
  });

  it('denies a request without a token', async () => {
    expect((await handler(authorizerEvent('GET', '/issue-panel', ''))).isAuthorized).toBe(false);
  });

  it('logs the diagnosis of a proxy-damaged path, without the token', async () => {
    const token = await requestToken('GET', '/download/file%20name%2B%28v2%29.pdf', env.clock.now());
    const { lines } = await captureStdio(() => handler(authorizerEvent('GET', '/download/file%20name+(v2).pdf', '', { authorization: `JWT ${token}` })));
    const logged = lines.join('\n');
    expect(logged).toContain('apache-mod-proxy/decoded-path');
    expect(logged).not.toContain(token.split('.')[2]);
  });
});
