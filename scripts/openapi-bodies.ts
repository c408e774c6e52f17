// `npx tsx scripts/openapi-bodies.ts`: writes functions/openapi/request-bodies.json, the JSON Schema
// of each request body the OpenAPI document describes, generated from the zod schemas the handlers
// validate with (functions/openapi/request-bodies.ts). The openapi function serves the written file,
// so it starts without zod and those schemas; test/openapi/openapi.test.ts fails when the file is stale.
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import * as prettier from 'prettier';
import * as z from 'zod';
import { REQUEST_BODIES } from '../functions/openapi/request-bodies.ts';

/** The JSON Schema of what a request body may be (defaults applied by the handler are optional here). */
export function requestBodySchemas(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(REQUEST_BODIES).map(([key, schema]) => {
      const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
      return [key, rest];
    }),
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = new URL('../functions/openapi/request-bodies.json', import.meta.url);
  const options = (await prettier.resolveConfig(file)) ?? {};
  await writeFile(file, await prettier.format(JSON.stringify(requestBodySchemas()), { ...options, parser: 'json' }));
  console.log(`Wrote ${file.pathname}`);
}
