import { TrustlineError } from '../../lib/errors.ts';

/** A Lambda bundle would carry code that only the local backend runs (the embedded database and its native addon). */
export class LocalCodeInBundleError extends TrustlineError {
  readonly code = 'LOCAL_CODE_IN_BUNDLE';
  constructor(
    readonly functionName: string,
    readonly sources: readonly string[],
  ) {
    super(
      `The Lambda bundle of "${functionName}" carries code of the local backend: ${sources.join(', ')}. A Lambda runs on the aws backend only, and lmdb's native addon is not deployed.`,
      {
        expected: 'no module of lib/store/local, lib/runtime/local-services.ts or lmdb in a Lambda bundle',
        actual: sources,
        fix: 'Reach the local backend only through lib/runtime/services.ts, behind its __TRUSTLINE_BUNDLE_LOCAL__ test, and never import lib/store/local from code a handler imports.',
      },
    );
  }
}
