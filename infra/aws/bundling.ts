import { fileURLToPath } from 'node:url';
import { version } from '../../lib/runtime/version.ts';

/** The repository root: manifest entries are relative to it. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * esbuild settings shared by the CDK functions and `npm run build`, so the bundle measured by the
 * cold-start benchmark is the bundle that is deployed.
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
