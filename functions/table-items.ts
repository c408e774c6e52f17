import { LIFECYCLE_TOKEN_ITEMS } from '../lib/jwt/index.ts';
import { OAUTH_STATE_ITEMS, INTEGRATION_ITEMS } from '../lib/oauth/index.ts';
import { type ItemSet, LEASE_ITEMS } from '../lib/store/index.ts';
import { ENDPOINT_ITEMS } from '../lib/tls/index.ts';
import { TRUST_ITEMS } from '../lib/trust/index.ts';

/**
 * Every store that keeps items in the metadata table, by the name the manifest's `access.table`
 * uses. Each store declares its own kinds next to the code that builds its keys; infra/aws turns a
 * function's stores into the only partition keys IAM lets it touch.
 */
export const tableItemSets = {
  integrations: INTEGRATION_ITEMS,
  oauthStates: OAUTH_STATE_ITEMS,
  leases: LEASE_ITEMS,
  trust: TRUST_ITEMS,
  endpoints: ENDPOINT_ITEMS,
  lifecycleTokens: LIFECYCLE_TOKEN_ITEMS,
} as const satisfies Record<string, ItemSet>;

export type ItemSetName = keyof typeof tableItemSets;
