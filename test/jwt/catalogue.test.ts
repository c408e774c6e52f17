import { describe, expect, it } from 'vitest';
import { CAUSES, fixFor, SETTINGS } from '../../lib/jwt/diagnosis/catalogue.ts';
import { diagnoseQshMismatch } from '../../lib/jwt/diagnosis/index.ts';
import { qsh } from '../../lib/jwt/qsh.ts';

describe('the proxy catalogue', () => {
  it('prints, for a transformation, the fix of every setting that causes it', () => {
    for (const [transformation, causes] of Object.entries(CAUSES)) {
      const fix = fixFor(transformation);
      for (const id of causes) expect(fix).toContain(SETTINGS[id].fix);
    }
  });

  it('lets the diagnosis name every setting proxy-check reports as breaking qsh', () => {
    const named = new Set(Object.values(CAUSES).flat());
    const unnamed = Object.values(SETTINGS).filter((setting) => setting.effect === 'breaks-qsh' && !named.has(setting.id));
    expect(unnamed.map((setting) => setting.id)).toEqual([]);
  });

  it('puts one fix per line, each naming its proxy, so a screen or a terminal can list them', () => {
    const lines = fixFor('apache-mod-proxy/decoded-path').split('\n');
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(line).toMatch(/^(Apache httpd: |nginx: |`npx trustline jwt proxy-check)/);
  });

  it('names each fix once even when two settings share it', () => {
    const fix = fixFor('apache-mod-proxy/decoded-path');
    expect(fix.split(SETTINGS['apache/rewrite-proxy'].fix)).toHaveLength(2);
  });

  it('is where the diagnosis takes its fix from', () => {
    const diagnosis = diagnoseQshMismatch({ method: 'GET', url: '/search/[draft]' }, undefined, qsh({ method: 'GET', url: '/search/%5Bdraft%5D' }));
    expect(diagnosis?.fix).toBe(fixFor('nginx/proxy-pass-uri-decoded-path'));
    expect(diagnosis?.fix).toContain(SETTINGS['apache/rewrite-proxy-noescape'].fix);
  });
});
