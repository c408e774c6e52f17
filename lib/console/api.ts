import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as z from 'zod';
import { HttpProblem } from '../http/index.ts';
import type { VerifyDocument } from '../jwt/index.ts';
import { BadConsoleRequestError, NoConsoleRouteError } from './errors.ts';
import { readJsonBody, send, sendJson } from './http.ts';
import { computeQsh, debugJwt, jwtDebugInput, qshInput } from './jwt-debug.ts';
import { anchorFromHost, exportFromUpstream, fetchInput, previewCertificates, previewInput } from './trust-routes.ts';
import { presetFor } from '../oauth/presets/index.ts';
import type { Upstream } from './upstream.ts';

const PROXIED_METHODS = new Set(['GET', 'POST', 'PATCH', 'DELETE']);

/**
 * The console's API, reached only with a session and from the console's own origin (server.ts):
 * `/api/admin/...` is the admin API, forwarded with the credentials only this server holds;
 * `/api/jwt/...` runs the JWT debugger here, so a pasted token or secret goes nowhere else.
 */
export async function handleApi(upstream: Upstream, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const method = req.method ?? 'GET';
  const path = url.pathname;
  if (path === '/api/session' && method === 'GET') {
    sendJson(res, 200, { signedIn: true, trustlineUrl: upstream.baseUrl, auth: upstream.auth });
    return;
  }
  if (path === '/api/jwt/debug' && method === 'POST') {
    const input = parse(jwtDebugInput, await readJsonBody(req));
    sendJson(res, 200, await debugJwt(input, (given) => validateUpstream(upstream, given)));
    return;
  }
  if (path === '/api/jwt/qsh' && method === 'POST') {
    const input = parse(qshInput, await readJsonBody(req));
    try {
      sendJson(res, 200, computeQsh(input));
    } catch (error) {
      throw new BadConsoleRequestError(`No canonical request for that URL: ${(error as Error).message}`);
    }
    return;
  }
  if (path === '/api/presets' && method === 'GET') {
    // Microsoft's endpoints hold the tenant: the page puts it where `{tenant}` is.
    sendJson(res, 200, { google: presetFor('google').resolve({}), microsoft: presetFor('microsoft').resolve({ tenant: '{tenant}' }) });
    return;
  }
  if (path === '/api/trust/preview' && method === 'POST') {
    sendJson(res, 200, previewCertificates(parse(previewInput, await readJsonBody(req)).pem));
    return;
  }
  if (path === '/api/trust/fetch' && method === 'POST') {
    sendJson(res, 200, await anchorFromHost(upstream, parse(fetchInput, await readJsonBody(req))));
    return;
  }
  if (path === '/api/trust/export' && method === 'GET') {
    const file = await exportFromUpstream(upstream, url.searchParams.get('format') ?? 'pem');
    send(res, 200, file.contentType, file.body, { 'content-disposition': `attachment; filename="${file.fileName}"` });
    return;
  }
  const adminPath = path.slice('/api'.length);
  if (adminPath.startsWith('/admin/') && PROXIED_METHODS.has(method) && !adminPath.split('/').some((segment) => segment === '..' || segment === '.')) {
    const body = await readJsonBody(req);
    const answer = await upstream.send({ method, path: `${adminPath}${url.search}`, body });
    send(res, answer.status, answer.contentType, answer.body);
    return;
  }
  throw new NoConsoleRouteError(path);
}

/** Without a shared secret: the admin API checks the token against the installed Connect apps. */
async function validateUpstream(upstream: Upstream, input: { token: string; method: string; url: string }): Promise<VerifyDocument> {
  const answer = await upstream.send({
    method: 'POST',
    path: '/jwt/validate',
    body: Buffer.from(JSON.stringify({ token: input.token, method: input.method, url: input.url })),
  });
  const document = JSON.parse(answer.body.toString('utf8') || '{}') as VerifyDocument & { detail?: string; code?: string };
  if (answer.status !== 200)
    throw new HttpProblem(answer.status, document.code ?? 'UPSTREAM_REFUSED', document.detail ?? `The admin API answered HTTP ${answer.status}.`);
  return document;
}

function parse<T>(schema: z.ZodType<T>, body: Buffer | undefined): T {
  let value: unknown;
  try {
    value = JSON.parse(body?.toString('utf8') ?? '');
  } catch {
    throw new BadConsoleRequestError('The request body is not JSON.');
  }
  const checked = schema.safeParse(value);
  if (!checked.success) throw new BadConsoleRequestError(checked.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '));
  return checked.data;
}
