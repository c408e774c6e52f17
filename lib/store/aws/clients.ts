import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';

/** What both AWS clients share: where they connect and how they retry. */
export interface AwsClientOptions {
  /** Defaults to the SDK's chain (`AWS_REGION` on Lambda). */
  readonly region?: string | undefined;
  /** Attempts per request including the first, throttling included; the SDK's default is 3. */
  readonly maxAttempts?: number | undefined;
  /** Delay in ms before retry `attempt` (2, 3, ...), replacing the SDK's backoff: for tests. */
  readonly retryBackoff?: ((attempt: number) => number) | undefined;
  /** Explicit credentials instead of the SDK's provider chain: for tests against loopback peers. */
  readonly credentials?: DynamoDBClientConfig['credentials'];
}

/** Client configuration for one service, `endpoint` overriding AWS's (loopback peers). */
export function clientConfig(options: AwsClientOptions, endpoint: string | undefined) {
  const { region, maxAttempts, retryBackoff, credentials } = options;
  return {
    ...(region === undefined ? {} : { region }),
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(credentials === undefined ? {} : { credentials }),
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
    ...(retryBackoff === undefined ? {} : { retryStrategy: new ConfiguredRetryStrategy(maxAttempts ?? 3, retryBackoff) }),
  };
}
