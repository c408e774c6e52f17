import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The layer rule of eslint.config.js, run on one import line as if it were written in a given file.
// Only no-restricted-imports runs, without type information: the rule reads the import's text alone.
const root = fileURLToPath(new URL('../../', import.meta.url));
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({
    cwd: root,
    overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
    ruleFilter: ({ ruleId }) => ruleId === '@typescript-eslint/no-restricted-imports',
  });
});

/** Whether the layer rule refuses `line` written in `file` (a path from the repository root; the file need not exist). */
async function refused(file: string, line: string): Promise<boolean> {
  const [result] = await eslint.lintText(`${line}\n`, { filePath: path.join(root, file) });
  return result!.messages.some((message) => message.ruleId === '@typescript-eslint/no-restricted-imports');
}

describe("lib/tls's target store is a door of its own", () => {
  it('accepts lib/tls/endpoints.ts beside the index, and refuses its other modules', async () => {
    expect(await refused('functions/probe/handler.ts', "import { createEndpointStore } from '../../lib/tls/endpoints.ts';")).toBe(false);
    expect(await refused('functions/probe/handler.ts', "import { checkEndpoint } from '../../lib/tls/check.ts';")).toBe(true);
    expect(await refused('functions/probe/handler.ts', "import { checkNow } from '../../lib/tls/check-now.ts';")).toBe(true);
    expect(await refused('functions/probe/handler.ts', "import { x } from '../../lib/oauth/endpoints.ts';")).toBe(true);
  });
});

describe('lib/runtime is entered through its index.ts', () => {
  it('refuses the services module and the local backend from a function, the CLI or the local runtime', async () => {
    expect(await refused('functions/probe/handler.ts', "import { services } from '../../lib/runtime/services.ts';")).toBe(true);
    expect(await refused('functions/probe/handler.ts', "import { createLocalServices } from '../../lib/runtime/local-services.ts';")).toBe(true);
    expect(await refused('lib/cli/probe.ts', "import { services } from '../runtime/services.ts';")).toBe(true);
    expect(await refused('infra/local/probe.ts', "import { setServices } from '../../lib/runtime/services.ts';")).toBe(true);
    expect(await refused('scripts/probe.ts', "import { createAwsServices } from '../lib/runtime/aws/services.ts';")).toBe(true);
  });

  it('accepts the index, and the configuration, its error and the version as doors of their own', async () => {
    expect(await refused('functions/probe/handler.ts', "import { services } from '../../lib/runtime/index.ts';")).toBe(false);
    expect(await refused('functions/probe/handler.ts', "import { loadConfig } from '../../lib/runtime/config.ts';")).toBe(false);
    expect(await refused('lib/cli/probe.ts', "import { ConfigError } from '../runtime/config-error.ts';")).toBe(false);
    expect(await refused('lib/cli/probe.ts', "import { version } from '../runtime/version.ts';")).toBe(false);
  });

  it('keeps those doors to lib/runtime: a module of the same name in another capability stays its own', async () => {
    expect(await refused('functions/probe/handler.ts', "import { version } from '../../lib/store/version.ts';")).toBe(true);
    expect(await refused('functions/probe/handler.ts', "import { x } from '../../lib/runtime/aws/config.ts';")).toBe(true);
  });

  it('leaves a lazily loaded module imported by its own path (dynamic imports are not read)', async () => {
    expect(await refused('lib/cli/probe.ts', "export const load = () => import('../runtime/services.ts');")).toBe(false);
  });
});

describe('lib/runtime enters other capabilities through their index.ts', () => {
  it('holds the composition root to the front doors', async () => {
    expect(await refused('lib/runtime/probe.ts', "import type { SecretStore } from '../store/ports.ts';")).toBe(true);
    expect(await refused('lib/runtime/probe.ts', "import type { SecretStore } from '../store/index.ts';")).toBe(false);
  });

  it("lets its AWS wiring build each adapter from the adapter's own module", async () => {
    expect(await refused('lib/runtime/aws/probe.ts', "import { clientConfig } from '../../store/aws/clients.ts';")).toBe(false);
  });
});

describe('infra/aws is entered through its index.ts', () => {
  it('refuses a module of the stack from scripts and bin', async () => {
    expect(await refused('scripts/probe.ts', "import { TrustlineStack } from '../infra/aws/stack.ts';")).toBe(true);
    expect(await refused('bin/probe.js', "import { createTrustlineApp } from '../infra/aws/trustline-app.ts';")).toBe(true);
  });

  it('accepts the index and the esbuild settings, which load no CDK', async () => {
    expect(await refused('scripts/probe.ts', "import { createTrustlineApp } from '../infra/aws/index.ts';")).toBe(false);
    expect(await refused('scripts/probe.ts', "import { functionBuildOptions } from '../infra/aws/bundling.ts';")).toBe(false);
  });

  it("holds the stack to the capabilities' front doors, the table schema excepted", async () => {
    expect(await refused('infra/aws/probe.ts', "import { TABLE_SCHEMA } from '../../lib/store/aws/table-schema.ts';")).toBe(false);
    expect(await refused('infra/aws/probe.ts', "import { clientConfig } from '../../lib/store/aws/clients.ts';")).toBe(true);
    expect(await refused('infra/aws/probe.ts', "import { services } from '../../lib/runtime/services.ts';")).toBe(true);
  });
});
