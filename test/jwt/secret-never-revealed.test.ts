import { inspect } from 'node:util';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler as authorizer } from '../../functions/jwt-authorizer/handler.ts';
import { handler as lifecycle } from '../../functions/connect-lifecycle/handler.ts';
import { handler as validate } from '../../functions/jwt-validate/handler.ts';
import { createConnectVerifier } from '../../lib/jwt/connect-verifier.ts';
import { toVerifyDocument } from '../../lib/jwt/verify-document.ts';
import { apiEvent } from '../support/api-event.ts';
import { captureStdio } from '../support/stdio.ts';
import { runCli } from '../cli/run-cli.ts';
import { installTestSite } from './support/services.ts';
import { CLIENT_KEY, requestToken, SHARED_SECRET } from './support/tokens.ts';

const URL_SIGNED = '/download/file%20name%2B%28v2%29.pdf';
const URL_RECEIVED = '/download/file%20name+(v2).pdf';

/** Every way a token can fail (and succeed) for a verifier holding SHARED_SECRET. */
async function scenarios(nowMs: number): Promise<{ token: string; url: string }[]> {
  return [
    { token: await requestToken('GET', URL_SIGNED, nowMs), url: URL_SIGNED },
    { token: await requestToken('GET', URL_SIGNED, nowMs), url: URL_RECEIVED },
    { token: await requestToken('GET', URL_SIGNED, nowMs - 3600_000), url: URL_SIGNED },
    { token: await requestToken('GET', URL_SIGNED, nowMs, {}, `${SHARED_SECRET}-other`), url: URL_SIGNED },
    { token: await requestToken('GET', URL_SIGNED, nowMs, { iss: 'unknown-client' }), url: URL_SIGNED },
    { token: await requestToken('GET', URL_SIGNED, nowMs, { qsh: undefined }), url: URL_SIGNED },
    { token: 'eyJhbGciOiJub25lIn0.e30.', url: URL_SIGNED },
    { token: 'garbage', url: URL_SIGNED },
  ];
}

function expectNoSecret(text: string): void {
  expect(text).not.toContain(SHARED_SECRET);
  expect(text).not.toContain(Buffer.from(SHARED_SECRET).toString('base64url'));
}

let env: Awaited<ReturnType<typeof installTestSite>>;
beforeEach(async () => {
  env = await installTestSite();
});
afterEach(() => env.cleanup());

describe('the shared secret never leaves the secret store', () => {
  it('is in no verification result, error, error cause or verify document', async () => {
    const verifier = createConnectVerifier({ secretFor: () => Promise.resolve(SHARED_SECRET), clock: env.clock });
    for (const { token, url } of await scenarios(env.clock.now())) {
      const result = await verifier.verify(token, { method: 'GET', url });
      expectNoSecret(inspect(result, { depth: 10, showHidden: true }));
      expectNoSecret(JSON.stringify(toVerifyDocument(result)));
    }
  });

  it('is in no answer or log line of POST /jwt/validate', async () => {
    const { lines } = await captureStdio(async () => {
      for (const { token, url } of await scenarios(env.clock.now())) {
        const result = await validate(apiEvent('POST /jwt/validate', { body: JSON.stringify({ token, method: 'GET', url }) }));
        expectNoSecret(JSON.stringify(result));
      }
    });
    expectNoSecret(lines.join('\n'));
  });

  it('is in no decision or log line of the authorizer, and neither is the token', async () => {
    const tokens: string[] = [];
    const { lines } = await captureStdio(async () => {
      for (const { token, url } of await scenarios(env.clock.now())) {
        tokens.push(token);
        const event = {
          rawPath: url,
          rawQueryString: '',
          routeKey: 'GET /{proxy+}',
          headers: { authorization: `JWT ${token}` },
          requestContext: { http: { method: 'GET' } },
        };
        expectNoSecret(JSON.stringify(await authorizer(event as unknown as APIGatewayRequestAuthorizerEventV2)));
      }
    });
    const logged = lines.join('\n');
    expectNoSecret(logged);
    for (const signature of tokens.map((t) => t.split('.')[2] ?? '').filter((sig) => sig.length > 10)) expect(logged).not.toContain(signature);
  });

  it('is in no answer or log line of a refused install, even though the body carries it', async () => {
    const { lines } = await captureStdio(async () => {
      const body = JSON.stringify({
        key: 'k',
        clientKey: CLIENT_KEY,
        sharedSecret: SHARED_SECRET,
        baseUrl: 'https://example.atlassian.net',
        eventType: 'installed',
      });
      const result = await lifecycle(apiEvent('POST /connect/installed', { headers: { authorization: 'JWT eyJhbGciOiJIUzI1NiJ9.e30.x' }, body }));
      expect(result.statusCode).toBe(401);
      expectNoSecret(JSON.stringify(result));
    });
    expectNoSecret(lines.join('\n'));
  });

  it('is in no output of the CLI, given on the command line or not', async () => {
    const [valid, mismatch, forged] = await scenarios(Date.now());
    for (const [{ token, url }, json] of [
      [valid!, []],
      [mismatch!, ['--json']],
      [forged!, []],
    ] as const) {
      const run = await runCli(['jwt', 'verify', '--token', token, '--method', 'GET', '--url', url, '--secret', SHARED_SECRET, ...json]);
      expectNoSecret(run.stdout + run.stderr);
    }
  });
});
