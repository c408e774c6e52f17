/**
 * Captures what the process writes to stdout and stderr while `action` runs: the real bytes
 * Powertools' own Console instances emit, not a spy on a logger method.
 */
export async function captureStdio(action: () => unknown): Promise<{ stdout: string; stderr: string; lines: string[] }> {
  const chunks = { stdout: [] as string[], stderr: [] as string[] };
  const original = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };
  const tap =
    (into: string[]) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    };
  process.stdout.write = tap(chunks.stdout);
  process.stderr.write = tap(chunks.stderr);
  try {
    await action();
  } finally {
    process.stdout.write = original.stdout;
    process.stderr.write = original.stderr;
  }
  const stdout = chunks.stdout.join('');
  const stderr = chunks.stderr.join('');
  const lines = `${stdout}${stderr}`.split('\n').filter((line) => line.trim() !== '');
  return { stdout, stderr, lines };
}
