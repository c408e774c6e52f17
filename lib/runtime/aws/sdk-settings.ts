import {
  booleanSelector,
  DEFAULT_USE_DUALSTACK_ENDPOINT,
  DEFAULT_USE_FIPS_ENDPOINT,
  nodeDualstackConfigSelectors,
  nodeFipsConfigSelectors,
  SelectorType,
} from '@smithy/core/config';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_MODE, NODE_MAX_ATTEMPT_CONFIG_OPTIONS, NODE_RETRY_MODE_CONFIG_OPTIONS } from '@smithy/core/retry';

/** The client settings the SDK would otherwise look up in its environment and shared config files. */
export interface SdkSettings {
  readonly useFipsEndpoint: boolean;
  readonly useDualstackEndpoint: boolean;
  readonly maxAttempts: number;
  readonly retryMode: string;
  readonly defaultsMode: 'legacy';
  readonly userAgentAppId: () => Promise<string | undefined>;
  readonly authSchemePreference: string[];
  readonly ignoreConfiguredEndpointUrls: boolean;
  readonly disableClockSkewCorrection: boolean;
}

/**
 * On Lambda, the settings every SDK client resolves, taken from the environment alone; undefined
 * elsewhere, where the SDK's own lookup applies. Lambda has no shared config files (`~/.aws/config`,
 * `~/.aws/credentials`), yet a client left to its defaults reads both, through the SDK's provider
 * chains, before its first request: once each setting is given, nothing is read. Each variable the
 * SDK documents for these settings is honoured, with the SDK's own parsers and defaults.
 *
 * `defaultMaxAttempts` is the service's own default where it differs from the SDK's.
 */
export function lambdaSdkSettings(env: NodeJS.ProcessEnv = process.env, defaultMaxAttempts?: number): SdkSettings | undefined {
  if (env.AWS_LAMBDA_FUNCTION_NAME === undefined) return undefined;
  const appId = env.AWS_SDK_UA_APP_ID;
  return {
    useFipsEndpoint: nodeFipsConfigSelectors.environmentVariableSelector(env) ?? DEFAULT_USE_FIPS_ENDPOINT,
    useDualstackEndpoint: nodeDualstackConfigSelectors.environmentVariableSelector(env) ?? DEFAULT_USE_DUALSTACK_ENDPOINT,
    maxAttempts: NODE_MAX_ATTEMPT_CONFIG_OPTIONS.environmentVariableSelector(env) ?? defaultMaxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryMode: NODE_RETRY_MODE_CONFIG_OPTIONS.environmentVariableSelector(env) ?? DEFAULT_RETRY_MODE,
    // What the SDK picks when AWS_DEFAULTS_MODE is unset: the defaults above are that mode's.
    defaultsMode: 'legacy',
    userAgentAppId: () => Promise.resolve(appId),
    authSchemePreference: (env.AWS_AUTH_SCHEME_PREFERENCE ?? '')
      .split(',')
      .map((scheme) => scheme.trim())
      .filter((scheme) => scheme !== ''),
    // Endpoints set in the environment (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>) still apply; the files are not read for them.
    ignoreConfiguredEndpointUrls: !Object.keys(env).some((name) => name.startsWith('AWS_ENDPOINT_URL')),
    disableClockSkewCorrection: booleanSelector(env, 'AWS_DISABLE_CLOCK_SKEW_CORRECTION', SelectorType.ENV) ?? false,
  };
}
