import { compactVerify, errors as joseErrors } from 'jose';
import * as z from 'zod/mini';
import { registerSecret } from '../observe/index.ts';
import type { MetadataStore, SecretStore } from '../store/index.ts';
import { systemClock, type Clock } from '../clock.ts';
import type { RequestTarget } from './canonical-request.ts';
import { checkAudience, checkTimes, DEFAULT_LEEWAY_SECONDS, requireString } from './claims.ts';
import { deleteInstallation, MAX_CLIENT_KEY_LENGTH, readInstallation, saveInstallation } from './connect-installations.ts';
import { AlgNotAllowedError, BadSignatureError, LifecycleOutOfOrderError, MalformedTokenError, TokenReplayedError, WrongIssuerError } from './errors.ts';
import type { InstallKeyProvider } from './install-keys.ts';
import { firstUse } from './lifecycle-replay.ts';
import { checkQshClaim } from './qsh-claim.ts';
import { decodeToken, type JwtPayload } from './token.ts';

const payloadFields = {
  key: z.string().check(z.minLength(1), z.maxLength(256)),
  clientKey: z.string().check(z.minLength(1), z.maxLength(MAX_CLIENT_KEY_LENGTH)),
  baseUrl: z.url({ protocol: /^https?$/ }),
};

/** The body Jira posts to the `installed` lifecycle URL (the fields Trustline uses). */
export const installedPayloadSchema = z.looseObject({
  ...payloadFields,
  sharedSecret: z.string().check(z.minLength(1), z.maxLength(4096)),
  eventType: z.literal('installed'),
});

/** The body Jira posts to the `uninstalled` lifecycle URL. */
export const uninstalledPayloadSchema = z.looseObject({
  ...payloadFields,
  sharedSecret: z.optional(z.string().check(z.maxLength(4096))),
  eventType: z.literal('uninstalled'),
});

export type LifecyclePayload = z.output<typeof installedPayloadSchema> | z.output<typeof uninstalledPayloadSchema>;

export interface LifecycleOptions {
  readonly keys: InstallKeyProvider;
  /** This app's base URL: the `aud` the token must carry and the base of the qsh path. */
  readonly baseUrl: string;
  /** Where used tokens are remembered until they expire (lifecycle-replay.ts). */
  readonly metadata: MetadataStore;
  readonly clock?: Clock;
  readonly leewaySeconds?: number;
}

/** Longest lifetime (exp - iat) of a lifecycle token: Atlassian signs them for minutes; a used one is remembered that long. */
const MAX_LIFETIME_SECONDS = 3600;

/**
 * Verifies a signed-install lifecycle token: first everything that costs nothing (RS256, exp/iat
 * with leeway and a bounded lifetime, `aud` equal to our base URL, `iss` equal to the payload's
 * clientKey, `qsh` of this POST), and only then fetches the key by `kid` and checks the signature,
 * so a forged token costs no key-server fetch unless it names this app and this call.
 */
export async function verifyLifecycleToken(
  token: unknown,
  request: RequestTarget,
  clientKey: string,
  options: Omit<LifecycleOptions, 'metadata'>,
): Promise<JwtPayload> {
  const decoded = decodeToken(token);
  if (decoded.header.alg !== 'RS256') throw new AlgNotAllowedError(['RS256'], decoded.header.alg);
  const issuer = requireString(decoded.payload, 'iss');
  checkTimes(decoded.payload, (options.clock ?? systemClock).now(), options.leewaySeconds ?? DEFAULT_LEEWAY_SECONDS);
  const { exp, iat } = decoded.payload as { exp: number; iat: number };
  if (exp - iat > MAX_LIFETIME_SECONDS)
    throw new MalformedTokenError(`the token is valid for ${String(exp - iat)} s, more than a lifecycle token's ${String(MAX_LIFETIME_SECONDS)} s`);
  checkAudience(decoded.payload, options.baseUrl);
  if (issuer !== clientKey) throw new WrongIssuerError(clientKey, issuer);
  checkQshClaim(decoded.payload, request, options.baseUrl, false);
  const key = await options.keys.getKey(decoded.header.kid);
  try {
    await compactVerify(token as string, key, { algorithms: ['RS256'] });
  } catch (error) {
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) throw new BadSignatureError(issuer);
    throw new MalformedTokenError('its signature could not be checked', {}, { cause: error });
  }
  return decoded.payload;
}

/**
 * Handles a lifecycle call: verifies its token, refuses a token already used or older than the
 * installation held, then on `installed` stores the shared secret under
 * `trustline/connect/{clientKey}` and on `uninstalled` deletes it. Throws a JwtError, changing
 * nothing, when the token does not hold.
 */
export async function handleLifecycle(
  call: { readonly token: unknown; readonly request: RequestTarget; readonly payload: LifecyclePayload },
  secrets: SecretStore,
  options: LifecycleOptions,
): Promise<void> {
  const { payload } = call;
  const claims = await verifyLifecycleToken(call.token, call.request, payload.clientKey, options);
  const { exp, iat } = claims as { exp: number; iat: number };
  const leeway = options.leewaySeconds ?? DEFAULT_LEEWAY_SECONDS;
  if (!(await firstUse(options.metadata, call.token as string, (exp + leeway) * 1000))) throw new TokenReplayedError();
  const held = (await readInstallation(secrets, payload.clientKey))?.tokenIssuedAt;
  if (typeof held === 'number' && iat < held) throw new LifecycleOutOfOrderError(iat, held);
  // Registered for redaction only once the token holds: an anonymous caller's value could blank any text of the log.
  registerSecret(payload.sharedSecret);
  if (payload.eventType === 'installed') {
    await saveInstallation(secrets, {
      clientKey: payload.clientKey,
      sharedSecret: payload.sharedSecret,
      baseUrl: payload.baseUrl,
      installedAt: new Date((options.clock ?? systemClock).now()).toISOString(),
      tokenIssuedAt: iat,
    });
  } else {
    await deleteInstallation(secrets, payload.clientKey);
  }
}
