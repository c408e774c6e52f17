import { describe, expect, it } from 'vitest';
import { canonicalRequest, splitRawUrl } from '../../lib/jwt/canonical-request.ts';
import { createConnectVerifier } from '../../lib/jwt/connect-verifier.ts';
import { qsh } from '../../lib/jwt/qsh.ts';
import { parseRawQuery } from '../../lib/jwt/query.ts';
import { decodeToken } from '../../lib/jwt/token.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { interopCases, PREDATES_AMPERSAND_RULE, SECRET, SIGNED_AT_SECONDS } from './interop-cases.ts';

const current = interopCases.filter((c) => c.name !== PREDATES_AMPERSAND_RULE);

function tokenOf(signedUrl: string): string {
  const token = parseRawQuery(splitRawUrl(signedUrl).query).find((p) => p.name === 'jwt')?.value;
  if (token === undefined) throw new Error(`no jwt in ${signedUrl}`);
  return token;
}

describe("Atlassian's signing-interoperability cases (Java JwtSigningInteroperabilityTest)", () => {
  it.each(current.map((c) => [c.name, c] as const))('%s: canonical request equals the one Java computed', (_name, c) => {
    expect(canonicalRequest({ method: 'GET', url: c.signedUrl })).toBe(c.canonicalUrl);
  });

  it.each(current.map((c) => [c.name, c] as const))("%s: qsh equals the claim in Java's token", (_name, c) => {
    expect(qsh({ method: 'GET', url: c.signedUrl })).toBe(decodeToken(tokenOf(c.signedUrl)).payload.qsh);
  });

  it.each(current.map((c) => [c.name, c] as const))("%s: Java's token verifies end to end", async (_name, c) => {
    const verifier = createConnectVerifier({ secretFor: () => Promise.resolve(SECRET), clock: new ManualClock(SIGNED_AT_SECONDS * 1000) });
    const result = await verifier.verify(tokenOf(c.signedUrl), { method: 'GET', url: c.signedUrl });
    expect(result).toMatchObject({ valid: true, claims: { iss: 'jira:1234-5678-9000' } });
  });

  it('the 2014 sub-delimiter path case differs only by the & that today is written %26', () => {
    const old = interopCases.find((c) => c.name === PREDATES_AMPERSAND_RULE)!;
    expect(canonicalRequest({ method: 'GET', url: old.signedUrl })).toBe(old.canonicalUrl.replace("$&'", "$%26'"));
  });
});
