import { createHmac } from 'node:crypto';
import * as atlassianJwt from 'atlassian-jwt';
import { jwtVerify } from 'jose';
import { createConnectVerifier } from '../../lib/jwt/connect-verifier.ts';
import { qsh } from '../../lib/jwt/qsh.ts';
import type { Benchmark } from './benchmark.ts';

/**
 * Connect request validation per second (HS256 signature + claims + qsh of the request), ours
 * against atlassian-jwt as atlassian-connect-express uses it (decodeSymmetric, then
 * createQueryStringHash of the request; ACE also decodes once more unverified to find the
 * issuer, which is left out here, in atlassian-jwt's favour) and against jose.jwtVerify plus
 * the same qsh. Same token, same request, same run; rounds interleaved against drift.
 */

const SECRET = 'bench-shared-secret-0123456789abcdef0123456789abcdef';
const ISSUER = 'a1b2c3d4-e5f6-4711-8a9b-0c1d2e3f4a5b';
const PATH = '/jira/issue-glance';
const QUERY =
  'issueKey=PROJ-123&projectKey=PROJ&xdm_e=https%3A%2F%2Fexample.atlassian.net&xdm_c=channel-issue-glance&cp=&lic=active&cv=1001.0.0-SNAPSHOT&tz=Europe%2FBerlin&loc=en-US&user_id=557058%3Aabc';
/**
 * Many short rounds, each contender in turn: on a shared machine the load changes within seconds, and
 * a ratio taken round by round (the contenders' rounds lie next to each other in time) then median'd
 * is far steadier than one taken over totals.
 */
const ROUNDS = 40;
const ROUND_MS = 50;
const MAX_ITERATIONS_PER_ROUND = 2_000_000;

interface Contender {
  readonly name: string;
  /** One full validation; throws if the token does not validate, so nothing is measured that would be wrong. */
  readonly validate: () => Promise<void> | void;
}

function contenders(): Contender[] {
  const now = Math.floor(Date.now() / 1000);
  const token = atlassianJwt.encodeSymmetric(
    { iss: ISSUER, sub: '557058:abc', iat: now, exp: now + 3600, qsh: qsh({ method: 'GET', url: `${PATH}?${QUERY}` }) },
    SECRET,
  );
  const url = `${PATH}?${QUERY}&jwt=${token}`;
  const request = { method: 'GET', url };
  const verifier = createConnectVerifier({ secretFor: () => Promise.resolve(SECRET) });
  const key = new TextEncoder().encode(SECRET);
  return [
    {
      name: 'trustline',
      validate: async () => {
        if (!(await verifier.verify(token, request)).valid) throw new Error('trustline refused the token');
      },
    },
    {
      name: 'atlassian-jwt',
      validate: () => {
        const claims = atlassianJwt.decodeSymmetric(token, SECRET, atlassianJwt.SymmetricAlgorithm.HS256) as { exp: number; qsh: string };
        if (claims.exp <= Date.now() / 1000) throw new Error('expired');
        if (atlassianJwt.createQueryStringHash(atlassianJwt.fromMethodAndUrl('GET', url), false, '') !== claims.qsh)
          throw new Error('atlassian-jwt: qsh mismatch');
      },
    },
    {
      name: 'jose.jwtVerify',
      validate: async () => {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], clockTolerance: 30 });
        if (qsh(request) !== payload.qsh) throw new Error('jose: qsh mismatch');
      },
    },
    {
      name: 'bare HMAC + JSON.parse',
      validate: () => {
        const [header = '', payload = '', signature] = token.split('.');
        if (createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url') !== signature) throw new Error('bad');
        JSON.parse(Buffer.from(payload, 'base64url').toString());
      },
    },
  ];
}

async function round(contender: Contender): Promise<{ count: number; ms: number }> {
  const started = performance.now();
  let count = 0;
  while (count < MAX_ITERATIONS_PER_ROUND) {
    // Check the clock every 64 validations: reading it costs about as much as a hash.
    for (let i = 0; i < 64; i++) await contender.validate();
    count += 64;
    if (performance.now() - started >= ROUND_MS) break;
  }
  return { count, ms: performance.now() - started };
}

/** The median of a non-empty series. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const benchmark: Benchmark = {
  name: 'jwt',
  async run() {
    const all = contenders();
    const rates = new Map<string, number[]>(all.map((c) => [c.name, []]));
    for (const contender of all) await round(contender); // warm-up
    for (let r = 0; r < ROUNDS; r++) {
      for (const contender of all) {
        const { count, ms } = await round(contender);
        rates.get(contender.name)!.push((count / ms) * 1000);
      }
    }
    const perSecond = (name: string) => median(rates.get(name)!);
    /** Median and interquartile range of the round-by-round ratio of ours to `name`. */
    const ratio = (name: string) => {
      const ours = rates.get('trustline')!;
      const theirs = rates.get(name)!;
      const ratios = ours.map((rate, i) => rate / theirs[i]!).sort((a, b) => a - b);
      const quartile = (q: number) => ratios[Math.floor(q * (ratios.length - 1))]!;
      return `${median(ratios).toFixed(2)}x (middle half of rounds ${quartile(0.25).toFixed(2)}-${quartile(0.75).toFixed(2)})`;
    };
    return [
      `HS256 + qsh validations per second (one core, same token and request; median of ${ROUNDS} rounds; Node ${process.version}):`,
      ...all.map((c) => `  ${c.name.padEnd(24)} ${Math.round(perSecond(c.name)).toLocaleString('en-US').padStart(9)} /s`),
      `  trustline / atlassian-jwt   ${ratio('atlassian-jwt')}  (target >= 2x)`,
      `  trustline / bare HMAC       ${ratio('bare HMAC + JSON.parse')}  (target >= 0.5x; the bare loop is the physical limit)`,
      `  trustline / jose.jwtVerify  ${ratio('jose.jwtVerify')}`,
    ];
  },
};
