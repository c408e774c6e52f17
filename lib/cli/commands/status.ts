import type { Command } from 'commander';
import { z } from 'zod';
import { AdminClient } from '../admin-client.ts';
import { action, withJson } from '../output.ts';

const healthSchema = z.looseObject({ status: z.string(), version: z.string(), backend: z.string() });

/** `trustline status`: whether Trustline answers at TRUSTLINE_URL (GET /health). */
export function register(program: Command): void {
  withJson(program.command('status').description('check that Trustline is running at TRUSTLINE_URL (default http://127.0.0.1:3000)')).action(
    action(async () => {
      const client = AdminClient.fromEnv();
      const health = await client.get('/health', healthSchema);
      return {
        document: { url: client.baseUrl, ...health },
        text: `Trustline ${health.version} is running at ${client.baseUrl} (status: ${health.status}, backend: ${health.backend}).`,
      };
    }),
  );
}
