import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { qsh } from '../../../lib/jwt/qsh.ts';

/** A shared secret as Jira generates them: long and random, so a leak would be unmistakable in any output. */
export const SHARED_SECRET = 'sh4red-Secret-0f-the-Test-Site-7c1e9a44b2d84f0e';
export const CLIENT_KEY = '9a2e4f1c-0b7d-4c3e-8f55-1d2e3c4b5a69';

/** An HS256 token signed by jose (independent of the code under test). */
export async function hs256Token(payload: JWTPayload, secret = SHARED_SECRET, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...header }).sign(new TextEncoder().encode(secret));
}

/** A Connect request token for `method url`, issued `nowMs`, valid 180 s, as Jira makes them. */
export async function requestToken(method: string, url: string, nowMs: number, overrides: JWTPayload = {}, secret = SHARED_SECRET): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return hs256Token({ iss: CLIENT_KEY, sub: '557058:account', iat, exp: iat + 180, qsh: qsh({ method, url }), ...overrides }, secret);
}

/** An RSA key pair for install tokens, with the public key as the PEM the key server serves. */
export async function installKeyPair(): Promise<{ privateKey: CryptoKey; publicPem: string }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, publicPem: await exportSPKI(publicKey) };
}

/** An RS256 lifecycle token naming `kid`. */
export async function lifecycleToken(privateKey: CryptoKey, kid: string, payload: JWTPayload): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(privateKey);
}
