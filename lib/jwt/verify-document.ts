import type { ConnectVerification } from './connect-verifier.ts';
import { QshMismatchError } from './errors.ts';
import type { Diagnosis } from './errors.ts';

/** The `jwt verify --json` / `POST /jwt/validate` document of design.md. */
export interface VerifyDocument {
  readonly valid: boolean;
  readonly claims?: Readonly<Record<string, unknown>>;
  readonly error?: { readonly code: string; readonly message: string };
  readonly diagnosis?: Diagnosis;
}

/** Maps a verification to the document; claims appear whenever the signature was verified. */
export function toVerifyDocument(result: ConnectVerification): VerifyDocument {
  if (result.valid) return { valid: true, claims: result.claims };
  const { error } = result;
  const diagnosis = error instanceof QshMismatchError ? error.diagnosis : undefined;
  return {
    valid: false,
    ...(result.claims === undefined ? {} : { claims: result.claims }),
    error: { code: error.code, message: error.message },
    ...(diagnosis === undefined ? {} : { diagnosis }),
  };
}
