import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';

/**
 * oidc-provider on 127.0.0.1 issuing real signed JWT access tokens by the client_credentials grant
 * (resource indicators with accessTokenFormat 'jwt'), keys published at its discovered jwks_uri.
 */
export interface JwtIssuer {
  readonly issuer: string;
  /** The audience its tokens carry (the one resource server). */
  readonly audience: string;
  /** A fresh access token (a JWT) for the client; `resource` picks another audience. */
  token(resource?: string): Promise<string>;
  /** Requests the provider answered, by path. */
  readonly requests: string[];
  close(): Promise<void>;
}

export const API_AUDIENCE = 'urn:trustline:test-api';
export const OTHER_AUDIENCE = 'urn:trustline:other-api';

export async function startJwtIssuer(): Promise<JwtIssuer> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  const clientSecret = `cs-${randomBytes(24).toString('base64url')}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const configuration: Configuration = {
    clients: [
      {
        client_id: 'api-client',
        client_secret: clientSecret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' }] },
    scopes: ['api'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => ({
          scope: 'api',
          audience: resource,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 300,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    cookies: { keys: [randomBytes(32).toString('hex')] },
  };
  const provider = new Provider(issuer, configuration);
  const handle = provider.callback();
  const requests: string[] = [];
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    requests.push(new URL(req.url ?? '/', issuer).pathname);
    void handle(req, res);
  });
  return {
    issuer,
    audience: API_AUDIENCE,
    requests,
    async token(resource = API_AUDIENCE) {
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'api-client', client_secret: clientSecret, scope: 'api', resource }),
      });
      const body = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
      if (body.access_token === undefined) throw new Error(`oidc-provider refused the token request: ${String(body.error)} ${String(body.error_description)}`);
      return body.access_token;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
