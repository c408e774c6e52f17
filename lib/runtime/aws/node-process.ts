import { createRequire } from 'node:module';

/**
 * `node:process` for bundled dependencies (infra/aws/bundling.ts `alias`), loaded with `require`: an
 * ES module import builds the module's export facade, and reading every property of `process` there
 * evaluates its lazy `report` getter, which loads Node's diagnostic report machinery at start.
 */
const process = createRequire(import.meta.url)('node:process') as typeof import('node:process');
export default process;
export const { env, versions } = process;
