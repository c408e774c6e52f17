import { httpHandler, HttpProblem, json, noContent, notFound, pathParam, readJson } from '../../lib/http/index.ts';
import { services } from '../../lib/runtime/index.ts';
import { trustAddInput } from '../../lib/trust/index.ts';

/** Admin routes of the managed truststore: add a PEM, list, remove by SHA-256 fingerprint. */
export const handler = httpHandler({
  'POST /admin/trust': async (event) => {
    const { pem, alias } = readJson(event, trustAddInput);
    const { trustStore } = await services();
    return json(201, await trustStore.add(pem, alias));
  },
  'GET /admin/trust': async () => json(200, { entries: await (await services()).trustStore.list() }),
  'DELETE /admin/trust/{fingerprintSha256}': async (event) => {
    const fingerprint = pathParam(event, 'fingerprintSha256');
    if (!/^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$/.test(fingerprint)) {
      throw new HttpProblem(400, 'INVALID_FINGERPRINT', 'The fingerprint must be the 64 hex digits of a SHA-256 fingerprint (colons allowed).');
    }
    if (!(await (await services()).trustStore.remove(fingerprint))) throw notFound(`The truststore entry ${fingerprint}`);
    return noContent();
  },
});
