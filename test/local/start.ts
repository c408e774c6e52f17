import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FunctionSpec } from '../../functions/manifest.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import { type Config, loadConfig } from '../../lib/runtime/config.ts';
import { stubServices } from '../support/stub-services.ts';

export interface TestRuntime {
  readonly rt: LocalRuntime;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** A local runtime on a free loopback port over a fresh data directory and store stubs. */
export async function startTestRuntime(options: {
  manifest: readonly FunctionSpec[];
  adminToken?: string;
  dataDir?: string;
  publicUrl?: string;
}): Promise<TestRuntime> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'trustline-local-')));
  const config: Config = {
    ...loadConfig({ TRUSTLINE_DATA_DIR: dataDir, ...(options.publicUrl === undefined ? {} : { TRUSTLINE_PUBLIC_URL: options.publicUrl }) }),
    adminToken: options.adminToken,
  };
  const rt = await startLocalRuntime({ port: 0, config, services: stubServices(config), manifest: options.manifest, shutdownGraceMs: 1000 });
  return {
    rt,
    dataDir,
    async stop() {
      await rt.close();
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
