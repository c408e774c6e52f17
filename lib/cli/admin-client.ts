import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { pinSecret } from '../observe/index.ts';
import { loadConfig } from '../runtime/config.ts';
import { isLoopbackAddress } from '../trust/index.ts';
import {
  AdminApiError,
  InsecureUrlError,
  InvalidUrlError,
  MissingAdminTokenError,
  NotRunningError,
  UnexpectedResponseError,
  UnreachableError,
} from './errors.ts';

export const DEFAULT_URL = 'http://127.0.0.1:3000';
export const ADMIN_TOKEN_FILE = 'admin-token';

export interface AdminClientOptions {
  /** Where Trustline runs, e.g. `http://127.0.0.1:3000`. */
  readonly baseUrl: string;
  /** The bearer token, or where to read it when first needed. */
  readonly token: string | { readonly file: string };
  readonly fetch?: typeof globalThis.fetch;
  /** Per request; the connection test of an integration can take half a minute. Default 60 s. */
  readonly timeoutMs?: number;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

const problemSchema = z.looseObject({ code: z.string(), detail: z.string().optional(), title: z.string().optional() });

/**
 * A small typed client of Trustline's HTTP API for the CLI: admin routes get the bearer token,
 * problem+json answers become AdminApiError (exit 2 for 4xx, 1 for 5xx), and a server that is
 * not there becomes NotRunningError.
 *
 * @example const trust = await AdminClient.fromEnv().get('/admin/trust', z.array(entrySchema));
 */
export class AdminClient {
  readonly baseUrl: string;
  #token: Promise<string> | undefined;

  /** Throws InsecureUrlError, before anything is sent, for plain http to a host other than this machine. */
  constructor(private readonly options: AdminClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    const url = new URL(this.baseUrl);
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (url.protocol === 'http:' && hostname.toLowerCase() !== 'localhost' && !isLoopbackAddress(hostname)) throw new InsecureUrlError(this.baseUrl);
  }

  /** TRUSTLINE_URL (default http://127.0.0.1:3000); the token from TRUSTLINE_ADMIN_TOKEN or `<TRUSTLINE_DATA_DIR>/admin-token`, as the server finds it. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env, options: Pick<AdminClientOptions, 'timeoutMs'> = {}): AdminClient {
    const config = loadConfig(env);
    const baseUrl = z.url({ protocol: /^https?$/ }).safeParse(env.TRUSTLINE_URL ?? DEFAULT_URL);
    if (!baseUrl.success) throw new InvalidUrlError(env.TRUSTLINE_URL ?? '');
    return new AdminClient({ ...options, baseUrl: baseUrl.data, token: config.adminToken ?? { file: path.join(config.dataDir, ADMIN_TOKEN_FILE) } });
  }

  get<T>(path: string, schema?: z.ZodType<T>): Promise<T> {
    return this.request('GET', path, undefined, schema);
  }

  post<T>(path: string, body?: unknown, schema?: z.ZodType<T>): Promise<T> {
    return this.request('POST', path, body, schema);
  }

  patch<T>(path: string, body: unknown, schema?: z.ZodType<T>): Promise<T> {
    return this.request('PATCH', path, body, schema);
  }

  delete<T>(path: string, schema?: z.ZodType<T>): Promise<T> {
    return this.request('DELETE', path, undefined, schema);
  }

  /** One request; `/admin/` paths carry the bearer token. The answer is checked against `schema` when given. */
  async request<T>(method: Method, path: string, body?: unknown, schema?: z.ZodType<T>): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (path.startsWith('/admin/') || path === '/admin') headers.authorization = `Bearer ${await this.token()}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await (this.options.fetch ?? globalThis.fetch)(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
      });
    } catch (error) {
      throw this.networkError(error);
    }
    const text = await response.text();
    const parsed = parseJson(text);
    if (!response.ok) throw this.problemError(response, parsed.value, url);
    if (parsed.error !== undefined) throw new UnexpectedResponseError(this.baseUrl, `the answer to ${method} ${path} is not JSON`, { cause: parsed.error });
    if (schema === undefined) return parsed.value as T;
    const checked = schema.safeParse(parsed.value);
    if (!checked.success)
      throw new UnexpectedResponseError(this.baseUrl, `the answer to ${method} ${path} has another shape than expected`, { cause: checked.error });
    return checked.data;
  }

  private token(): Promise<string> {
    this.#token ??= readToken(this.options.token);
    return this.#token;
  }

  private networkError(error: unknown): Error {
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code === 'ECONNREFUSED') return new NotRunningError(this.baseUrl, { cause: error });
    if ((error as { name?: string }).name === 'TimeoutError') return new UnreachableError(this.baseUrl, 'no answer in time', { cause: error });
    return new UnreachableError(this.baseUrl, cause?.code ?? (error instanceof Error ? error.message : String(error)), { cause: error });
  }

  private problemError(response: Response, parsed: unknown, url: string): Error {
    const problem = problemSchema.safeParse(parsed);
    if (problem.success)
      return new AdminApiError(response.status, problem.data.code, problem.data.detail ?? problem.data.title ?? `HTTP ${response.status}`, problem.data);
    return new AdminApiError(response.status, `HTTP_${response.status}`, `${url} answered HTTP ${response.status} ${response.statusText}`.trim(), {
      status: response.status,
    });
  }
}

export async function readToken(source: AdminClientOptions['token']): Promise<string> {
  if (typeof source === 'string') {
    pinSecret(source);
    return source;
  }
  let text: string;
  try {
    text = await readFile(source.file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new MissingAdminTokenError(source.file);
    throw error;
  }
  const token = text.trim();
  pinSecret(token);
  return token;
}

/** The JSON value of a body; an empty body is undefined (204). */
function parseJson(text: string): { value: unknown; error?: undefined } | { value: undefined; error: unknown } {
  if (text === '') return { value: undefined };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { value: undefined, error };
  }
}
