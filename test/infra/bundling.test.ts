import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { manifest } from '../../functions/manifest.ts';
import { BUNDLE_ENTRY, functionBuildOptions, repoRoot, unreachableOutputs } from '../../infra/aws/bundling.ts';

/** The source files a function's deployed bundle holds (unreachable chunks left out, as the build prunes them). */
async function bundledSources(name: string): Promise<string[]> {
  const spec = manifest.find((s) => s.name === name);
  if (spec === undefined) throw new Error(`no function ${name}`);
  const outdir = `${repoRoot}.tmp-bundling-test/${name}`;
  const { metafile } = await build({ ...functionBuildOptions(spec, outdir), absWorkingDir: repoRoot, write: false });
  const meta = metafile as Metafile;
  const dead = new Set(unreachableOutputs(meta, `.tmp-bundling-test/${name}/${BUNDLE_ENTRY}`));
  return Object.entries(meta.outputs).flatMap(([file, output]) => (dead.has(file) ? [] : Object.keys(output.inputs)));
}

const has = (sources: readonly string[], fragment: string) => sources.some((source) => source.includes(fragment));

describe('Lambda bundles carry what the manifest access declares', () => {
  it('gives jwt-authorizer (secrets only) the Secrets Manager client and nothing for the table, alerts, queue or outbound calls', async () => {
    const sources = await bundledSources('jwt-authorizer');
    expect(has(sources, 'node_modules/@aws-sdk/client-secrets-manager/')).toBe(true);
    for (const absent of ['@aws-sdk/client-dynamodb/', '@aws-sdk/client-sns/', '@aws-sdk/client-sqs/', 'node_modules/undici/', 'lib/trust/tls-context.ts', 'lib/runtime/local-services.ts', 'lib/store/local/']) {
      expect({ absent, found: has(sources, absent) }).toEqual({ absent, found: false });
    }
  });

  it('gives token-refresh (secrets, table, alerts, queue, outbound) every client it declares, and no local backend', async () => {
    const sources = await bundledSources('token-refresh');
    for (const present of ['@aws-sdk/client-secrets-manager/', '@aws-sdk/client-dynamodb/', '@aws-sdk/client-sns/', '@aws-sdk/client-sqs/', 'node_modules/undici/']) {
      expect({ present, found: has(sources, present) }).toEqual({ present, found: true });
    }
    expect(has(sources, 'lib/runtime/local-services.ts')).toBe(false);
  });

  it('replaces the SDK default credential chain with the environment provider Lambda uses', async () => {
    const sources = await bundledSources('jwt-validate');
    expect(has(sources, 'lib/runtime/aws/lambda-credentials.ts')).toBe(true);
    expect(has(sources, '@aws-sdk/credential-provider-sso/')).toBe(false);
    expect(has(sources, '@aws-sdk/nested-clients/')).toBe(false);
  });

  it('leaves out the chunks nothing reaches (the mail clients of a function that never tests a connection)', async () => {
    expect(has(await bundledSources('oauth-callback'), 'node_modules/imapflow/')).toBe(false);
    expect(has(await bundledSources('integrations'), 'node_modules/imapflow/')).toBe(true);
  });
});
