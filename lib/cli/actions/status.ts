/** What `trustline status` does, loaded only when it runs (commands/status.ts declares it). */
import * as z from 'zod';
import { AdminClient } from '../admin-client.ts';
import type { CommandResult } from '../output.ts';

const healthSchema = z.looseObject({ status: z.string(), version: z.string(), backend: z.string() });

/** `status`: the health document of the server at TRUSTLINE_URL. */
export async function statusCommand(): Promise<CommandResult> {
  const client = AdminClient.fromEnv();
  const health = await client.get('/health', healthSchema);
  return {
    document: { url: client.baseUrl, ...health },
    text: `Trustline ${health.version} is running at ${client.baseUrl} (status: ${health.status}, backend: ${health.backend}).`,
  };
}
