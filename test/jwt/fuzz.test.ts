import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createConnectVerifier } from '../../lib/jwt/connect-verifier.ts';
import { JwtError } from '../../lib/jwt/errors.ts';
import { decodeToken } from '../../lib/jwt/token.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { CLIENT_KEY, requestToken, SHARED_SECRET } from './support/tokens.ts';

const request = { method: 'GET', url: '/issue-panel?issueKey=T-1' };
const clock = new ManualClock();
const verifier = createConnectVerifier({ secretFor: (key) => Promise.resolve(key === CLIENT_KEY ? SHARED_SECRET : undefined), clock });
const b64 = (text: string) => Buffer.from(text).toString('base64url');

const jsonish = fc.oneof(
  fc.json(),
  fc.constantFrom(
    'null',
    '[]',
    '"x"',
    '1e999',
    '{"__proto__":{"alg":"HS256"}}',
    '{"alg":"HS256","crit":[]}',
    '{"iss":{"toString":1}}',
    '{"exp":"9999999999"}',
    '{',
  ),
);
const segment = fc.oneof(jsonish.map(b64), fc.string(), fc.constantFrom('', '====', 'e30', '%%%'));
const structured = fc.tuple(segment, segment, segment).map((parts) => parts.join('.'));
const anyValue = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), structured, fc.anything(), fc.constantFrom('.', '..', '...', 'a.b', 'a.b.c.d'));

async function mutatedValidToken(): Promise<fc.Arbitrary<string>> {
  const token = await requestToken(request.method, request.url, clock.now());
  return fc
    .tuple(fc.nat({ max: token.length - 1 }), fc.string({ unit: 'binary', maxLength: 3 }), fc.nat({ max: 3 }))
    .map(([at, insert, remove]) => token.slice(0, at) + insert + token.slice(at + remove));
}

describe('malformed-token fuzzing', () => {
  it('never throws and never answers valid for arbitrary input', async () => {
    await fc.assert(
      fc.asyncProperty(anyValue, async (token) => {
        const result = await verifier.verify(token, request);
        expect(result.valid).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it('never answers valid for a mutated copy of a valid token', async () => {
    const valid = await requestToken(request.method, request.url, clock.now());
    await fc.assert(
      fc.asyncProperty(await mutatedValidToken(), async (token) => {
        fc.pre(token !== valid);
        const result = await verifier.verify(token, request);
        expect(result.valid).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes or throws a JwtError, never anything else', () => {
    fc.assert(
      fc.property(anyValue, (token) => {
        try {
          decodeToken(token);
        } catch (error) {
          expect(error).toBeInstanceOf(JwtError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses a token whose payload is valid JSON but not an object', async () => {
    const result = await verifier.verify(`${b64('{"alg":"HS256"}')}.${b64('[1,2]')}.sig`, request);
    expect(result).toMatchObject({ valid: false, error: { code: 'MALFORMED' } });
  });
});
