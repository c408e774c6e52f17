/**
 * The rotating oidc-provider in a process of its own, as a real provider is: started by
 * provider-process.ts, it prints one JSON line (its endpoints, client and control URL) and serves
 * a small control API on loopback until its parent closes stdin.
 *   POST /mint {accountId} -> MintedGrant    POST /usable {refreshToken} -> boolean
 *   POST /latency {ms}    POST /stats
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

/** The control API: each route takes the request's JSON and returns the answer's. */
const routes: Record<string, (input: Record<string, unknown>) => unknown> = {
  '/mint': (input) => provider.mintGrant(String(input.accountId)),
  '/usable': (input) => provider.refreshTokenUsable(String(input.refreshToken)),
  '/latency': (input) => {
    const ms = Number(input.ms);
    provider.fault = ms > 0 ? async () => (await sleep(ms), undefined) : undefined;
    return true;
  },
  '/stats': () => ({ ...provider.stats, revokedGrants: [...provider.stats.revokedGrants] }),
};

const control = http.createServer((request, response) => {
  const route = routes[request.url ?? ''];
  response.setHeader('content-type', 'application/json');
  if (route === undefined) {
    response.statusCode = 404;
    response.end(JSON.stringify({ error: 'unknown control path' }));
    return;
  }
  body(request)
    .then(async (input) => {
      response.end(JSON.stringify((await route(input)) ?? null));
    })
    .catch((error: unknown) => {
      response.statusCode = 500;
      response.end(JSON.stringify({ error: String(error) }));
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
