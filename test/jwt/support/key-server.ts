import https from 'node:https';
import { chain } from '../../support/tls/pki.ts';
import { listen, type Running } from '../../support/tls/servers.ts';

/** A Connect install-keys server on loopback HTTPS: `GET /keys/<kid>` answers the PEM public key. */
export interface KeyServer extends Running {
  /** `https://localhost:<port>/keys`, the value for TRUSTLINE_CONNECT_INSTALL_KEYS_URL. */
  readonly baseUrl: string;
  /** The root CA of its certificate, for the truststore. */
  readonly caPem: string;
  readonly keys: Map<string, string>;
  /** Request paths received, in order. */
  readonly requests: string[];
  /** When set, every request is answered with this status and no key. */
  failWith: number | undefined;
}

export async function startKeyServer(): Promise<KeyServer> {
  const { root, intermediate, leaf } = await chain();
  const keys = new Map<string, string>();
  const requests: string[] = [];
  const state: { failWith: number | undefined } = { failWith: undefined };
  const server = https.createServer({ key: leaf.keyPem, cert: leaf.pem + intermediate.pem }, (req, res) => {
    const path = req.url ?? '';
    requests.push(path);
    const pem = path.startsWith('/keys/') ? keys.get(decodeURIComponent(path.slice('/keys/'.length))) : undefined;
    if (state.failWith !== undefined) res.writeHead(state.failWith).end();
    else if (pem === undefined) res.writeHead(404).end('not found');
    else res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(pem);
  });
  server.on('tlsClientError', () => undefined);
  const running = await listen(server);
  return {
    port: running.port,
    close: () => running.close(),
    baseUrl: `https://localhost:${running.port}/keys`,
    caPem: root.pem,
    keys,
    requests,
    get failWith() {
      return state.failWith;
    },
    set failWith(value) {
      state.failWith = value;
    },
  };
}
