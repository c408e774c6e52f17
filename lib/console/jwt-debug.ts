import * as z from 'zod';
import {
  canonicalRequest,
  createConnectVerifier,
  decodeToken,
  type Diagnosis,
  JwtError,
  MAX_TOKEN_LENGTH,
  qshOfCanonical,
  type VerifyDocument,
  toVerifyDocument,
} from '../jwt/index.ts';

/** What the JWT page sends: the request as it reached the app, and the shared secret or nothing (then the admin API's installed apps decide). */
export const jwtDebugInput = z.strictObject({
  token: z.string().trim().min(1).max(MAX_TOKEN_LENGTH),
  method: z.string().regex(/^[A-Za-z]{1,16}$/, 'an HTTP method such as GET'),
  url: z.string().trim().min(1).max(16_384),
  secret: z.string().max(4096).optional(),
  baseUrl: z.string().max(2048).optional(),
});
export type JwtDebugInput = z.output<typeof jwtDebugInput>;

export const qshInput = jwtDebugInput.pick({ method: true, url: true, baseUrl: true });

export type CheckState = 'passed' | 'failed' | 'not-checked';

export interface JwtDebugDocument extends VerifyDocument {
  /** Decoded without verification, so that a broken token still shows what it claims. */
  readonly header?: Readonly<Record<string, unknown>>;
  readonly payload?: Readonly<Record<string, unknown>>;
  readonly checks: readonly { readonly name: string; readonly state: CheckState; readonly message?: string }[];
  readonly qsh: { readonly claimed?: string; readonly computed?: string; readonly canonicalRequest?: string };
  readonly diagnosis?: Diagnosis;
  readonly fix?: string;
}

/** The checks of a Connect request token in the order the verifier makes them, with the codes that fail each. */
const CHECKS: readonly { readonly name: string; readonly codes: readonly string[] }[] = [
  { name: 'Format', codes: ['MISSING_TOKEN', 'MALFORMED'] },
  { name: 'Algorithm (HS256)', codes: ['ALG_NOT_ALLOWED'] },
  { name: 'Issuer and signature', codes: ['UNKNOWN_ISSUER', 'WRONG_ISSUER', 'BAD_SIGNATURE', 'KEY_UNAVAILABLE'] },
  { name: 'Expiry (exp, iat, nbf)', codes: ['EXPIRED', 'NOT_YET_VALID'] },
  { name: 'Query string hash (qsh)', codes: ['MISSING_QSH', 'QSH_MISMATCH'] },
];

/** The canonical request and its qsh, or the reason the URL has none. */
export function computeQsh(input: { method: string; url: string; baseUrl?: string | undefined }): { canonicalRequest: string; qsh: string } {
  const canonical = canonicalRequest({ method: input.method, url: input.url }, input.baseUrl === '' ? undefined : input.baseUrl);
  return { canonicalRequest: canonical, qsh: qshOfCanonical(canonical) };
}

/**
 * Verifies a Connect request token with the given shared secret, or takes the admin API's verdict
 * (`validate`) when no secret is given, and explains it: every check, the claimed and computed
 * qsh, the diagnosis and its fix. Nothing here is stored or logged.
 */
export async function debugJwt(input: JwtDebugInput, validate: (input: JwtDebugInput) => Promise<VerifyDocument>): Promise<JwtDebugDocument> {
  const secret = input.secret === undefined || input.secret === '' ? undefined : input.secret;
  let verdict: VerifyDocument;
  let fix: string | undefined;
  if (secret === undefined) verdict = await validate(input);
  else {
    const baseUrl = input.baseUrl === undefined || input.baseUrl === '' ? undefined : input.baseUrl;
    const verifier = createConnectVerifier({ secretFor: () => Promise.resolve(secret), ...(baseUrl === undefined ? {} : { baseUrl }) });
    const result = await verifier.verify(input.token, { method: input.method, url: input.url });
    verdict = toVerifyDocument(result);
    if (!result.valid && result.error instanceof JwtError) fix = result.error.fix;
  }
  const decoded = tryDecode(input.token);
  let computed: { canonicalRequest: string; qsh: string } | undefined;
  try {
    computed = computeQsh(input);
  } catch {
    computed = undefined;
  }
  const claimed = typeof decoded?.payload.qsh === 'string' ? decoded.payload.qsh : undefined;
  return {
    ...verdict,
    ...(decoded === undefined ? {} : { header: decoded.header, payload: decoded.payload }),
    checks: checks(verdict),
    qsh: {
      ...(claimed === undefined ? {} : { claimed }),
      ...(computed === undefined ? {} : { computed: computed.qsh, canonicalRequest: computed.canonicalRequest }),
    },
    ...(fix === undefined ? (verdict.diagnosis === undefined ? {} : { fix: verdict.diagnosis.fix }) : { fix }),
  };
}

function checks(verdict: VerifyDocument): JwtDebugDocument['checks'] {
  const failedAt = verdict.valid ? -1 : CHECKS.findIndex((check) => check.codes.includes(verdict.error?.code ?? ''));
  return CHECKS.map((check, index) => {
    if (verdict.valid || (failedAt !== -1 && index < failedAt)) return { name: check.name, state: 'passed' as const };
    if (index === failedAt) {
      // The mismatch's long message repeats the qsh values and the diagnosis, which the document carries on their own.
      const message =
        verdict.error?.code === 'QSH_MISMATCH'
          ? 'The token was signed for a different request: the claimed and the computed qsh differ.'
          : (verdict.error?.message ?? '');
      return { name: check.name, state: 'failed' as const, message };
    }
    return { name: check.name, state: 'not-checked' as const };
  });
}

function tryDecode(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } | undefined {
  try {
    const decoded = decodeToken(token);
    return { header: decoded.header, payload: decoded.payload };
  } catch {
    return undefined;
  }
}
