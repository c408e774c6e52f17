import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as client from 'openid-client';
import { Pool } from 'undici';
import { type MintedGrant, type RotatingProvider, loopbackClientConfiguration } from '../../support/oidc-provider-rotating.ts';

const child = fileURLToPath(new URL('./provider-child.ts', import.meta.url));
/** Control calls in flight at once (grants are minted in bulk before each run). */
const CONTROL_CONNECTIONS = 8;

/** The rotating provider run in a child process (provider-child.ts): its CPU is not the benchmark's. */
export interface ProviderProcess extends Pick<
  RotatingProvider,
  'issuer' | 'authorizationEndpoint' | 'tokenEndpoint' | 'clientId' | 'clientSecret' | 'mintGrant'
> {
  /** Adds this much delay before each token answer, as a remote provider has (0: none). */
  setLatency(ms: number): Promise<void>;
  /** Grants revoked by reuse detection so far. */
  revokedGrants(): Promise<number>;
  refreshTokenUsable(refreshToken: string): Promise<boolean>;
  clientConfiguration(): client.Configuration;
  close(): Promise<void>;
}

export async function startProviderProcess(): Promise<ProviderProcess> {
  const process_ = spawn(process.execPath, ['--import', 'tsx', child], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) =>
    process_.once('exit', () => {
      resolve();
    }),
  );
  const started = await new Promise<{
    issuer: string;
    authorizationEndpoint: string;
    tokenEndpoint: string;
    clientId: string;
    clientSecret: string;
    controlUrl: string;
  }>((resolve, reject) => {
    let out = '';
    process_.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line !== undefined && out.includes('\n')) resolve(JSON.parse(line) as never);
    });
    process_.once('exit', (code) => {
      reject(new Error(`the provider process exited (${code}) before it started`));
    });
  });
  // A few kept-alive connections for the control calls: minting 2,000 grants through the global
  // fetch opened one connection each, and their keep-alive timeouts then closed them by the
  // thousand in the middle of whichever run came next (measured: ~1,500 still open then).
  const control = new Pool(started.controlUrl, { connections: CONTROL_CONNECTIONS });
  const call = async <T>(path: string, input: unknown = {}): Promise<T> => {
    const response = await control.request({ path, method: 'POST', body: JSON.stringify(input) });
    if (response.statusCode !== 200) throw new Error(`provider control ${path}: HTTP ${response.statusCode} ${await response.body.text()}`);
    return (await response.body.json()) as T;
  };
  const { issuer, authorizationEndpoint, tokenEndpoint, clientId, clientSecret } = started;
  return {
    issuer,
    authorizationEndpoint,
    tokenEndpoint,
    clientId,
    clientSecret,
    mintGrant: (accountId) => call<MintedGrant>('/mint', { accountId }),
    setLatency: async (ms) => {
      await call('/latency', { ms });
    },
    revokedGrants: async () => (await call<{ revokedGrants: string[] }>('/stats')).revokedGrants.length,
    refreshTokenUsable: (refreshToken) => call<boolean>('/usable', { refreshToken }),
    clientConfiguration: () => loopbackClientConfiguration(issuer, clientId, clientSecret),
    async close() {
      if (!control.closed) await control.close();
      process_.stdin.end();
      await exited;
    },
  };
}
