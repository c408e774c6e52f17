import path from 'node:path';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { ADMIN_TOKEN_FILE, DEFAULT_URL, readToken } from '../cli/admin-client.ts';
import { loadConfig } from '../runtime/config.ts';
import { UpstreamError } from './errors.ts';

export interface UpstreamRequest {
  readonly method: string;
  /** Path and query on the admin API, e.g. `/admin/integrations`. */
  readonly path: string;
  readonly body?: Buffer | undefined;
}

export interface UpstreamResponse {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: Buffer;
}

/** Trustline's admin API as the console server reaches it: the credentials stay on this side. */
export interface Upstream {
  readonly baseUrl: string;
  /** `bearer`: the local runtime's admin token; `sigv4`: a deployment's IAM-authorized HTTP API. */
  readonly auth: 'bearer' | 'sigv4';
  send(request: UpstreamRequest): Promise<UpstreamResponse>;
}

type Fetch = typeof globalThis.fetch;
/** The connection test of an integration can take half a minute. */
const TIMEOUT_MS = 60_000;

/** Locally: `Authorization: Bearer <admin token>`, the token read as the CLI reads it. */
export function bearerUpstream(baseUrl: string, token: string | { readonly file: string }, fetch: Fetch = globalThis.fetch): Upstream {
  let loaded: Promise<string> | undefined;
  return {
    baseUrl,
    auth: 'bearer',
    async send(request) {
      loaded ??= readToken(token);
      const headers: Record<string, string> = { authorization: `Bearer ${await loaded}`, accept: 'application/json, application/problem+json' };
      if (request.body !== undefined) headers['content-type'] = 'application/json';
      return exchange(fetch, baseUrl, request, headers);
    },
  };
}

export interface SigV4Options {
  readonly region: string;
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  readonly fetch?: Fetch;
}

/**
 * Against a deployment: every request signed with SigV4 for `execute-api`, from the standard AWS
 * credential chain unless credentials are given. IAM stays the only admin authentication.
 */
export function sigV4Upstream(baseUrl: string, options: SigV4Options): Upstream {
  const signer = new SignatureV4({
    credentials: options.credentials ?? defaultProvider(),
    region: options.region,
    service: 'execute-api',
    sha256: Hash.bind(null, 'sha256'),
  });
  return {
    baseUrl,
    auth: 'sigv4',
    async send(request) {
      const url = target(baseUrl, request.path);
      const headers: Record<string, string> = { host: url.host, accept: 'application/json, application/problem+json' };
      if (request.body !== undefined) headers['content-type'] = 'application/json';
      let signed;
      try {
        signed = await signer.sign({
          method: request.method,
          protocol: url.protocol,
          hostname: url.hostname,
          ...(url.port === '' ? {} : { port: Number(url.port) }),
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers,
          ...(request.body === undefined ? {} : { body: request.body }),
        });
      } catch (error) {
        throw new UpstreamError(baseUrl, 'no AWS credentials were found (set AWS_PROFILE or sign in with `aws sso login`)', { cause: error });
      }
      // fetch sets Host itself from the URL, the same value that was signed.
      const { host: _host, ...sent } = signed.headers;
      return exchange(options.fetch ?? globalThis.fetch, baseUrl, request, sent);
    },
  };
}

/**
 * TRUSTLINE_URL (default http://127.0.0.1:3000): a loopback URL is the local runtime (bearer
 * token); anything else is a deployment's ApiUrl (SigV4, region from the execute-api host name or
 * AWS_REGION).
 */
export function upstreamFromEnv(env: NodeJS.ProcessEnv = process.env): Upstream {
  const baseUrl = (env.TRUSTLINE_URL ?? DEFAULT_URL).replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (error) {
    throw new UpstreamError(baseUrl, 'TRUSTLINE_URL is not a URL', { cause: error });
  }
  if (isLoopback(url.hostname)) {
    const config = loadConfig(env);
    return bearerUpstream(baseUrl, config.adminToken ?? { file: path.join(config.dataDir, ADMIN_TOKEN_FILE) });
  }
  const region = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.hostname)?.[1] ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region === undefined) throw new UpstreamError(baseUrl, 'the AWS region is unknown (set AWS_REGION)');
  return sigV4Upstream(baseUrl, { region });
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function target(baseUrl: string, requestPath: string): URL {
  return new URL(`${baseUrl}${requestPath}`);
}

async function exchange(fetch: Fetch, baseUrl: string, request: UpstreamRequest, headers: Record<string, string>): Promise<UpstreamResponse> {
  let response: Response;
  try {
    response = await fetch(target(baseUrl, request.path), {
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    const reason =
      cause?.code === 'ECONNREFUSED'
        ? 'nothing listens there'
        : (error as { name?: string }).name === 'TimeoutError'
          ? 'no answer in time'
          : (cause?.code ?? 'the request failed');
    throw new UpstreamError(baseUrl, reason, { cause: error });
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? undefined, body: Buffer.from(await response.arrayBuffer()) };
}
