import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** What the server read off the wire, before any interpretation. */
export interface WireRequest {
  readonly method: string;
  /** The request-target exactly as received (`req.url`). */
  readonly target: string;
  /** Node's `rawHeaders`: names and values alternating, repeats kept, case as sent. */
  readonly rawHeaders: readonly string[];
  readonly httpVersion: string;
  readonly remoteAddress: string | undefined;
  readonly body: Buffer | undefined;
}

/** The request-target split into API Gateway's rawPath and rawQueryString, neither decoded nor normalised. */
export function splitTarget(target: string): { rawPath: string; rawQueryString: string } {
  // Absolute-form (`GET http://host/path`, proxies) carries the authority first.
  const originForm = /^https?:\/\//i.test(target) ? target.replace(/^https?:\/\/[^/?#]*/i, '') || '/' : target;
  const q = originForm.indexOf('?');
  return q === -1 ? { rawPath: originForm, rawQueryString: '' } : { rawPath: originForm.slice(0, q), rawQueryString: originForm.slice(q + 1) };
}

/**
 * The API Gateway HTTP API (payload 2.0) event for a request: rawPath and rawQueryString as
 * received; headers lower-cased with repeats comma-joined; cookies in their own array (not
 * in headers); queryStringParameters and pathParameters decoded; the body as text for text
 * content types and base64 otherwise.
 */
export function toApiGatewayEvent(
  request: WireRequest,
  route: { routeKey: string; pathParameters: Record<string, string> | undefined },
  now: Date,
): APIGatewayProxyEventV2 {
  const { rawPath, rawQueryString } = splitTarget(request.target);
  const { headers, cookies } = collectHeaders(request.rawHeaders);
  const domainName = headers.host ?? '127.0.0.1';
  const queryStringParameters = parseQuery(rawQueryString);
  const body = encodeBody(request.body, headers['content-type']);
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(queryStringParameters === undefined ? {} : { queryStringParameters }),
    ...(route.pathParameters === undefined ? {} : { pathParameters: route.pathParameters }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: request.method,
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: (request.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomBytes(12).toString('base64url'),
      routeKey: route.routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    ...body,
  };
}

function collectHeaders(rawHeaders: readonly string[]): { headers: Record<string, string>; cookies: string[] } {
  const headers = new Map<string, string>();
  const cookies: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    const value = rawHeaders[i + 1] ?? '';
    if (name === 'cookie')
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter((c) => c !== ''),
      );
    else appendJoined(headers, name, value);
  }
  return { headers: Object.fromEntries(headers), cookies };
}

/** API Gateway decodes names and values (`+` stays `+`) and comma-joins repeated names. */
function parseQuery(rawQueryString: string): Record<string, string> | undefined {
  const params = new Map<string, string>();
  for (const pair of rawQueryString.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    appendJoined(params, decode(eq === -1 ? pair : pair.slice(0, eq)), eq === -1 ? '' : decode(pair.slice(eq + 1)));
  }
  return params.size === 0 ? undefined : Object.fromEntries(params);
}

/** Repeated headers and query parameters arrive comma-joined in payload 2.0. */
function appendJoined(into: Map<string, string>, name: string, value: string): void {
  const prior = into.get(name);
  into.set(name, prior === undefined ? value : `${prior},${value}`);
}

const TEXT_TYPES = /^(text\/[^;]+|application\/(json|[^;]+\+json|xml|[^;]+\+xml|javascript))\s*(;|$)/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function encodeBody(body: Buffer | undefined, contentType: string | undefined): Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'> {
  if (body === undefined || body.length === 0) return { isBase64Encoded: false };
  if (contentType !== undefined && TEXT_TYPES.test(contentType.trim())) {
    try {
      return { body: utf8.decode(body), isBase64Encoded: false };
    } catch {
      // Not UTF-8 after all: hand it over as bytes.
    }
  }
  return { body: body.toString('base64'), isBase64Encoded: true };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** API Gateway's `time`: `22/Nov/2026:09:15:02 +0000`. */
function clfTime(date: Date): string {
  // toUTCString(): "Sun, 22 Nov 2026 09:15:02 GMT"
  const [, day = '', month = '', year = '', time = ''] = date.toUTCString().split(' ');
  return `${day}/${month}/${year}:${time} +0000`;
}
