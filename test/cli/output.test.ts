import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { AdminApiError, NotRunningError } from '../../lib/cli/errors.ts';
import { type CommandResult, EXIT, action, withJson } from '../../lib/cli/output.ts';
import { registerSecret } from '../../lib/observe/redact.ts';
import { forgetSecrets } from '../../lib/observe/secret-registry.ts';
import { captureStdio } from '../support/stdio.ts';

/** Runs a one-command program whose action is `run`; returns what it printed and the exit code it set. */
async function runAction(argv: string[], run: () => Promise<CommandResult>) {
  const program = new Command('t').exitOverride();
  withJson(program.command('do')).action(action(run));
  const previous = process.exitCode;
  let exitCode: number | string | undefined;
  const printed = await captureStdio(async () => {
    await program.parseAsync(['do', ...argv], { from: 'user' });
    exitCode = process.exitCode;
  });
  process.exitCode = previous;
  return { ...printed, exitCode };
}

afterEach(() => {
  forgetSecrets();
});

describe('the --json convention', () => {
  const result: CommandResult = { document: { ok: true, items: [1, 2] }, text: 'All good: 2 items.' };

  it('prints exactly one JSON document on stdout and nothing else with --json', async () => {
    const run = await runAction(['--json'], () => Promise.resolve(result));
    expect(JSON.parse(run.stdout)).toEqual({ ok: true, items: [1, 2] });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(EXIT.ok);
  });

  it('prints the text for a person without --json', async () => {
    const run = await runAction([], () => Promise.resolve(result));
    expect(run.stdout).toBe('All good: 2 items.\n');
  });

  it('exits 1 when the checked thing failed, still printing the document', async () => {
    const run = await runAction(['--json'], () => Promise.resolve({ ...result, exitCode: EXIT.failed }));
    expect(run.exitCode).toBe(EXIT.failed);
    expect(JSON.parse(run.stdout)).toEqual(result.document);
  });

  it('writes an error to stderr only, with its fix, and exits with its code', async () => {
    const run = await runAction([], () => Promise.reject(new NotRunningError('http://127.0.0.1:3000')));
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Error: Trustline is not running at http://127.0.0.1:3000: start it with npm start.');
    expect(run.exitCode).toBe(EXIT.failed);
  });

  it('with --json, makes the error the one JSON document, with the fields of the problem', async () => {
    const problem = { type: 'x', title: 'Bad Request', status: 400, code: 'VALIDATION_FAILED', detail: 'The body is not valid: host: Required.', errors: [{ field: 'host', message: 'Required' }] };
    const run = await runAction(['--json'], () => Promise.reject(new AdminApiError(400, problem.code, problem.detail, problem)));
    expect(JSON.parse(run.stdout)).toEqual({ error: { status: 400, errors: problem.errors, code: 'VALIDATION_FAILED', message: problem.detail } });
    expect(run.stderr).toContain('  - host: Required');
    expect(run.exitCode).toBe(EXIT.usage);
  });

  it('redacts registered secrets from error messages', async () => {
    const secret = randomBytes(16).toString('hex');
    registerSecret(secret);
    const run = await runAction(['--json'], () => Promise.reject(new Error(`boom with ${secret}`)));
    expect(run.stdout + run.stderr).not.toContain(secret);
    expect(run.exitCode).toBe(EXIT.failed);
  });
});
