/**
 * Captures what the process writes to stdout and stderr while `action` runs: the real bytes
 * Powertools' own Console instances emit, not a spy on a logger method.
 */
export async function captureStdio(
  action: () => unknown,
  options: { readonly logLines?: 'capture' | 'pass' } = {},
): Promise<{ stdout: string; stderr: string; lines: string[] }> {
  const chunks = { stdout: [] as string[], stderr: [] as string[] };
  const original = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };
  const tap =
    (into: string[], stream: 'stdout' | 'stderr') =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      // 'pass': a log line of something else in this process (an in-process server's request or a
      // scheduled run) goes on to the stream as before, instead of into the captured output.
      if (options.logLines === 'pass' && isStructuredLogLine(text)) return (original[stream] as (...args: unknown[]) => boolean)(chunk, ...rest);
      into.push(text);
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    };
  process.stdout.write = tap(chunks.stdout, 'stdout');
  process.stderr.write = tap(chunks.stderr, 'stderr');
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

/** A Powertools JSON log line or EMF metric line, as the logger and metrics write them. */
export function isStructuredLogLine(text: string): boolean {
  return text.startsWith('{"level":') || text.startsWith('{"_aws":');
}
