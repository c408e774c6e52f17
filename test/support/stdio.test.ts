import { describe, expect, it } from 'vitest';
import { logger } from '../../lib/observe/index.ts';
import { captureStdio } from './stdio.ts';

describe('captureStdio', () => {
  it('captures log lines with the rest by default (tests that read the log on purpose)', async () => {
    const output = await captureStdio(() => {
      logger.info('a line of the logger');
      process.stdout.write('a document\n');
    });
    expect(output.stdout).toContain('"message":"a line of the logger"');
    expect(output.stdout).toContain('a document\n');
  });

  it("with logLines 'pass', leaves out what a logger elsewhere in the process writes meanwhile (an in-process server's scheduled run)", async () => {
    const output = await captureStdio(
      () => {
        logger.info('a scheduled run finished');
        process.stdout.write('{"id":"the CLI document"}\n');
      },
      { logLines: 'pass' },
    );
    expect(output.stdout).toBe('{"id":"the CLI document"}\n');
    expect(JSON.parse(output.stdout)).toEqual({ id: 'the CLI document' });
  });
});
