import { describe, expect, it, vi } from 'vitest';
import * as qshModule from '../../lib/jwt/qsh.ts';
import { diagnoseQshMismatch, families, MAX_CANDIDATES } from '../../lib/jwt/diagnosis/index.ts';
import { qsh } from '../../lib/jwt/qsh.ts';

/** Diagnoses `received` for a token Jira signed for `signed`. */
function diagnose(signed: { method: string; url: string; baseUrl?: string }, received: { method: string; url: string }, baseUrl?: string) {
  return diagnoseQshMismatch(received, baseUrl, qsh(signed, signed.baseUrl));
}

describe('qsh mismatch diagnosis', () => {
  it("names Apache's canonicalisation and nocanon for the seed's attachment URL", () => {
    const diagnosis = diagnose(
      { method: 'GET', url: '/download/attachments/123/file%20name%2B%28v2%29.pdf' },
      { method: 'GET', url: '/download/attachments/123/file%20name+(v2).pdf' },
    );
    expect(diagnosis?.matchedTransformation).toBe('apache-mod-proxy/decoded-path');
    expect(diagnosis?.explanation).toMatch(/Apache httpd's mod_proxy/);
    expect(diagnosis?.fix).toMatch(/nocanon/);
  });

  it('finds Apache decoding one character among several literal ones', () => {
    const diagnosis = diagnose({ method: 'GET', url: "/wiki/a(b)/%7Euser's" }, { method: 'GET', url: "/wiki/a(b)/~user's" });
    expect(diagnosis?.matchedTransformation).toBe('apache-mod-proxy/decoded-path');
    expect(diagnosis?.explanation).toContain('%7E');
  });

  it('finds Apache decoding sub-delimiters and upper-casing the other escapes together', () => {
    const diagnosis = diagnose({ method: 'GET', url: '/caf%c3%a9%21' }, { method: 'GET', url: '/caf%C3%A9!' });
    expect(diagnosis?.matchedTransformation).toBe('apache-mod-proxy/decoded-and-upper-cased-path');
  });

  it('finds a decoded %2F and names AllowEncodedSlashes', () => {
    const diagnosis = diagnose({ method: 'GET', url: '/files/a%2Fb/view' }, { method: 'GET', url: '/files/a/b/view' });
    expect(diagnosis?.matchedTransformation).toBe('apache-mod-proxy/decoded-slash');
    expect(diagnosis?.fix).toMatch(/AllowEncodedSlashes NoDecode/);
  });

  it('names nginx proxy_pass with a URI part when decoded brackets arrive literal', () => {
    const diagnosis = diagnose({ method: 'GET', url: '/search/%5Bdraft%5D' }, { method: 'GET', url: '/search/[draft]' });
    expect(diagnosis?.matchedTransformation).toBe('nginx/proxy-pass-uri-decoded-path');
    expect(diagnosis?.fix).toMatch(/\$request_uri/);
  });

  it("finds a bare % that Apache's RewriteRule [P,NE] sent without re-encoding", () => {
    const diagnosis = diagnose({ method: 'GET', url: '/p/100%25' }, { method: 'GET', url: '/p/100%' });
    expect(diagnosis?.matchedTransformation).toBe('apache-mod-proxy/unescaped-percent');
    expect(diagnosis?.fix).toMatch(/%\{THE_REQUEST\}/);
  });

  it('finds a bare % among other characters the same rule decoded', () => {
    const diagnosis = diagnose({ method: 'GET', url: '/p/%5B100%25%5D' }, { method: 'GET', url: '/p/[100%]' });
    expect(diagnosis?.matchedTransformation).toBe('apache-mod-proxy/unescaped-percent');
  });

  it('finds lower-case escapes rewritten in upper case', () => {
    const diagnosis = diagnose({ method: 'GET', url: '/caf%c3%a9' }, { method: 'GET', url: '/caf%C3%A9' });
    expect(diagnosis?.matchedTransformation).toBe('hex-case/upper-cased-escapes');
  });

  it('finds upper-case escapes rewritten in lower case', () => {
    const diagnosis = diagnose({ method: 'GET', url: '/caf%C3%A9' }, { method: 'GET', url: '/caf%c3%a9' });
    expect(diagnosis?.matchedTransformation).toBe('hex-case/lower-cased-escapes');
  });

  it('finds a stage prefix Jira did not sign and says to set the base URL', () => {
    const diagnosis = diagnose({ method: 'GET', url: '/issue-panel?issueKey=T-1' }, { method: 'GET', url: '/prod/issue-panel?issueKey=T-1' });
    expect(diagnosis?.matchedTransformation).toBe('base-path/extra-prefix');
    expect(diagnosis?.explanation).toContain('"/prod"');
    expect(diagnosis?.fix).toMatch(/TRUSTLINE_PUBLIC_URL/);
  });

  it('finds a base URL path that the app descriptor does not have', () => {
    const diagnosis = diagnose({ method: 'GET', url: '/app/issue-panel' }, { method: 'GET', url: '/app/issue-panel' }, 'https://apps.example.com/app');
    expect(diagnosis?.matchedTransformation).toBe('base-path/not-in-descriptor');
  });

  it('finds repeated parameters joined with a comma by a gateway', () => {
    const diagnosis = diagnose({ method: 'GET', url: '/list?ids=1&ids=2&x=y' }, { method: 'GET', url: '/list?ids=1,2&x=y' });
    expect(diagnosis?.matchedTransformation).toBe('repeated-params/joined-with-comma');
    expect(diagnosis?.fix).toMatch(/rawQueryString/);
  });

  it('finds HEAD turned into GET by a caching proxy', () => {
    const diagnosis = diagnose({ method: 'HEAD', url: '/attachment/1' }, { method: 'GET', url: '/attachment/1' });
    expect(diagnosis?.matchedTransformation).toBe('method/head-became-get');
    expect(diagnosis?.fix).toMatch(/proxy_cache_convert_head off/);
  });

  it('reports nothing when no known transformation explains the mismatch and the path was plainly not normalised', () => {
    expect(diagnose({ method: 'GET', url: '/a?x=1' }, { method: 'GET', url: '/b/./c?x=2' })).toBeUndefined();
  });

  it('puts back a doubled slash that a proxy merged', () => {
    const diagnosis = diagnose({ method: 'GET', url: '/wiki//spaces/T' }, { method: 'GET', url: '/wiki/spaces/T' });
    expect(diagnosis?.matchedTransformation).toBe('normalised-path/merged-slashes');
    expect(diagnosis?.fix).toMatch(/nocanon/);
    expect(diagnosis?.fix).toMatch(/merge_slashes off/);
  });

  it('says a proxy may have resolved dot segments or merged slashes when no original can be rebuilt, and names the settings that stop it', () => {
    const diagnosis = diagnose({ method: 'GET', url: '/a//b/./c/../d?q=a%20b' }, { method: 'GET', url: '/a/b/d?q=a%20b' });
    expect(diagnosis?.matchedTransformation).toBe('normalised-path/unrecoverable');
    expect(diagnosis?.explanation).toMatch(/dot segments.*or doubled slashes.*cannot be undone/);
    expect(diagnosis?.fix).toMatch(/nocanon/);
    expect(diagnosis?.fix).toMatch(/"proxy_pass http:\/\/BACKEND;" instead of "proxy_pass http:\/\/BACKEND\/;"/);
    expect(diagnosis?.fix).toContain('npx trustline jwt proxy-check');
    expect(diagnosis?.fix).toMatch(/merge_slashes off/);
  });

  it('speaks only of dot segments when the received path still has its doubled slashes (merge_slashes off)', () => {
    const diagnosis = diagnose({ method: 'GET', url: '/a//b/./c/../d' }, { method: 'GET', url: '/a//b/d' });
    expect(diagnosis?.matchedTransformation).toBe('normalised-path/unrecoverable');
    expect(diagnosis?.explanation).not.toMatch(/doubled slashes/);
  });

  it('offers no normalisation answer when the received path still holds a dot segment, escaped or not', () => {
    expect(diagnose({ method: 'GET', url: '/x' }, { method: 'GET', url: '/a/%2E%2E/b' })).toBeUndefined();
    expect(diagnose({ method: 'GET', url: '/x' }, { method: 'GET', url: '/a/..' })).toBeUndefined();
  });

  it('computes at most a few hundred hashes, even for a path full of decodable characters', () => {
    const spy = vi.spyOn(qshModule, 'qshOfCanonical');
    const path = `/${"~!$'()*+,;=:@[]".repeat(8)}/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r?ids=1,2&more=3,4,5&x=a,b`;
    expect(diagnoseQshMismatch({ method: 'GET', url: path }, 'https://example.com/base', 'f'.repeat(64))?.matchedTransformation).toBe(
      'normalised-path/unrecoverable',
    );
    expect(spy.mock.calls.length).toBeGreaterThan(50);
    expect(spy.mock.calls.length).toBeLessThanOrEqual(MAX_CANDIDATES);
    spy.mockRestore();
  });

  it('keeps every family within the overall cap', () => {
    expect(families.reduce((sum, family) => sum + family.budget, 0)).toBeLessThanOrEqual(MAX_CANDIDATES);
  });
});
