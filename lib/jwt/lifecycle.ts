import { compactVerify, errors as joseErrors } from 'jose';
import * as z from 'zod';
import { registerSecret } from '../observe/redact.ts';
import { systemClock, type Clock, type SecretStore } from '../store/ports.ts';
import type { RequestTarget } from './canonical-request.ts';
import { checkAudience, checkTimes, DEFAULT_LEEWAY_SECONDS, requireString } from './claims.ts';
import { deleteInstallation, MAX_CLIENT_KEY_LENGTH, saveInstallation } from './connect-installations.ts';
import { AlgNotAllowedError, BadSignatureError, MalformedTokenError, WrongIssuerError } from './errors.ts';
import type { InstallKeyProvider } from './install-keys.ts';
import { checkQshClaim } from './qsh-claim.ts';
import { decodeToken, type JwtPayload } from './token.ts';

const payloadFields = {
  key: z.string().min(1).max(256),
  clientKey: z.string().min(1).max(MAX_CLIENT_KEY_LENGTH),
  baseUrl: z.url({ protocol: /^https?$/ }),
};

/** The body Jira posts to the `installed` lifecycle URL (the fields Trustline uses). */
export const installedPayloadSchema = z.looseObject({
  ...payloadFields,
  sharedSecret: z.string().min(1).max(4096),
  eventType: z.literal('installed'),
});

/** The body Jira posts to the `uninstalled` lifecycle URL. */
export const uninstalledPayloadSchema = z.looseObject({
  ...payloadFields,
  sharedSecret: z.string().max(4096).optional(),
  eventType: z.literal('uninstalled'),
});

export type LifecyclePayload = z.output<typeof installedPayloadSchema> | z.output<typeof uninstalledPayloadSchema>;

export interface LifecycleOptions {
  readonly keys: InstallKeyProvider;
  /** This app's base URL: the `aud` the token must carry and the base of the qsh path. */
  readonly baseUrl: string;
  readonly clock?: Clock;
  readonly leewaySeconds?: number;
}

/**
 * Verifies a signed-install lifecycle token: RS256 by `kid` from the install-keys server,
 * exp/iat with leeway, `aud` equal to our base URL, `qsh` of this POST, and `iss` equal to the
 * payload's clientKey.
 */
export async function verifyLifecycleToken(token: unknown, request: RequestTarget, clientKey: string, options: LifecycleOptions): Promise<JwtPayload> {
  const decoded = decodeToken(token);
  if (decoded.header.alg !== 'RS256') throw new AlgNotAllowedError(['RS256'], decoded.header.alg);
  const key = await options.keys.getKey(decoded.header.kid);
  const issuer = requireString(decoded.payload, 'iss');
  try {
    await compactVerify(token as string, key, { algorithms: ['RS256'] });
  } catch (error) {
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) throw new BadSignatureError(issuer);
    throw new MalformedTokenError('its signature could not be checked', {}, { cause: error });
  }
  checkTimes(decoded.payload, (options.clock ?? systemClock).now(), options.leewaySeconds ?? DEFAULT_LEEWAY_SECONDS);
  checkAudience(decoded.payload, options.baseUrl);
  if (issuer !== clientKey) throw new WrongIssuerError(clientKey, issuer);
  checkQshClaim(decoded.payload, request, options.baseUrl, false);
  return decoded.payload;
}

/**
 * Handles a lifecycle call: verifies its token, then on `installed` stores the shared secret
 * under `trustline/connect/{clientKey}` and on `uninstalled` deletes it. Throws a JwtError,
 * changing nothing, when the token does not hold.
 */
export async function handleLifecycle(
  call: { readonly token: unknown; readonly request: RequestTarget; readonly payload: LifecyclePayload },
  secrets: SecretStore,
  options: LifecycleOptions,
): Promise<void> {
  const { payload } = call;
  // Registered for redaction only once the token holds: an anonymous caller's value could blank any text of the log.
  await verifyLifecycleToken(call.token, call.request, payload.clientKey, options);
  registerSecret(payload.sharedSecret);
  if (payload.eventType === 'installed') {
    await saveInstallation(secrets, {
      clientKey: payload.clientKey,
      sharedSecret: payload.sharedSecret,
      baseUrl: payload.baseUrl,
      installedAt: new Date((options.clock ?? systemClock).now()).toISOString(),
    });
  } else {
    await deleteInstallation(secrets, payload.clientKey);
  }
}
