import { fileURLToPath } from 'node:url';
import { version } from '../../lib/runtime/version.ts';

/** The repository root: manifest entries are relative to it. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * esbuild settings shared by the CDK functions and `npm run build`, so the bundle measured by the
 * cold-start benchmark is the bundle that is deployed.
 *
 * Two more things decide what a function loads at start, both outside these settings:
 * - package.json's `sideEffects` declares every module of lib/ and functions/ free of import-time
 *   effects, so a function importing one thing from a capability's index.ts does not get the rest;
 * - a bundle evaluates at start every module its static imports reach; what only some paths need is
 *   imported with `await import()` where it is used, which esbuild keeps in the bundle but evaluates on
 *   first use (undici in lib/trust/tls-context.ts, the mail clients in lib/oauth/test-connection.ts).
 *   Static imports of external packages (the AWS SDK) are hoisted to the top and load at start wherever they are.
 */
export const bundleSettings = {
  format: 'esm',
  platform: 'node',
  // Development machines run Node 20; nodejs24.x runs anything built for it.
  target: 'node20',
  minify: true,
  sourcemap: true,
  // Stack traces need the mappings only; the sources would double the upload.
  sourcesContent: false,
  mainFields: ['module', 'main'],
  // The Lambda runtime ships the AWS SDK v3; bundling it would add megabytes to every function.
  external: ['@aws-sdk/*'],
  // CommonJS dependencies call `require`, which an ES module lacks; the alias avoids clashing with a bundled import.
  banner: "import { createRequire as __trustlineCreateRequire } from 'node:module'; const require = __trustlineCreateRequire(import.meta.url);",
  // lib/runtime/version.ts reads package.json at run time unless this is defined.
  define: { __TRUSTLINE_VERSION__: JSON.stringify(version) },
} as const;
