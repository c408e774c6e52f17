import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in Lambda bundles (infra/aws/bundling.ts `alias`):
 * Lambda hands a function its role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 * AWS_SESSION_TOKEN, so the default chain's other sources (SSO, profiles, processes, web identity,
 * container and instance metadata) and the STS/SSO clients they bring are never reached there.
 */
export const defaultProvider: typeof fromEnv = (init) => fromEnv(init);
