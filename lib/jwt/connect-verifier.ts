import { systemClock, type Clock } from '../clock.ts';
import type { RequestTarget } from './canonical-request.ts';
import { checkTimes, DEFAULT_LEEWAY_SECONDS, requireString } from './claims.ts';
import type { SecretLookup } from './connect-installations.ts';
import { AlgNotAllowedError, BadSignatureError, JwtError, UnknownIssuerError } from './errors.ts';
import { hs256SignatureMatches } from './hs256.ts';
import { checkQshClaim } from './qsh-claim.ts';
import { decodeToken, type JwtPayload } from './token.ts';

/** The claims of a verified Connect request token. */
export interface ConnectClaims extends JwtPayload {
  /** The client key of the Jira / Confluence site. */
  readonly iss: string;
  readonly iat: number;
  readonly exp: number;
  readonly qsh: string;
  /** The user's Atlassian account id, when a user is involved. */
  readonly sub?: string;
}

/** Outcome of a verification: claims are present whenever the signature was verified. */
export type ConnectVerification =
  { readonly valid: true; readonly claims: ConnectClaims } | { readonly valid: false; readonly error: JwtError; readonly claims?: JwtPayload };

export interface ConnectVerifierOptions {
  /** Finds the shared secret of a client key (`iss`). */
  readonly secretFor: SecretLookup;
  /** The app's base URL (the descriptor's baseUrl): its path is removed from request paths before hashing. */
  readonly baseUrl?: string;
  /** Clock skew allowed on exp, nbf and iat; 30 s unless set. */
  readonly leewaySeconds?: number;
  readonly clock?: Clock;
}

export interface VerifyRequestOptions {
  /** Accept `qsh: "context-qsh"` (tokens from `AP.context.getToken()`); only for endpoints meant for them. */
  readonly allowContextQsh?: boolean;
}

const ALLOWED = ['HS256'] as const;
/** The default options, shared: no object made per request. */
const NO_OPTIONS: VerifyRequestOptions = Object.freeze({});

/**
 * Verifies Atlassian Connect request tokens: HS256 with the shared secret of the client named
 * by `iss`, `exp`/`iat` with leeway, and `qsh` bound to this very request. On a qsh mismatch the
 * error carries a diagnosis of the proxy transformation that explains it.
 *
 * @example
 * const verifier = createConnectVerifier({ secretFor: cachedSecretLookup(secrets, clock), baseUrl });
 * const result = await verifier.verify(token, { method: 'GET', url: '/issue-panel?issueKey=T-1' });
 */
export function createConnectVerifier(options: ConnectVerifierOptions) {
  const leeway = options.leewaySeconds ?? DEFAULT_LEEWAY_SECONDS;
  const clock = options.clock ?? systemClock;

  async function verify(token: unknown, request: RequestTarget, verifyOptions: VerifyRequestOptions = NO_OPTIONS): Promise<ConnectVerification> {
    let verifiedClaims: JwtPayload | undefined;
    try {
      const decoded = decodeToken(token);
      if (decoded.header.alg !== 'HS256') throw new AlgNotAllowedError(ALLOWED, decoded.header.alg);
      const issuer = requireString(decoded.payload, 'iss');
      const secret = await options.secretFor(issuer);
      if (secret === undefined) throw new UnknownIssuerError(issuer);
      if (!hs256SignatureMatches(decoded.signingInput, decoded.signature, secret)) {
        // The cached secret may predate a reinstall: ask the store once more before refusing.
        const fresh = await options.secretFor(issuer, { fresh: true });
        if (fresh === undefined || fresh === secret || !hs256SignatureMatches(decoded.signingInput, decoded.signature, fresh))
          throw new BadSignatureError(issuer);
      }
      verifiedClaims = decoded.payload;
      checkTimes(decoded.payload, clock.now(), leeway);
      checkQshClaim(decoded.payload, request, options.baseUrl, verifyOptions.allowContextQsh === true);
      return { valid: true, claims: decoded.payload as ConnectClaims };
    } catch (error) {
      if (!(error instanceof JwtError)) throw error;
      return verifiedClaims === undefined ? { valid: false, error } : { valid: false, error, claims: verifiedClaims };
    }
  }

  return { verify };
}

export type ConnectVerifier = ReturnType<typeof createConnectVerifier>;
