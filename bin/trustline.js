#!/usr/bin/env node
// `npx trustline`: runs the TypeScript CLI from lib/, so it works after `npm ci` with no build step.
// The first run after a change to lib/ compiles it into node_modules/.cache (see compiled-cli.js);
// where that is not possible, tsx compiles lib/ on load instead.
import process from 'node:process';
import { compiledCli } from './compiled-cli.js';

/** lib/cli/main.ts through tsx's loader. */
async function viaTsx() {
  const { register } = await import('tsx/esm/api');
  register();
  return import('../lib/cli/main.ts');
}

const { main } = (await compiledCli()) ?? (await viaTsx());
process.exitCode = await main(process.argv.slice(2));
