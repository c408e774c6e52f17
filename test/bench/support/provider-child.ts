/**
 * The rotating oidc-provider in a process of its own, as a real provider is: started by
 * provider-process.ts, it prints one JSON line (its endpoints, client and control URL) and serves
 * a small control API on loopback until its parent closes stdin.
 *   POST /mint {accountId} -> MintedGrant    POST /latency {ms}    GET /stats
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startRotatingProvider } from '../../support/oidc-provider-rotating.ts';

const provider = await startRotatingProvider();

async function body(request: http.IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of request) text += (chunk as Buffer).toString();
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

const control = http.createServer((request, response) => {
  const answer = (value: unknown) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify(value ?? null));
  };
  void (async () => {
    const input = await body(request);
    if (request.url === '/mint') { answer(await provider.mintGrant(String(input.accountId))); return; }
    if (request.url === '/latency') {
      const ms = Number(input.ms);
      provider.fault = ms > 0 ? async () => (await sleep(ms), undefined) : undefined;
      answer(true); return;
    }
    if (request.url === '/stats') { answer({ ...provider.stats, revokedGrants: [...provider.stats.revokedGrants] }); return; }
    response.statusCode = 404;
    answer({ error: 'unknown control path' });
  })().catch((error: unknown) => {
    response.statusCode = 500;
    answer({ error: String(error) });
  });
});
await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));

const { issuer, authorizationEndpoint, tokenEndpoint, clientId, clientSecret } = provider;
const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
process.stdout.write(`${JSON.stringify({ issuer, authorizationEndpoint, tokenEndpoint, clientId, clientSecret, controlUrl })}\n`);

// The parent closing stdin (or dying) ends this process.
process.stdin.resume();
process.stdin.on('end', () => {
  control.close();
  void provider.close().then(() => process.exit(0));
});
