import type { Services } from '../runtime/index.ts';

/** The ports lib/oauth works with; handlers pass `await services()`, tests their own. */
export type OAuthServices = Pick<Services, 'config' | 'secrets' | 'metadata' | 'leases' | 'trust' | 'clock' | 'alerts'>;
