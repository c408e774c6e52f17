import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { manifest } from '../../functions/manifest.ts';
import { BUNDLE_ENTRY, functionBuildOptions, repoRoot } from '../../infra/aws/bundling.ts';
import { bundleGraph } from '../../scripts/bundle-graph.ts';

/** The source files a function's Lambda bundle loads at start: its entry and the chunks the entry imports statically. */
async function startSources(name: string): Promise<string[]> {
  const spec = manifest.find((s) => s.name === name);
  if (spec === undefined) throw new Error(`no function ${name}`);
  const outdir = `${repoRoot}.tmp-start-path-test/${name}`;
  const { metafile } = await build({ ...functionBuildOptions(spec, outdir), absWorkingDir: repoRoot, write: false });
  const meta = metafile as Metafile;
  return bundleGraph(meta, `.tmp-start-path-test/${name}/${BUNDLE_ENTRY}`).startFiles.flatMap((file) => Object.keys(meta.outputs[file]?.inputs ?? {}));
}

function expectAbsent(sources: readonly string[], fragments: readonly string[]): void {
  for (const absent of fragments) {
    expect({ absent, found: sources.some((source) => source.includes(absent)) }).toEqual({ absent, found: false });
  }
}

// What a function's common events do not use stays out of its start: read from disk and compiled
// on the route that needs it (a cold start pays for everything the entry loads).
describe('Lambda bundles start without what their common events do not use', () => {
  it('starts endpoints without the certificate check (probe, chain analysis, revocation, ASN.1), which only POST .../check runs', async () => {
    const atStart = await startSources('endpoints');
    expect(atStart).toContain('lib/tls/endpoints.ts');
    expectAbsent(atStart, ['lib/tls/check.ts', 'lib/tls/probe.ts', 'lib/tls/revocation.ts', 'node_modules/asn1js/', '@peculiar/']);
  });

  it.each(['trust', 'endpoints', 'cert-check-schedule', 'cert-check-worker', 'integrations', 'token-refresh', 'token-refresh-worker', 'oauth-callback'])(
    "starts %s without zod's classic API: the schemas it builds at start are zod/mini ones, far cheaper to build",
    async (name) => {
      const atStart = await startSources(name);
      expect(atStart.some((source) => source.startsWith('node_modules/zod/v4/mini/'))).toBe(true);
      expectAbsent(atStart, ['node_modules/zod/v4/classic/']);
    },
  );
});
