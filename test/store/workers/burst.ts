import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const worker = fileURLToPath(new URL('./burst-worker.ts', import.meta.url));

/**
 * Runs burst-worker.ts with `args`, kills it with SIGKILL once it has printed `atLeast` lines,
 * and returns the ids it said were done (`created <id>`); rejects if it exits on its own first.
 */
export async function killBurstWorker(args: readonly string[], atLeast: number): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', worker, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.split('\n').length > atLeast) resolve();
    });
    child.on('exit', (code) => {
      reject(new Error(`the burst worker exited ${String(code)} before it was killed: ${stderr}`));
    });
  });
  child.kill('SIGKILL');
  await new Promise((resolve) => child.on('close', resolve));
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('created '))
    .map((line) => line.slice('created '.length));
}
