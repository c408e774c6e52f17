import { defineConfig } from 'vitest/config';

// Two tiers: `unit` needs only npm packages (loopback peers included);
// `system` needs Debian peers (Dovecot, a JDK, Chromium) installed by `npm run setup:system`.
export default defineConfig({
  test: {
    // Console output (log lines included, see test/setup.ts) is printed only for tests that fail.
    silent: 'passed-only',
    // `npm run test:coverage` (CI, Node 20): V8 coverage of the product code, a summary on stdout, and a
    // failure when a figure drops below its threshold (set just under the figures when they were set).
    coverage: {
      provider: 'v8',
      include: ['lib/**/*.ts', 'functions/**/*.ts', 'infra/**/*.ts', 'bin/**/*.js'],
      exclude: ['lib/console/ui/**'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
      thresholds: { statements: 82, branches: 72, functions: 85, lines: 84 },
    },
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
