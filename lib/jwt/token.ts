import { MalformedTokenError } from './errors.ts';

/** Longest token accepted anywhere: Connect tokens are well under 2 KiB, context tokens a little more. */
export const MAX_TOKEN_LENGTH = 8192;

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export interface JwtHeader {
  readonly alg: string;
  readonly kid?: unknown;
  readonly typ?: unknown;
  readonly [name: string]: unknown;
}

export type JwtPayload = Readonly<Record<string, unknown>>;

/** A compact JWS split and decoded, not yet verified. */
export interface DecodedToken {
  readonly header: JwtHeader;
  readonly payload: JwtPayload;
  /** `header.payload`, the bytes the signature covers. */
  readonly signingInput: string;
  /** The signature segment, still base64url. */
  readonly signature: string;
}

/**
 * Splits and decodes a compact JWS without verifying it; throws MalformedTokenError on
 * anything but three base64url segments whose first two are JSON objects.
 */
export function decodeToken(token: unknown): DecodedToken {
  if (typeof token !== 'string' || token === '') throw new MalformedTokenError('it is empty');
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new MalformedTokenError(`it is ${token.length} characters long, more than the ${MAX_TOKEN_LENGTH} accepted`, {
      expected: `at most ${MAX_TOKEN_LENGTH} characters`,
      actual: token.length,
    });
  }
  const first = token.indexOf('.');
  const second = first === -1 ? -1 : token.indexOf('.', first + 1);
  if (second === -1 || token.indexOf('.', second + 1) !== -1) {
    throw new MalformedTokenError('a JWT has exactly three parts separated by dots', { expected: 3, actual: token.split('.').length });
  }
  const headerSegment = token.slice(0, first);
  const payloadSegment = token.slice(first + 1, second);
  const signature = token.slice(second + 1);
  if (!BASE64URL.test(signature)) throw new MalformedTokenError('the signature is not base64url');
  return {
    header: decodeHeader(headerSegment),
    payload: decodeSegment(payloadSegment, 'payload'),
    signingInput: token.slice(0, second),
    signature,
  };
}

/**
 * Decoded headers by segment: a signer sends the same header on every token (Connect's is
 * `{"alg":"HS256","typ":"JWT"}`), so it is decoded once. Frozen, since callers share it; bounded,
 * so headers made up by a caller cannot grow it, and only headers that passed the checks are kept.
 */
const HEADER_CACHE_SIZE = 64;
const headers = new Map<string, JwtHeader>();

function decodeHeader(segment: string): JwtHeader {
  const known = headers.get(segment);
  if (known !== undefined) return known;
  const header = decodeSegment(segment, 'header');
  if (typeof header.alg !== 'string') throw new MalformedTokenError('the header has no "alg"');
  // RFC 7515: a recipient must refuse critical extensions it does not implement, and Trustline implements none.
  if (header.crit !== undefined) throw new MalformedTokenError('the header demands critical extensions ("crit") Trustline does not implement');
  const frozen = Object.freeze(header) as JwtHeader;
  if (headers.size < HEADER_CACHE_SIZE) headers.set(segment, frozen);
  return frozen;
}

/**
 * Reused for decoding segments, which are at most MAX_TOKEN_LENGTH characters (decodeToken checks
 * that first), so decoding never needs a Buffer of its own. Synchronous from write to read.
 */
const segmentBytes = Buffer.alloc(Math.ceil((MAX_TOKEN_LENGTH * 3) / 4));

/** The UTF-8 text a base64url segment (already checked to be base64url) encodes. */
function decodedText(segment: string): string {
  return segmentBytes.toString('utf8', 0, segmentBytes.write(segment, 'base64url'));
}

function decodeSegment(segment: string, part: 'header' | 'payload'): Record<string, unknown> {
  if (segment === '' || !BASE64URL.test(segment)) throw new MalformedTokenError(`the ${part} is not base64url`);
  let value: unknown;
  try {
    value = JSON.parse(decodedText(segment));
  } catch (error) {
    throw new MalformedTokenError(`the ${part} is not JSON`, {}, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MalformedTokenError(`the ${part} is not a JSON object`);
  return value as Record<string, unknown>;
}
