import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { banner } from '../../infra/local/banner.ts';
import { rawHttp } from '../support/raw-http.ts';
import { httpManifest } from './fixtures/manifest.ts';
import { type TestRuntime, startTestRuntime } from './start.ts';

describe('where the local runtime points a person to the console', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime({ manifest: httpManifest });
  });
  afterAll(() => t.stop());

  it('GET / answers a short HTML page naming `npx trustline console`', async () => {
    const res = await rawHttp(t.rt.url, { path: '/' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body.toString()).toContain('npx trustline console');
  });

  it('other unknown paths still answer 404 problem+json', async () => {
    expect((await rawHttp(t.rt.url, { path: '/index.html' })).status).toBe(404);
    expect((await rawHttp(t.rt.url, { method: 'POST', path: '/' })).status).toBe(404);
  });

  it("npm start's banner says how to open the console", () => {
    expect(banner(t.rt)).toContain('npx trustline console');
  });
});
