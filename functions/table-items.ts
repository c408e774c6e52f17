import { LIFECYCLE_TOKEN_ITEMS } from '../lib/jwt/lifecycle-replay.ts';
import { OAUTH_STATE_ITEMS } from '../lib/oauth/authorize.ts';
import { INTEGRATION_ITEMS } from '../lib/oauth/integration-store.ts';
import type { ItemSet } from '../lib/store/item-set.ts';
import { LEASE_ITEMS } from '../lib/store/lease.ts';
import { ENDPOINT_ITEMS } from '../lib/tls/endpoints.ts';
import { TRUST_ITEMS } from '../lib/trust/trust-store.ts';

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
