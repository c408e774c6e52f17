import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import * as client from 'openid-client';
import Provider, { type Adapter, type AdapterPayload, type Configuration } from 'oidc-provider';

/**
 * oidc-provider on 127.0.0.1 as the strictest kind of provider: `rotateRefreshToken: true`, so
 * every refresh returns a new refresh token and presenting a used one revokes the whole grant
 * (every token of it). Grants are minted directly (no browser), faults are injected in front of
 * the token endpoint, and what the provider saw is counted: refreshes, reuse, revoked grants.
 */
export interface RotatingProvider {
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** What the next token requests meet before oidc-provider sees them (undefined: nothing). */
  fault: ((request: TokenRequest) => Fault | undefined | Promise<Fault | undefined>) | undefined;
  readonly stats: ProviderStats;
  /** A new grant for `accountId` with its first refresh token, as if the user had just consented. */
  mintGrant(accountId: string): Promise<MintedGrant>;
  /** Whether the grant still exists (not revoked by reuse detection). */
  grantAlive(grantId: string): Promise<boolean>;
  /** Whether a refresh token is currently usable (exists, unconsumed, grant alive). */
  refreshTokenUsable(refreshToken: string): Promise<boolean>;
  /** A plain openid-client configuration for this provider's client (a sibling, a baseline, "the user elsewhere"). */
  clientConfiguration(): client.Configuration;
  close(): Promise<void>;
}

export interface MintedGrant {
  readonly grantId: string;
  readonly refreshToken: string;
}

export interface TokenRequest {
  readonly grantType: string;
  readonly refreshToken: string | undefined;
  /** 1-based count of token requests so far, this one included. */
  readonly sequence: number;
}

/**
 * `status`: answer it instead, as the OAuth `error` given (default server_error / slow_down for
 * 429) and description, with Retry-After if given; `answer`: a 200 with this JSON; `hang`: never answer;
 * `reset`: drop the connection.
 */
export type Fault =
  | { readonly status: number; readonly error?: string; readonly description?: string; readonly retryAfter?: string }
  | { readonly answer: Readonly<Record<string, unknown>> }
  | { readonly hang: true }
  | { readonly reset: true };

export interface ProviderStats {
  /** Refresh requests oidc-provider answered with new tokens. */
  refreshed: number;
  /** Refresh requests presenting an already used refresh token (each revokes its grant). */
  reused: number;
  /** Grants revoked by reuse detection. */
  readonly revokedGrants: Set<string>;
  /** Token requests answered by an injected fault. */
  faulted: number;
  /** Token requests being answered right now, and the most there ever were at once. */
  inFlight: number;
  maxInFlight: number;
}

export interface RotatingProviderOptions {
  readonly accessTokenTtlSeconds?: number;
}

/** A plain openid-client configuration for a loopback provider's client (plain http allowed). */
export function loopbackClientConfiguration(issuer: string, clientId: string, clientSecret: string): client.Configuration {
  const configuration = new client.Configuration({ issuer, token_endpoint: `${issuer}/token` }, clientId, clientSecret, client.ClientSecretPost(clientSecret));
  // Plain http is the point of a loopback test provider.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  client.allowInsecureRequests(configuration);
  return configuration;
}

export async function startRotatingProvider(options: RotatingProviderOptions = {}): Promise<RotatingProvider> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'trustline';
  const clientSecret = `cs-${randomBytes(24).toString('base64url')}`;
  const store = new Map<string, AdapterPayload>();
  const grantMembers = new Map<string, Set<string>>();
  const configuration: Configuration = {
    adapter: (name) => mapAdapter(store, grantMembers, name),
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [`${issuer}/unused-callback`],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    scopes: ['offline_access', 'mail'],
    features: { devInteractions: { enabled: false } },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
    ttl: { AccessToken: options.accessTokenTtlSeconds ?? 3600, RefreshToken: 90 * 24 * 3600, Grant: 90 * 24 * 3600 },
    rotateRefreshToken: true,
  };
  const provider = new Provider(issuer, configuration);
  const stats: ProviderStats = { refreshed: 0, reused: 0, revokedGrants: new Set(), faulted: 0, inFlight: 0, maxInFlight: 0 };
  provider.on('grant.revoked', (_ctx, grantId) => stats.revokedGrants.add(grantId));
  provider.on('grant.success', (ctx) => {
    if (ctx.oidc.params?.grant_type === 'refresh_token') stats.refreshed++;
  });
  provider.on('grant.error', (_ctx, error) => {
    if ((error as { error_detail?: string }).error_detail === 'refresh token already used') stats.reused++;
  });
  const handle = provider.callback();
  const hanging = new Set<http.ServerResponse>();
  let sequence = 0;

  const fixture: RotatingProvider = {
    issuer,
    authorizationEndpoint: `${issuer}/auth`,
    tokenEndpoint: `${issuer}/token`,
    clientId,
    clientSecret,
    fault: undefined,
    stats,
    async mintGrant(accountId) {
      const client = await provider.Client.find(clientId);
      if (client === undefined) throw new Error('fixture client missing');
      const grant = new provider.Grant({ accountId, clientId });
      grant.addOIDCScope('offline_access mail');
      const grantId = await grant.save();
      const refreshToken = await new provider.RefreshToken({ accountId, client, grantId, scope: 'offline_access mail', gty: 'authorization_code' }).save();
      return { grantId, refreshToken };
    },
    async grantAlive(grantId) {
      return (await provider.Grant.find(grantId)) !== undefined;
    },
    async refreshTokenUsable(refreshToken) {
      const token = await provider.RefreshToken.find(refreshToken);
      return token?.grantId !== undefined && !token.consumed && !token.isExpired && (await fixture.grantAlive(token.grantId));
    },
    clientConfiguration: () => loopbackClientConfiguration(issuer, clientId, clientSecret),
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.method !== 'POST' || new URL(req.url ?? '/', issuer).pathname !== '/token') {
      void handle(req, res);
      return;
    }
    stats.maxInFlight = Math.max(stats.maxInFlight, ++stats.inFlight);
    res.once('close', () => stats.inFlight--);
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks);
      const body = new URLSearchParams(raw.toString('utf8'));
      const fault = await fixture.fault?.({
        grantType: body.get('grant_type') ?? '',
        refreshToken: body.get('refresh_token') ?? undefined,
        sequence: ++sequence,
      });
      if (fault !== undefined) {
        stats.faulted++;
        answerFault(res, fault, hanging);
        return;
      }
      // oidc-provider reads the body itself: hand it the bytes already read as a fresh stream.
      const replay = Object.assign(Readable.from([raw]), {
        headers: req.headers,
        method: req.method,
        url: req.url,
        socket: req.socket,
        connection: req.socket,
        httpVersion: req.httpVersion,
      });
      await handle(replay as unknown as http.IncomingMessage, res);
    })();
  });
  return fixture;
}

function answerFault(res: http.ServerResponse, fault: Fault, hanging: Set<http.ServerResponse>): void {
  if ('hang' in fault) {
    hanging.add(res);
    res.on('close', () => {
      hanging.delete(res);
    });
    return;
  }
  if ('reset' in fault) {
    res.socket?.destroy();
    return;
  }
  if ('answer' in fault) {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(fault.answer));
    return;
  }
  const error = fault.error ?? (fault.status === 429 ? 'slow_down' : 'server_error');
  res.writeHead(fault.status, { 'content-type': 'application/json', ...(fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter }) });
  res.end(JSON.stringify({ error, error_description: fault.description ?? 'Injected by the test.' }));
}

/**
 * oidc-provider's own memory adapter is a 1,000-entry LRU shared by every instance in the
 * process: grants would be evicted under load. This one is a plain Map per provider.
 */
function mapAdapter(store: Map<string, AdapterPayload>, members: Map<string, Set<string>>, name: string): Adapter {
  const key = (id: string) => `${name}:${id}`;
  const grantKey = (grantId: string) => grantId;
  return {
    upsert(id, payload) {
      store.set(key(id), payload);
      if (payload.grantId !== undefined) {
        const set = members.get(grantKey(payload.grantId)) ?? new Set<string>();
        set.add(key(id));
        members.set(grantKey(payload.grantId), set);
      }
      return Promise.resolve();
    },
    find: (id) => Promise.resolve(store.get(key(id))),
    findByUid: (uid) => Promise.resolve([...store.entries()].find(([k, v]) => k.startsWith(`${name}:`) && v.uid === uid)?.[1]),
    findByUserCode: () => Promise.resolve(undefined),
    consume(id) {
      const payload = store.get(key(id));
      if (payload !== undefined) store.set(key(id), { ...payload, consumed: Math.floor(Date.now() / 1000) });
      return Promise.resolve();
    },
    destroy(id) {
      store.delete(key(id));
      return Promise.resolve();
    },
    revokeByGrantId(grantId) {
      for (const member of members.get(grantKey(grantId)) ?? []) if (member.startsWith(`${name}:`)) store.delete(member);
      return Promise.resolve();
    },
  };
}
