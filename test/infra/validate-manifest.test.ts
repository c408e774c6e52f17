import { describe, expect, it } from 'vitest';
import type { FunctionSpec } from '../../functions/manifest.ts';
import { ManifestError } from '../../functions/manifest-errors.ts';
import { manifestWarnings, validateManifest } from '../../functions/validate-manifest.ts';
import { syntheticManifest } from './synthetic-manifest.ts';

const fn = (overrides: Partial<FunctionSpec>): FunctionSpec => ({
  name: 'probe',
  description: 'test function',
  entry: 'functions/health/handler.ts',
  access: {},
  ...overrides,
});

function rejection(specs: readonly FunctionSpec[]): ManifestError {
  try {
    validateManifest(specs);
  } catch (error) {
    if (error instanceof ManifestError) return error;
    throw error;
  }
  throw new Error('validateManifest accepted the manifest');
}

describe('validateManifest', () => {
  it('accepts a manifest using every feature', () => {
    expect(() => {
      validateManifest(syntheticManifest);
    }).not.toThrow();
  });

  it('rejects a name that is not lower-kebab-case', () => {
    expect(rejection([fn({ name: 'OAuth_Callback' })]).message).toMatch(/not lower-kebab-case/);
  });

  it('rejects two functions with the same name', () => {
    expect(rejection([fn({}), fn({})]).message).toMatch(/used twice/);
  });

  it('rejects a route served by two functions, naming the first owner', () => {
    const route = { method: 'GET', path: '/x', auth: 'public' } as const;
    const error = rejection([fn({ name: 'a', http: [route] }), fn({ name: 'b', http: [route] })]);
    expect(error).toMatchObject({ functionName: 'b', code: 'MANIFEST_INVALID' });
    expect(error.message).toMatch(/GET \/x is already served by "a"/);
  });

  it('rejects queueTo naming a function without a queue', () => {
    const error = rejection([fn({ name: 'sender', access: { queueTo: 'probe' } }), fn({})]);
    expect(error.message).toMatch(/queueTo names "probe", which is not a function with a queue/);
  });

  it('rejects a secrets prefix with a wildcard', () => {
    expect(rejection([fn({ access: { secrets: { prefix: '*', write: false } } })]).message).toMatch(/secrets prefix "\*"/);
  });

  it('rejects a table access that names no store', () => {
    expect(rejection([fn({ access: { table: {} } })]).message).toMatch(/access\.table names no store/);
  });

  it('rejects outbound access without reading the managed truststore every outbound connection trusts', () => {
    const error = rejection([fn({ access: { outbound: true, table: { endpoints: 'readwrite' } } })]);
    expect(error.message).toMatch(/may not read the managed truststore/);
    expect(error.fix).toBe("add `trust: 'read'` to its access.table.");
  });

  it('warns about an HTTP function whose timeout outlives API Gateway', () => {
    const http = [{ method: 'GET', path: '/slow', auth: 'admin' }] as const;
    expect(manifestWarnings([fn({ http, timeoutSeconds: 60 }), fn({ name: 'quick', http, timeoutSeconds: 30 })])).toEqual([
      expect.stringMatching(/^Function "probe" serves HTTP with a 60s timeout, but API Gateway answers 503 after 30s/),
    ]);
  });

  it('rejects a schedule EventBridge cannot run, naming the function and keeping the cause', () => {
    const error = rejection([fn({ schedules: [{ cron: '0 0 1 * 1', description: 'first or monday' }] })]);
    expect(error.functionName).toBe('probe');
    expect(error.message).toMatch(/the schedule "0 0 1 \* 1" cannot run on EventBridge Scheduler/);
    expect(error.cause).toMatchObject({ code: 'CRON_NOT_CONVERTIBLE' });
  });
});
