import { httpHandler, json } from '../../lib/http/index.ts';
import { openApiDocument } from './document.ts';

let document: Record<string, unknown> | undefined;

/** GET /openapi.json: public, it holds no secrets; built once per container from the manifest and the handlers' schemas. */
export const handler = httpHandler({
  'GET /openapi.json': () => {
    document ??= openApiDocument();
    return Promise.resolve(json(200, document, { 'cache-control': 'public, max-age=300' }));
  },
});
