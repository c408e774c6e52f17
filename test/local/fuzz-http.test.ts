import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as lifecycle } from '../../functions/connect-lifecycle/handler.ts';
import { handler as validate } from '../../functions/jwt-validate/handler.ts';
import { manifest } from '../../functions/manifest.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import { loadConfig } from '../../lib/runtime/config.ts';
import { apiEvent } from '../support/api-event.ts';
import { closedPort } from '../support/tls/servers.ts';
import { rawHttp } from '../support/raw-http.ts';
import { captureStdio } from '../support/stdio.ts';

/**
 * Fuzzing through the local runtime with the real manifest and the embedded stores, loopback only.
 * Counts are chosen to keep the file well within a minute on a loaded two-core machine: the HTTP
 * layer is fuzzed through real requests, the token checks (where the volume is) through the
 * handlers the runtime invokes, on inputs drawn once before the loop.
 */
const HTTP_REQUESTS = 800;
const HTTP_TOKENS = 800;
/** Split evenly between /jwt/validate and the lifecycle handler. */
const HANDLER_TOKENS = 100_000;
/** Sizes of the pools the handler inputs are recombined from (handlerInputs). */
const SEGMENT_POOL = 4_000;
const BODY_POOL = 1_000;
/** A request that takes longer than this counts as hung. */
const REQUEST_DEADLINE_MS = 10_000;

const adminToken = randomBytes(24).toString('base64url');
const clientSecret = `fuzz-client-secret-${randomBytes(12).toString('hex')}`;
let rt: LocalRuntime;
let dataDir: string;
let output = '';

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'trustline-fuzz-'));
  // Key fetches go to a closed loopback port: nothing leaves the machine.
  const keys = `https://127.0.0.1:${String(await closedPort())}`;
  const config = { ...loadConfig({ TRUSTLINE_DATA_DIR: dataDir, TRUSTLINE_CONNECT_INSTALL_KEYS_URL: keys }), adminToken };
  rt = await startLocalRuntime({ port: 0, config, manifest, shutdownGraceMs: 1000 });
  const created = await rawHttp(rt.url, {
    method: 'POST',
    path: '/admin/integrations',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ provider: 'google', name: 'Fuzzed mailbox', clientId: 'fuzz-client', clientSecret }),
  });
  expect(created.status).toBe(201);
});
afterAll(async () => {
  await rt.close();
  await rm(dataDir, { recursive: true, force: true });
});

const routes = manifest.flatMap((fn) => fn.http ?? []);
const segment = fc.oneof(
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.constantFrom('..', '%2e%2e', '%00', '%2F', '%ff', 'a%', '~', '', 'x'.repeat(300), '00000000-0000-0000-0000-000000000000'),
);
/** A route of the manifest with its parameters filled at random, or a path near one. */
const requestPath = fc.oneof(
  fc.tuple(fc.constantFrom(...routes), fc.array(segment, { minLength: 3, maxLength: 3 })).map(([route, values]) => {
    let i = 0;
    return route.path.replace(/\{[^}]+\}/g, () => values[i++ % values.length] ?? '');
  }),
  fc.tuple(fc.constantFrom(...routes), segment).map(([route, extra]) => `${route.path.replace(/\{[^}]+\}/g, 'x')}/${extra}`),
  fc.tuple(fc.constantFrom(...routes), fc.string({ maxLength: 60 })).map(([route, query]) => `${route.path.replace(/\{[^}]+\}/g, 'x')}?${encodeURI(query)}`),
);
const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND');
const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=latin1',
  'multipart/form-data; boundary=x',
);
const authorization = fc.constantFrom(undefined, `Bearer ${adminToken}`, 'Bearer wrong', 'JWT a.b.c', 'Basic Og==', '');
const body = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  fc.constantFrom(
    '{',
    '[]',
    'null',
    '{"provider":"custom","tokenEndpoint":"not a url"}',
    '{"pem":"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----"}',
    'x'.repeat(70_000),
  ),
);

/** One request with a deadline: a hung request fails the property. */
async function send(options: Parameters<typeof rawHttp>[1]) {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${String(REQUEST_DEADLINE_MS)} ms: ${options.method ?? 'GET'} ${options.path}`));
    }, REQUEST_DEADLINE_MS);
  });
  try {
    return await Promise.race([rawHttp(rt.url, options), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const jsonish = fc.oneof(
  fc.json({ maxDepth: 2 }),
  fc.constantFrom(
    '{"alg":"RS256","kid":"k/1"}',
    '{"alg":"HS256"}',
    '{"alg":"none"}',
    '{"__proto__":{"alg":"RS256"}}',
    '{"iss":{"toString":1}}',
    '{"exp":"9999999999"}',
    '{',
  ),
);
const tokenSegment = fc.oneof(jsonish.map(b64), fc.string({ maxLength: 40 }), fc.constantFrom('', '====', 'e30', '%%%'));
const token = fc.oneof(
  fc.tuple(tokenSegment, tokenSegment, tokenSegment).map((parts) => parts.join('.')),
  fc.string({ maxLength: 80 }),
  fc.constantFrom('.', '..', 'a.b.c.d'),
);
const lifecycleBody = fc.record({
  key: fc.string({ maxLength: 20 }),
  clientKey: fc.oneof(fc.uuid(), fc.string({ maxLength: 200 })),
  sharedSecret: fc.string({ maxLength: 64 }),
  baseUrl: fc.constantFrom('https://example.atlassian.net', 'not a url', 'http://127.0.0.1'),
  eventType: fc.constantFrom('installed', 'uninstalled', 'other'),
});

/**
 * The handler-level inputs: fast-check draws pools of token segments, whole tokens and lifecycle
 * bodies once, and each input recombines them (three segments, or a whole token) and may mutate one
 * character. Drawing every input from fast-check would cost more than checking it, and the
 * recombination still makes nearly every token new.
 */
function handlerInputs(count: number): { token: string; body: string }[] {
  const segments = [...new Set(fc.sample(tokenSegment, SEGMENT_POOL))];
  const tokens = [...new Set(fc.sample(token, SEGMENT_POOL))];
  const bodies = fc.sample(lifecycleBody, BODY_POOL).map((payload) => JSON.stringify(payload));
  const pick = <T>(pool: readonly T[]): T => pool[randomInt(pool.length)] as T;
  const mutate = (text: string): string => {
    const at = randomInt(text.length + 1);
    return `${text.slice(0, at)}${pick(MUTATIONS)}${text.slice(at + randomInt(2))}`;
  };
  return Array.from({ length: count }, () => {
    // A whole token from the pool is always mutated, so that it is not replayed as drawn.
    const jwt = randomInt(8) === 0 ? mutate(pick(tokens)) : `${pick(segments)}.${pick(segments)}.${pick(segments)}`;
    return { token: randomInt(4) === 0 ? mutate(jwt) : jwt, body: pick(bodies) };
  });
}
/** Characters a mutation inserts or substitutes: separators, padding, escapes, a NUL, a lone surrogate. */
const MUTATIONS = ['.', '=', '%', '+', '/', '-', '_', '\u0000', '\ud800', ' ', '"', 'A'];

/** The status of a handler's answer (the local runtime answers 500 when a handler throws). */
async function statusOf(run: () => Promise<unknown>): Promise<{ status: number; body: string }> {
  try {
    const result = (await run()) as { statusCode?: number; body?: string };
    return { status: result.statusCode ?? 200, body: result.body ?? '' };
  } catch {
    return { status: 500, body: '' };
  }
}

describe('fuzzing the HTTP surface', () => {
  it(`answers ${String(HTTP_REQUESTS)} random requests to every manifest route without a 5xx, a hang or a secret in the log`, async () => {
    const failures: string[] = [];
    const printed = await captureStdio(() =>
      fc.assert(
        fc.asyncProperty(method, requestPath, contentType, authorization, body, async (verb, target, type, auth, payload) => {
          const headers: Record<string, string> = {};
          if (type !== undefined) headers['content-type'] = type;
          if (auth !== undefined) headers.authorization = auth;
          const res = await send({
            method: verb,
            path: target,
            headers,
            ...(payload === undefined || verb === 'GET' || verb === 'HEAD' ? {} : { body: payload }),
          });
          if (res.status >= 500) failures.push(`${verb} ${target} -> ${String(res.status)} ${res.body.toString('utf8').slice(0, 200)}`);
        }),
        { numRuns: HTTP_REQUESTS },
      ),
    );
    output += printed.stdout + printed.stderr;
    expect(failures).toEqual([]);
    expect(output).not.toContain(adminToken);
    expect(output).not.toContain(clientSecret);
  });

  it(`answers ${String(HTTP_TOKENS)} fuzzed tokens on /jwt/validate and the lifecycle routes: never valid, never 5xx`, async () => {
    const failures: string[] = [];
    const printed = await captureStdio(() =>
      fc.assert(
        fc.asyncProperty(token, lifecycleBody, fc.constantFrom('/jwt/validate', '/connect/installed', '/connect/uninstalled'), async (jwt, payload, target) => {
          const admin = target === '/jwt/validate';
          const res = await send({
            method: 'POST',
            path: target,
            headers: { 'content-type': 'application/json', ...(admin ? { authorization: `Bearer ${adminToken}` } : { authorization: `JWT ${jwt}` }) },
            body: JSON.stringify(admin ? { token: jwt, method: 'GET', url: '/issue-panel?x=1' } : payload),
          });
          if (res.status >= 500 && res.status !== 503) failures.push(`${target} -> ${String(res.status)}`);
          if (admin && res.status === 200 && (res.json() as { valid?: boolean }).valid !== false) failures.push(`${target} answered valid for ${jwt}`);
          if (!admin && res.status < 300) failures.push(`${target} accepted ${jwt}`);
        }),
        { numRuns: HTTP_TOKENS },
      ),
    );
    output += printed.stdout + printed.stderr;
    expect(failures).toEqual([]);
    expect(output).not.toContain(adminToken);
  });

  it.each([
    ['/jwt/validate', true],
    ['/connect/installed', false],
  ] as const)(
    `checks ${(HANDLER_TOKENS / 2).toLocaleString('en')} fuzzed tokens through the %s handler: 0 unhandled errors, 0 valid`,
    async (_route, toValidate) => {
      const inputs = handlerInputs(HANDLER_TOKENS / 2);
      const distinct = new Set(inputs.map((input) => input.token)).size;
      const unhandled: string[] = [];
      const valid: string[] = [];
      const printed = await captureStdio(async () => {
        for (const { token: jwt, body: lifecycleJson } of inputs) {
          const answer = toValidate
            ? await statusOf(() => validate(apiEvent('POST /jwt/validate', { body: JSON.stringify({ token: jwt, method: 'GET', url: '/issue-panel?x=1' }) })))
            : await statusOf(() =>
                lifecycle(
                  apiEvent('POST /connect/installed', { headers: { 'content-type': 'application/json', authorization: `JWT ${jwt}` }, body: lifecycleJson }),
                ),
              );
          if (answer.status >= 500 && answer.status !== 503) unhandled.push(jwt);
          if (toValidate ? answer.status === 200 && (JSON.parse(answer.body) as { valid?: boolean }).valid !== false : answer.status < 300) valid.push(jwt);
        }
      });
      expect(inputs).toHaveLength(HANDLER_TOKENS / 2);
      // Fuzzed, not repeated: the recombinations are new tokens, not a few thousand replayed.
      expect(distinct).toBeGreaterThan(inputs.length * 0.95);
      expect({ unhandled: unhandled.slice(0, 5), valid: valid.slice(0, 5) }).toEqual({ unhandled: [], valid: [] });
      expect(printed.stdout + printed.stderr).not.toContain(adminToken);
    },
  );
});
