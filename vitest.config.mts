import { defineConfig } from 'vitest/config';

// Two tiers: `unit` needs only npm packages (loopback peers included);
// `system` needs Debian peers (Dovecot, a JDK) installed by `npm run setup:system`.
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
          testTimeout: 30_000,
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
