import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publishRunMetrics } from '../../lib/oauth/refresh-metrics.ts';
import { runScheduledRefresh } from '../../lib/oauth/refresh-run.ts';
import { readIntegrationSecret } from '../../lib/oauth/token-store.ts';
import { captureStdio } from '../support/stdio.ts';
import { type RefreshWorld, startRefreshWorld } from './support/world.ts';

describe('what the refresh lets out', () => {
  let world: RefreshWorld;
  beforeEach(async () => {
    world = await startRefreshWorld();
  });
  afterEach(() => world.close());

  it('no token or client secret reaches a log line, a metric, an alert or lastError, even when the provider echoes one', async () => {
    const [ok, echoed, failing] = await world.seed(3);
    const before = await Promise.all([ok, echoed, failing].map((s) => world.tokens(s!.id)));
    const echoedToken = before[1]!.refreshToken;
    const failingToken = before[2]!.refreshToken;
    world.provider.fault = (request) => {
      if (request.refreshToken === echoedToken) return { status: 400, error: 'invalid_grant', description: `refresh token ${echoedToken} was revoked` };
      if (request.refreshToken === failingToken) return { status: 503, description: `cannot refresh ${failingToken} now` };
      return undefined;
    };

    const { stdout, stderr } = await captureStdio(async () => {
      publishRunMetrics(await runScheduledRefresh(world.deps, { budgetMs: 60_000 }));
    });

    const after = await world.tokens(ok!.id);
    const clientSecret = (await readIntegrationSecret(world.services.secrets, ok!.id))?.clientSecret ?? '';
    const secrets = [...before.flatMap((t) => [t.accessToken, t.refreshToken]), after.accessToken, after.refreshToken, clientSecret];
    const integrations = await Promise.all([ok, echoed, failing].map((s) => world.integration(s!.id)));
    const surfaces = { output: `${stdout}${stderr}`, alerts: JSON.stringify(world.services.published), integrations: JSON.stringify(integrations) };

    expect(after.refreshToken).not.toBe(before[0]!.refreshToken);
    expect(integrations.map((i) => i.status)).toEqual(['authorized', 'needs-reauthorization', 'authorized']);
    expect(surfaces.output).toContain('TokenRefreshFailed');
    // The provider's description (with the token blanked) did reach lastError.
    expect(integrations[1]!.lastError?.message).toContain('was revoked');
    for (const [surface, text] of Object.entries(surfaces)) {
      for (const secret of secrets) expect({ surface, leaked: text.includes(secret) }).toEqual({ surface, leaked: false });
    }
  });
});
