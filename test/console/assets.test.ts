import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildAssets } from '../../lib/console/index.ts';

describe('the console UI bundle', () => {
  it('builds from the sources in the package: one script, one stylesheet, and nothing fetched from elsewhere', async () => {
    const { files, version } = await buildAssets();
    expect([...files.keys()].sort()).toEqual(['app.css', 'app.js']);
    expect(version).toMatch(/^[0-9a-f]{12}$/);
    const script = files.get('app.js')?.body.toString('utf8') ?? '';
    // No CDN: no import or fetch of an absolute URL (the SVG namespace is a name, not a request).
    expect(script).not.toMatch(/import\s*\(?\s*["']https?:/);
    expect(files.get('app.css')?.body.toString('utf8')).not.toMatch(/@import|url\(\s*["']?https?:/);
  });

  it('keeps the first load under 200 KB of JavaScript gzipped', async () => {
    const { files } = await buildAssets();
    const gzipped = gzipSync(files.get('app.js')?.body ?? Buffer.alloc(0)).length;
    expect(gzipped).toBeGreaterThan(0);
    expect(gzipped).toBeLessThan(200 * 1024);
  });
});
