// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Folders of lib/ with an index.ts: their front door. */
const CAPABILITIES = ['console', 'http', 'jwt', 'mail', 'oauth', 'observe', 'runtime', 'store', 'tls', 'trust'];

const INFRA = { regex: '^(\\.\\.?/)+infra/', message: 'lib/ and functions/ may not depend on the infrastructure that runs them.' };
const FUNCTIONS = {
  regex: '^(\\.\\.?/)+functions/',
  allowTypeImports: true,
  message: "lib/ may not depend on the functions; only the manifest's types may be read.",
};
const AWS_FROM_LOCAL = { regex: '^\\.\\./aws/', message: 'The local runtime is built from the manifest, never from the AWS stack.' };
/**
 * lib/runtime's configuration, its error and the version are doors of their own beside its index: they
 * load no backend. The index adds the services, whose `await import()` of each backend makes esbuild
 * split every bundle that reaches it, and would load the configuration's parser (zod) at each CLI start.
 */
const RUNTIME_LIGHT_DOORS = 'runtime/(config|config-error|version)\\.ts$';
/**
 * lib/tls's target store is a door of its own beside the index: the index also re-exports the
 * certificate check, and esbuild places a module in a chunk by the imports that reach it, used or not,
 * so a bundle importing the index statically loads the whole check at start even where only a
 * route's `await import()` runs it (the endpoints function's check route).
 */
const TLS_LIGHT_DOORS = 'tls/endpoints\\.ts$';
/** A capability's index.ts (a folder's own, as lib/store/local/index.ts) and the light doors above. */
const frontDoor = (exception) => ({
  regex: `^(\\.\\.?/)+(lib/)?(?!${RUNTIME_LIGHT_DOORS}|${TLS_LIGHT_DOORS}${exception})(${CAPABILITIES.join('|')})/(?!(.+/)?index\\.ts$)`,
  message: 'Import a capability through its index.ts (export what you need there); its other files are its own.',
});
const FRONT_DOOR = frontDoor('');
/**
 * The stack declares the table from the AWS adapter's own schema module: lib/store/aws/index.ts would
 * load every AWS SDK client into `cdk synth`, and the schema module imports none.
 */
const FRONT_DOOR_FOR_STACK = frontDoor('|store/aws/table-schema\\.ts$');
/**
 * infra/aws, the CDK stack, is entered through its index.ts. bundling.ts is a second door: the esbuild
 * settings `npm run build` reads, which the index would make load aws-cdk-lib and cdk-nag.
 */
const STACK = {
  regex: '^(\\.\\.?/)+infra/aws/(?!index\\.ts$|bundling\\.ts$)',
  message: 'Import the CDK stack through infra/aws/index.ts, or the esbuild settings from infra/aws/bundling.ts.',
};
/** One no-restricted-imports setting (a later block replaces an earlier one's, so each folder gets its whole list). */
const restrict = (...patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] });

export default defineConfig(
  { ignores: ['node_modules/', 'cdk.out/', 'dist/', '.dist-building-*/', '.trustline/', '.tmp-*/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', 'bin/*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // An import cycle makes the order modules initialise in depend on which one is loaded first, and
    // lets a bundle drag in a whole capability for one function; dynamic imports count too.
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js'] })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // Layers: lib/ is the product and knows nothing of the functions or the infrastructure that run it
    // (the manifest's types excepted: the composition root reads what each function may touch);
    // functions/ are thin handlers, never the infrastructure; the local runtime never borrows from the
    // AWS stack. A capability (a lib/ folder with an index.ts, lib/runtime included) is entered through
    // its index.ts: what it keeps out of its index stays its own; so is infra/aws. Dynamic imports are
    // not checked (the rule reads import declarations only): a lazily loaded module is imported by its
    // own path on purpose, so that its chunk holds it and not the rest of its capability.
    files: ['lib/**'],
    rules: restrict(INFRA, FUNCTIONS, FRONT_DOOR),
  },
  // The composition root's AWS wiring builds each SDK client and adapter from the adapter's own module:
  // lib/store/aws/index.ts would load every AWS SDK client whenever it runs from source (tsx, the tests).
  { files: ['lib/runtime/aws/**'], rules: restrict(INFRA, FUNCTIONS) },
  // The browser console takes the plain protocol table, not lib/tls's index, which would pull Node modules into the page.
  { files: ['lib/console/ui/**'], rules: restrict(INFRA, FUNCTIONS) },
  { files: ['functions/**'], rules: restrict(INFRA, FRONT_DOOR) },
  { files: ['infra/local/**'], rules: restrict(AWS_FROM_LOCAL, FRONT_DOOR) },
  { files: ['infra/aws/**'], rules: restrict(FRONT_DOOR_FOR_STACK) },
  { files: ['bin/**', 'scripts/**'], rules: restrict(FRONT_DOOR, STACK) },
  {
    // `import { z } from 'zod'` makes esbuild keep zod's whole namespace object, all of zod, in
    // every Lambda bundle that reaches the file; `import * as z` keeps only what is used.
    files: ['lib/**', 'functions/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[importKind!='type'][source.value=/^zod(\\u002Fmini)?$/] > ImportSpecifier[importKind!='type'][imported.name='z']",
          message: 'Import zod as `import * as z from ...`, which lets the bundler leave out the parts of zod a function does not use.',
        },
      ],
    },
  },
  {
    // The CLI, the local runtime and scripts talk to a person on the terminal.
    files: ['lib/cli/**', 'infra/local/**', 'scripts/**', 'test/bench/**', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-floating-promises': 'off',
    },
  },
);
