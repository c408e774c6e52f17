#!/usr/bin/env node
// `npx trustline`: runs the TypeScript CLI straight from lib/ (tsx compiles it on load), so
// it works after `npm ci` with no build step.
import process from 'node:process';
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../lib/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
