/** How long a wait goes before a spinner appears: shorter waits only flicker. */
const DELAY_MS = 1000;

let enabled = false;

/** Allows spinners for this run (main.ts: a person's text output, not --json or --nagios). */
export function useSpinner(on: boolean): void {
  enabled = on;
}

/**
 * Runs `work`; when it takes more than about a second and stderr is a terminal, shows
 * `text` with a spinner on stderr meanwhile (yocto-spinner, loaded only then).
 */
export async function withSpinner<T>(text: string, work: () => Promise<T>): Promise<T> {
  if (!enabled || !process.stderr.isTTY) return work();
  let done = false;
  let stop: (() => void) | undefined;
  const timer = setTimeout(() => {
    void import('yocto-spinner').then(({ default: yoctoSpinner }) => {
      if (done) return;
      const spinner = yoctoSpinner({ text, stream: process.stderr }).start();
      stop = () => spinner.stop();
    });
  }, DELAY_MS);
  try {
    return await work();
  } finally {
    done = true;
    clearTimeout(timer);
    stop?.();
  }
}
