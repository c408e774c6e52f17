import { createRequire } from 'node:module';

/** `node:https` for the bundle, loaded with `require` and passed on whole, for the reasons given in node-http.ts. */
const https = createRequire(import.meta.url)('node:https') as typeof import('node:https');
export default https;
export const { Agent, Server, createServer, get, globalAgent, request } = https;
