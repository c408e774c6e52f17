import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useSpinner, withSpinner } from '../../lib/cli/spinner.ts';

/** The spinner shows on stderr, on a terminal, only for waits of more than about a second. */
describe('withSpinner', () => {
  let written: string[];
  const wasTty = process.stderr.isTTY;

  const stderr = process.stderr as unknown as Record<string, unknown>;
  const terminalMethods = ['cursorTo', 'clearLine', 'moveCursor'] as const;
  const saved = terminalMethods.map((name) => stderr[name]);

  beforeEach(() => {
    written = [];
    // A terminal as yocto-spinner drives one; vitest's stderr is a pipe.
    process.stderr.isTTY = true;
    for (const name of terminalMethods) stderr[name] = () => true;
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
    process.stderr.isTTY = wasTty;
    terminalMethods.forEach((name, i) => {
      stderr[name] = saved[i];
    });
    useSpinner(false);
  });

  it('appears on stderr while a long wait goes on, and the result comes through', async () => {
    useSpinner(true);
    let release!: (value: string) => void;
    const running = withSpinner('Checking mail.example.com:993…', () => new Promise<string>((resolve) => (release = resolve)));
    await vi.waitFor(
      () => {
        expect(written.join('')).toContain('Checking mail.example.com:993…');
      },
      { timeout: 10_000, interval: 50 },
    );
    release('done');
    await expect(running).resolves.toBe('done');
  });

  it('never appears for a wait shorter than the delay', async () => {
    vi.useFakeTimers();
    useSpinner(true);
    await expect(withSpinner('quick', () => Promise.resolve(1))).resolves.toBe(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(written.join('')).not.toContain('quick');
  });

  it('never appears with --json or --nagios (spinners off)', async () => {
    vi.useFakeTimers();
    useSpinner(false);
    let release!: () => void;
    const running = withSpinner(
      'json mode',
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    );
    await vi.advanceTimersByTimeAsync(5000);
    release();
    await running;
    expect(written.join('')).not.toContain('json mode');
  });
});
