import * as z from 'zod';
import { AdminClient } from './admin-client.ts';

/** How long `certs check` waits for Trustline's truststore before checking without it. */
const TRUSTSTORE_TIMEOUT_MS = 3000;

const entriesSchema = z.object({ entries: z.array(z.looseObject({ pem: z.string() })) });

/** The managed truststore as `certs check` sees it: its PEMs, or why it could not be read. */
export type ManagedTrust = { readonly consulted: true; readonly pems: readonly string[] } | { readonly consulted: false; readonly reason: string };

/**
 * Reads the managed truststore from Trustline at TRUSTLINE_URL (GET /admin/trust), so a
 * standalone check trusts what Trustline trusts. Never throws: a Trustline that does not
 * answer only means the check runs on the other anchors.
 */
export async function readManagedTrust(env: NodeJS.ProcessEnv = process.env): Promise<ManagedTrust> {
  try {
    const client = AdminClient.fromEnv(env, { timeoutMs: TRUSTSTORE_TIMEOUT_MS });
    const { entries } = await client.get('/admin/trust', entriesSchema);
    return { consulted: true, pems: entries.map((entry) => entry.pem) };
  } catch (error) {
    return { consulted: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
