import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { AdminApiError, NotRunningError } from '../../lib/cli/errors.ts';
import { type CommandResult, EXIT, action, withJson } from '../../lib/cli/output.ts';
import { registerSecret } from '../../lib/observe/redact.ts';
import { forgetSecrets } from '../../lib/observe/secret-registry.ts';
import { captureStdio } from '../support/stdio.ts';

/** True when the text holds a C0 or C1 control character other than tab and newline. */
const hasControlCharacter = (text: string): boolean =>
  Array.from({ length: text.length }, (_, i) => text.charCodeAt(i)).some(
    (code) => (code < 0x20 && code !== 0x09 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f),
  );
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
    const problem = {
      type: 'x',
      title: 'Bad Request',
      status: 400,
      code: 'VALIDATION_FAILED',
      detail: 'The body is not valid: host: Required.',
      errors: [{ field: 'host', message: 'Required' }],
    };
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

describe('provider text on the terminal', () => {
  // ESC[2J clears the screen, ESC]0;…BEL retitles the window, 0x9B is the one-byte CSI, CR overwrites the line.
  const hostile = 'invalid_grant: \u001b[2J\u001b]0;pwned\u0007fake OK\r\u009b31mred\u0000';

  it('strips control characters (tab and newline kept) from the text a command prints', async () => {
    const run = await runAction([], () => Promise.resolve({ document: {}, text: `last error:\t${hostile}\nnext line` }));
    expect(run.stdout).toBe('last error:\tinvalid_grant: [2J]0;pwnedfake OK31mred\nnext line\n');
  });

  it('strips them from an error message on stderr too', async () => {
    const run = await runAction([], () => Promise.reject(new AdminApiError(400, 'PROVIDER_DENIED', hostile, {})));
    expect(hasControlCharacter(run.stderr)).toBe(false);
    expect(run.stderr).toContain('fake OK');
  });

  it('keeps them escaped in --json, where JSON.stringify already makes them harmless', async () => {
    const run = await runAction(['--json'], () => Promise.resolve({ document: { message: hostile }, text: '' }));
    expect(run.stdout).not.toContain('\u001b');
    expect((JSON.parse(run.stdout) as { message: string }).message).toBe(hostile);
  });
});
