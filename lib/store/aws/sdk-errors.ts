import { isThrottlingError } from '@smithy/core/retry';
import { StoreError, StoreThrottledError } from '../errors.ts';

/** Whether an SDK failure is the service exception `name` (e.g. ResourceNotFoundException). */
export function isServiceError(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

/**
 * The store error for an SDK failure the adapter does not handle itself: throttling that
 * outlasted the SDK's retries becomes StoreThrottledError, anything else a StoreError; the SDK
 * error stays the `cause`.
 */
export function storeFailure(service: string, operation: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  if (error instanceof Error && isThrottlingError(error as Parameters<typeof isThrottlingError>[0]))
    return new StoreThrottledError(`${service} ${operation}`, { cause: error });
  const reason = error instanceof Error ? error.name : 'unknown error';
  return new StoreError(`${service} ${operation} failed (${reason}); check the service's availability and this function's permissions.`, {
    cause: error,
  });
}
