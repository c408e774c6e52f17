import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { manifest } from '../../functions/manifest.ts';
import { TrustlineFunction } from '../../infra/aws/trustline-function.ts';

describe('the code each function deploys', () => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'trustline-code-'));
  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it('is its own bundle, built in process with the shared settings (test/setup.ts skips this for the other stack tests)', () => {
    const app = new App({ outdir, postCliContext: { 'aws:cdk:bundling-stacks': ['**'] } });
    const stack = new Stack(app, 'CodeTest');
    const names = ['health', 'jwt-authorizer'];
    for (const name of names) {
      const spec = manifest.find((s) => s.name === name)!;
      new TrustlineFunction(stack, name.replace('-', ''), { spec, environment: {} });
    }
    const functions = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')) as { Properties: { Code: { S3Key: string } } }[];
    const keys = functions.map((fn) => fn.Properties.Code.S3Key);
    // CDK caches bundling by source path and options: a shared cache entry would deploy one function's code for all.
    expect(new Set(keys).size).toBe(names.length);
    for (const key of keys) {
      const staged = path.join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
      expect(existsSync(path.join(staged, 'index.mjs'))).toBe(true);
    }
  });
});
