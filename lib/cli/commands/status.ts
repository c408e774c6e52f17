import type { Command } from 'commander';
import { action, withJson } from '../output.ts';

/** `trustline status`: whether Trustline answers at TRUSTLINE_URL (GET /health). */
export function register(program: Command): void {
  withJson(program.command('status').description('check that Trustline is running at TRUSTLINE_URL (default http://127.0.0.1:3000)')).action(
    action(async () => (await import('../actions/status.ts')).statusCommand()),
  );
}
