import { createRequire } from 'node:module';

/** `node:https` for the bundled AWS SDK, loaded with `require` for the reason given in node-http.ts. */
const https = createRequire(import.meta.url)('node:https') as typeof import('node:https');
export default https;
export const { Agent, request } = https;
