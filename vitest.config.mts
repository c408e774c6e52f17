import { defineConfig } from 'vitest/config';

// Two tiers: `unit` needs only npm packages (loopback peers included);
// `system` needs Debian peers (Dovecot, a JDK, Chromium) installed by `npm run setup:system`.
export default defineConfig({
  test: {
    // Console output (log lines included, see test/setup.ts) is printed only for tests that fail.
    silent: 'passed-only',
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'node_modules/**'],
          setupFiles: ['test/setup.ts'],
          // Bounds on a hung test, not speed targets: a loaded 2-core CI machine runs every test several times slower.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'system',
          include: ['test/e2e/**/*.test.ts'],
          setupFiles: ['test/setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
