import { TrustlineError } from '../errors.ts';

/** A handler used a port its function's manifest entry does not declare. */
export class UndeclaredAccessError extends TrustlineError {
  readonly code = 'UNDECLARED_ACCESS';
}

/**
 * A port that refuses every call: what a function gets for access its manifest entry does not
 * declare, so that no client is built (or bundled) for it and a missing declaration fails loudly
 * instead of surfacing as an IAM denial after deployment.
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the port type it stands in for
export function undeclaredPort<T extends object>(port: string, declaration: string): T {
  // Every port method is asynchronous, so the refusal is a rejected promise, as a real failure would be.
  const refuse = (member: string) =>
    Promise.reject(
      new UndeclaredAccessError(`This function used ${port} (${member}), which its manifest entry does not declare.`, {
        fix: `Add ${declaration} to the function's access in functions/manifest.ts.`,
      }),
    );
  return new Proxy({} as T, {
    // `then` stays undefined so that awaiting the port (or a promise of it) does not treat it as a thenable.
    get: (_target, member) => (member === 'then' || typeof member === 'symbol' ? undefined : () => refuse(member)),
  });
}
