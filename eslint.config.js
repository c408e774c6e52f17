// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['node_modules/', 'cdk.out/', 'dist/', '.dist-building-*/', '.trustline/'] },
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
    // `import { z } from 'zod'` makes esbuild keep zod's whole namespace object, all of zod (~450 KB), in
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
