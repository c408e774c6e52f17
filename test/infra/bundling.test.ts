import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { manifest } from '../../functions/manifest.ts';
import { assertNoLocalBackend, BUNDLE_ENTRY, functionBuildOptions, localBackendSources, repoRoot, unreachableOutputs } from '../../infra/aws/bundling.ts';
import { LocalCodeInBundleError } from '../../infra/aws/errors.ts';
import { bundleGraph } from '../../scripts/bundle-graph.ts';

/** A function's bundle as esbuild describes it, built in memory, and its entry as the metafile names it. */
async function bundleMetafile(name: string): Promise<{ meta: Metafile; entry: string }> {
  const spec = manifest.find((s) => s.name === name);
  if (spec === undefined) throw new Error(`no function ${name}`);
  const outdir = `${repoRoot}.tmp-bundling-test/${name}`;
  const { metafile } = await build({ ...functionBuildOptions(spec, outdir), absWorkingDir: repoRoot, write: false });
  return { meta: metafile as Metafile, entry: `.tmp-bundling-test/${name}/${BUNDLE_ENTRY}` };
}

/** The source files a function's deployed bundle holds (unreachable chunks left out, as the build prunes them). */
async function bundledSources(name: string): Promise<string[]> {
  const { meta, entry } = await bundleMetafile(name);
  const dead = new Set(unreachableOutputs(meta, entry));
  return Object.entries(meta.outputs).flatMap(([file, output]) => (dead.has(file) ? [] : Object.keys(output.inputs)));
}

/** The source files a function loads at start: its entry and the chunks the entry imports statically. */
async function startSources(name: string): Promise<string[]> {
  const { meta, entry } = await bundleMetafile(name);
  return bundleGraph(meta, entry).startFiles.flatMap((file) => Object.keys(meta.outputs[file]?.inputs ?? {}));
}

const has = (sources: readonly string[], fragment: string) => sources.some((source) => source.includes(fragment));

describe('Lambda bundles carry what the manifest access declares', () => {
  it('gives jwt-authorizer (secrets only) the Secrets Manager client and nothing for the table, alerts, queue or outbound calls', async () => {
    const sources = await bundledSources('jwt-authorizer');
    expect(has(sources, 'node_modules/@aws-sdk/client-secrets-manager/')).toBe(true);
    for (const absent of [
      '@aws-sdk/client-dynamodb/',
      '@aws-sdk/client-sns/',
      '@aws-sdk/client-sqs/',
      'node_modules/undici/',
      'lib/trust/tls-context.ts',
      'lib/runtime/local-services.ts',
      'lib/store/local/',
    ]) {
      expect({ absent, found: has(sources, absent) }).toEqual({ absent, found: false });
    }
  });

  it('gives token-refresh (secrets, table, alerts, queue, outbound) every client it declares, and no local backend', async () => {
    const sources = await bundledSources('token-refresh');
    for (const present of [
      '@aws-sdk/client-secrets-manager/',
      '@aws-sdk/client-dynamodb/',
      '@aws-sdk/client-sns/',
      '@aws-sdk/client-sqs/',
      'node_modules/undici/',
    ]) {
      expect({ present, found: has(sources, present) }).toEqual({ present, found: true });
    }
    expect(has(sources, 'lib/runtime/local-services.ts')).toBe(false);
  });

  it('gives trust (the table, no outbound calls) neither undici nor the TLS half of the trust context', async () => {
    const sources = await bundledSources('trust');
    expect(has(sources, '@aws-sdk/client-dynamodb/')).toBe(true);
    expect(has(sources, 'node_modules/undici/')).toBe(false);
    expect(has(sources, 'lib/trust/tls-context.ts')).toBe(false);
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

  it('gives cert-check-schedule, which only queues on AWS, none of the certificate check modules', async () => {
    const sources = await bundledSources('cert-check-schedule');
    expect(has(sources, 'lib/tls/check-enqueue.ts')).toBe(true);
    for (const absent of ['lib/tls/scheduled-run.ts', 'lib/tls/check.ts', 'lib/tls/probe.ts', 'lib/tls/revocation.ts', '@peculiar/asn1-x509/']) {
      expect({ absent, found: has(sources, absent) }).toEqual({ absent, found: false });
    }
  });

  it('loads the mail clients of integrations only when a connection is tested, not at start', async () => {
    const atStart = await startSources('integrations');
    expect(has(atStart, 'lib/oauth/test-connection.ts')).toBe(true);
    for (const absent of ['node_modules/imapflow/', 'node_modules/nodemailer/', 'node_modules/iconv-lite/', 'lib/mail/login.ts']) {
      expect({ absent, found: has(atStart, absent) }).toEqual({ absent, found: false });
    }
  });
});

describe('Lambda bundles never carry the local backend', () => {
  const fixtureDir = path.join(repoRoot, '.tmp-bundling-test', 'local-fixture');
  afterAll(() => rm(fixtureDir, { recursive: true, force: true }));

  // One test per function: each is one esbuild build, so a loaded machine slows them one by one
  // instead of pushing fourteen builds past a single test's time limit.
  it.each(manifest.map((spec) => [spec.name, spec] as const))('holds for %s (no lib/store/local, no lmdb)', async (name, spec) => {
    const outdir = path.join(repoRoot, '.tmp-bundling-test', name);
    const { metafile } = await build({ ...functionBuildOptions(spec, outdir), absWorkingDir: repoRoot, write: false });
    expect(localBackendSources(metafile as Metafile, path.relative(repoRoot, path.join(outdir, BUNDLE_ENTRY)))).toEqual([]);
  });

  it('refuses a bundle whose handler reaches the local stores, naming lmdb and the local store modules', async () => {
    await mkdir(fixtureDir, { recursive: true });
    const entry = path.join(fixtureDir, 'handler.ts');
    await writeFile(entry, "import { createLocalStores } from '../../lib/store/local/index.ts';\nexport const handler = () => typeof createLocalStores;\n");
    const outdir = path.join(fixtureDir, 'out');
    const spec = { name: 'reaches-local', description: 'fixture', entry: path.relative(repoRoot, entry), access: {} };
    const { metafile } = await build({ ...functionBuildOptions(spec, outdir), absWorkingDir: repoRoot, write: false });
    let refused: unknown;
    try {
      assertNoLocalBackend(spec.name, metafile as Metafile, repoRoot, outdir);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(LocalCodeInBundleError);
    const { sources } = refused as LocalCodeInBundleError;
    expect(sources).toContain('lmdb');
    expect(sources.some((source) => source.startsWith('lib/store/local/'))).toBe(true);
  });
});
