import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { compactVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { hs256SignatureMatches } from '../../lib/jwt/hs256.ts';
import { decodeToken } from '../../lib/jwt/token.ts';

/**
 * The hand-written HS256 check against jose's compactVerify on valid and tampered tokens. The
 * allowed differences are non-canonical encodings of the right signature: a last character
 * with non-zero spare bits, or `=` padding (RFC 7515 forbids it). jose decodes both to the right
 * bytes and accepts; ours compares the canonical text and refuses, so no token has two spellings.
 */

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const sign = (input: string, secret: string) => createHmac('sha256', secret).update(input).digest('base64url');

type Mutation =
  | { kind: 'none' }
  | { kind: 'flip'; part: 0 | 1 | 2; at: number }
  | { kind: 'wrong-secret' }
  | { kind: 'alg'; alg: string }
  | { kind: 'spare-bits'; bits: number }
  | { kind: 'truncate'; by: number }
  | { kind: 'pad' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.record({ kind: fc.constant('flip' as const), part: fc.constantFrom(0 as const, 1 as const, 2 as const), at: fc.nat() }),
  fc.constant({ kind: 'wrong-secret' as const }),
  fc.record({ kind: fc.constant('alg' as const), alg: fc.constantFrom('none', 'HS384', 'HS512', 'RS256', 'hs256') }),
  fc.record({ kind: fc.constant('spare-bits' as const), bits: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('truncate' as const), by: fc.integer({ min: 1, max: 4 }) }),
  fc.constant({ kind: 'pad' as const }),
);

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function makeToken(secret: string, claims: Record<string, unknown>, m: Mutation): string {
  const header = { alg: m.kind === 'alg' ? m.alg : 'HS256', typ: 'JWT' };
  const input = `${b64(header)}.${b64(claims)}`;
  let signature = sign(input, m.kind === 'wrong-secret' ? `${secret}x` : secret);
  const parts = [b64(header), b64(claims), signature];
  if (m.kind === 'flip') {
    const target = parts[m.part]!;
    const i = m.at % target.length;
    const swapped = alphabet[(alphabet.indexOf(target[i]!) + 1) % alphabet.length]!;
    parts[m.part] = target.slice(0, i) + swapped + target.slice(i + 1);
  }
  signature = parts[2]!;
  if (m.kind === 'spare-bits') {
    const last = alphabet.indexOf(signature.at(-1)!);
    parts[2] = signature.slice(0, -1) + alphabet[(last & ~3) | m.bits]!;
  }
  if (m.kind === 'truncate') parts[2] = signature.slice(0, -m.by);
  if (m.kind === 'pad') parts[2] = `${signature}=`;
  return parts.join('.');
}

/** The right HS256 signature bytes under another spelling (spare bits, padding) of an HS256 token. */
function respelled(token: string, secret: string): boolean {
  const [header = '', payload = '', signature = ''] = token.split('.');
  if (header !== b64({ alg: 'HS256', typ: 'JWT' })) return false;
  const right = sign(`${header}.${payload}`, secret);
  return signature !== right && Buffer.from(signature, 'base64url').equals(Buffer.from(right, 'base64url'));
}

function ours(token: string, secret: string): boolean {
  try {
    const decoded = decodeToken(token);
    return decoded.header.alg === 'HS256' && hs256SignatureMatches(decoded.signingInput, decoded.signature, secret);
  } catch {
    return false;
  }
}

async function jose(token: string, secret: string): Promise<boolean> {
  try {
    await compactVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'] });
    return true;
  } catch {
    return false;
  }
}

const claims = fc.record({ iss: fc.string({ minLength: 1, maxLength: 20 }), iat: fc.nat(), exp: fc.nat(), qsh: fc.stringMatching(/^[0-9a-f]{64}$/) });

describe('differential: HS256 verification against jose', () => {
  it('accepts exactly what jose accepts, except non-canonical encodings of the signature', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 64 }), claims, mutation, async (secret, payload, m) => {
        const token = makeToken(secret, payload, m);
        const [mine, theirs] = [ours(token, secret), await jose(token, secret)];
        if (respelled(token, secret)) expect({ mine, theirs }).toEqual({ mine: false, theirs: true });
        else expect(mine).toBe(theirs);
      }),
      { numRuns: 1500 },
    );
  });

  it('accepts an untouched token', async () => {
    const token = makeToken('secret', { iss: 'x' }, { kind: 'none' });
    expect([ours(token, 'secret'), await jose(token, 'secret')]).toEqual([true, true]);
  });
});
