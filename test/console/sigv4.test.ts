import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sigV4Upstream, upstreamFromEnv } from '../../lib/console/index.ts';
import { fakeCredentials, testRegion } from '../support/aws-test-credentials.ts';
import { closeServer } from '../support/close-server.ts';

interface Verdict {
  readonly valid: boolean;
  readonly reason?: string;
  readonly accessKeyId?: string;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * An independent SigV4 check, written from the AWS specification ("Create a signed AWS API
 * request") with node:crypto only, as API Gateway's IAM authorizer would make it.
 */
function verify(req: IncomingMessage, body: Buffer, secrets: Readonly<Record<string, string>>, region: string): Verdict {
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
    req.headers.authorization ?? '',
  );
  if (match === null) return { valid: false, reason: 'no SigV4 Authorization header' };
  const [, accessKeyId = '', day = '', scopeRegion, service, signedHeaders = '', signature] = match;
  if (scopeRegion !== region || service !== 'execute-api') return { valid: false, reason: `scope ${scopeRegion ?? ''}/${service ?? ''}` };
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  if (!amzDate.startsWith(day)) return { valid: false, reason: 'x-amz-date outside the credential scope' };
  const url = new URL(req.url ?? '/', 'http://verifier');
  const query = [...url.searchParams]
    .map(([key, value]) => [encodeURIComponent(key), encodeURIComponent(value)] as const)
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const headers = signedHeaders.split(';');
  const canonicalHeaders = headers
    .map(
      (name) =>
        `${name}:${String(req.headers[name] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const path = url.pathname
    .split('/')
    .map((segment) => encodeURIComponent(decodeURIComponent(segment)))
    .join('/');
  const canonical = [req.method, path, query, canonicalHeaders, signedHeaders, sha256(body)].join('\n');
  const scope = `${day}/${region}/execute-api/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const secret = secrets[accessKeyId];
  if (secret === undefined) return { valid: false, reason: `unknown access key ${accessKeyId}` };
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), 'execute-api'), 'aws4_request');
  if (!headers.includes('host')) return { valid: false, reason: 'Host is not signed' };
  return hmac(key, stringToSign).toString('hex') === signature ? { valid: true, accessKeyId } : { valid: false, reason: 'signature mismatch' };
}

describe('SigV4 against a deployment', () => {
  let server: Server;
  let url: string;
  const verdicts: Verdict[] = [];
  const secrets = { [fakeCredentials.accessKeyId]: fakeCredentials.secretAccessKey };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const verdict = verify(req, Buffer.concat(chunks), secrets, testRegion);
        verdicts.push(verdict);
        res.writeHead(verdict.valid ? 200 : 403, { 'content-type': 'application/json' }).end(JSON.stringify(verdict));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => closeServer(server));

  it('signs a GET with a query so that the loopback verifier accepts it', async () => {
    const upstream = sigV4Upstream(url, { region: testRegion, credentials: fakeCredentials });
    const answer = await upstream.send({ method: 'GET', path: '/admin/integrations?b=2&a=1' });
    expect(JSON.parse(answer.body.toString())).toEqual({ valid: true, accessKeyId: fakeCredentials.accessKeyId });
    expect(answer.status).toBe(200);
  });

  it('signs a JSON body', async () => {
    const upstream = sigV4Upstream(url, { region: testRegion, credentials: fakeCredentials });
    const answer = await upstream.send({ method: 'POST', path: '/admin/trust', body: Buffer.from('{"pem":"-----BEGIN CERTIFICATE-----"}') });
    expect(answer.status).toBe(200);
  });

  it('the verifier refuses a request signed with another secret (it can tell)', async () => {
    const upstream = sigV4Upstream(url, { region: testRegion, credentials: { accessKeyId: fakeCredentials.accessKeyId, secretAccessKey: 'not-the-secret' } });
    const answer = await upstream.send({ method: 'GET', path: '/admin/trust' });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body.toString())).toMatchObject({ valid: false, reason: 'signature mismatch' });
  });

  it('takes credentials from the standard AWS chain (here the environment) when none are given', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = fakeCredentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = fakeCredentials.secretAccessKey;
    try {
      const answer = await sigV4Upstream(url, { region: testRegion }).send({ method: 'GET', path: '/admin/endpoints' });
      expect(answer.status).toBe(200);
    } finally {
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      else process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
  });
});

describe('which authentication TRUSTLINE_URL gets', () => {
  it('a loopback URL is the local runtime: the bearer token', () => {
    expect(upstreamFromEnv({ TRUSTLINE_URL: 'http://127.0.0.1:3000', TRUSTLINE_ADMIN_TOKEN: 'x'.repeat(32) }).auth).toBe('bearer');
    expect(upstreamFromEnv({ TRUSTLINE_ADMIN_TOKEN: 'x'.repeat(32) }).baseUrl).toBe('http://127.0.0.1:3000');
  });

  it("a deployment's ApiUrl is signed with SigV4 for the region in its host name", () => {
    const upstream = upstreamFromEnv({ TRUSTLINE_URL: 'https://abc123.execute-api.eu-west-1.amazonaws.com/' });
    expect(upstream.auth).toBe('sigv4');
    expect(upstream.baseUrl).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com');
  });

  it('a custom domain needs AWS_REGION', () => {
    expect(() => upstreamFromEnv({ TRUSTLINE_URL: 'https://trustline.example.com' })).toThrow(/AWS_REGION/);
    expect(upstreamFromEnv({ TRUSTLINE_URL: 'https://trustline.example.com', AWS_REGION: 'us-east-2' }).auth).toBe('sigv4');
  });
});
