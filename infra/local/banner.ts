import path from 'node:path';
import { redirectWarnings } from '../../lib/oauth/index.ts';
import { version } from '../../lib/runtime/version.ts';
import type { LocalRuntime } from './runtime.ts';

const DEFAULT_URL = 'http://127.0.0.1:3000';
const DEFAULT_DATA_DIR = path.resolve('.trustline');

/**
 * What `npm start` prints once the runtime is up (and `npm run start:aws-local`, with `about` saying
 * what it runs on). Names where the admin token is, never the token.
 */
export function banner(runtime: LocalRuntime, cwd = process.cwd(), about: readonly string[] = []): string {
  const shown = (file: string) => (file.startsWith(cwd + path.sep) ? path.relative(cwd, file) : file);
  const { config } = runtime;
  const cliEnv = [
    ...(runtime.url === DEFAULT_URL ? [] : [`TRUSTLINE_URL=${runtime.url}`]),
    ...(config.dataDir === DEFAULT_DATA_DIR || runtime.adminToken.source === 'env' ? [] : [`TRUSTLINE_DATA_DIR=${shown(config.dataDir)}`]),
  ];
  const cli = (args: string) => `npx trustline ${args}`;
  const warnings = redirectWarnings(config);
  const lines = [
    `Trustline ${version} is running at ${runtime.url} (backend: ${config.backend}, data: ${shown(config.dataDir)})`,
    ...about,
    '',
    `Redirect URLs start with ${config.publicUrl}/oauth/callback/${config.publicUrlExplicit ? ' (TRUSTLINE_PUBLIC_URL)' : ''}`,
    ...warnings.map((warning) => `  Warning: ${warning.message}`),
    '',
    'Admin API: every /admin route needs the header `Authorization: Bearer <admin token>`.',
    ...(runtime.adminToken.source === 'env'
      ? ['  The admin token is the value of TRUSTLINE_ADMIN_TOKEN; the CLI reads it from there too.']
      : [
          `  The admin token is in ${shown(runtime.adminToken.file ?? '')} (mode 0600, never printed). The CLI reads it from there itself.`,
          `  With curl: curl -H "Authorization: Bearer $(cat ${shown(runtime.adminToken.file ?? '')})" ${runtime.url}/admin/...`,
        ]),
    '',
    'Routes:',
    ...table(runtime.routes.map(({ fn, route }) => [route.method, route.path, route.auth, fn.name])),
    '',
    runtime.schedules.length === 0 ? 'Schedules: none' : 'Schedules (UTC):',
    ...table(
      runtime.schedules.map((job) => [
        job.schedule.cron,
        job.fn.name,
        job.schedule.description,
        job.nextRun === undefined ? '' : `next ${job.nextRun.toISOString()}`,
      ]),
    ),
    '',
    'CLI (from the repository root, in another terminal):',
    ...(cliEnv.length === 0 ? [] : [`  export ${cliEnv.join(' ')}`]),
    `  ${cli('--help')}`,
    `  ${cli('status')}`,
    '',
    'Admin console (in a browser, with the same environment as the CLI):',
    `  ${cli('console')}   (opens your browser at a one-time sign-in link; --no-open prints it)`,
    '',
    'Press Ctrl-C to stop.',
  ];
  return lines.join('\n');
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  return rows.map((row) => `  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd());
}
