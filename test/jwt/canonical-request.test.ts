import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalRequest } from '../../lib/jwt/canonical-request.ts';
import { qsh } from '../../lib/jwt/qsh.ts';

const canonical = (method: string, url: string, baseUrl?: string) => canonicalRequest({ method, url }, baseUrl);

describe('canonical request: method', () => {
  it('upper-cases the method', () => {
    expect(canonical('get', '/x')).toBe('GET&/x&');
  });
});

describe('canonical request: path', () => {
  it('keeps the raw path encoded exactly as received', () => {
    expect(canonical('GET', '/a%7Eb/caf%c3%a9/%2F')).toBe('GET&/a%7Eb/caf%c3%a9/%2F&');
  });

  it('does not resolve dot segments or merge slashes', () => {
    expect(canonical('GET', '/a/../b//c/./d')).toBe('GET&/a/../b//c/./d&');
  });

  it("removes the base URL's path as a plain string prefix", () => {
    expect(canonical('GET', '/app/issue', 'https://example.com/app')).toBe('GET&/issue&');
  });

  it('removes the base path without checking segment boundaries, as both signers do', () => {
    expect(canonical('GET', '/wikipedia/page', 'https://example.com/wiki')).toBe('GET&/pedia/page&');
  });

  it('leaves a path that does not start with the base path alone', () => {
    expect(canonical('GET', '/other/issue', 'https://example.com/app')).toBe('GET&/other/issue&');
  });

  it('removes the base path of whichever base URL comes with each request, when base URLs alternate', () => {
    for (const [url, baseUrl, expected] of [
      ['/app/issue', 'https://example.com/app', 'GET&/issue&'],
      ['/app/issue', 'https://example.com/other', 'GET&/app/issue&'],
      ['/app/issue', 'https://example.com/app', 'GET&/issue&'],
      ['/app/issue', undefined, 'GET&/app/issue&'],
    ] as const)
      expect(canonical('GET', url, baseUrl), `${url} under ${baseUrl}`).toBe(expected);
  });

  it('uses / when nothing is left after the base path', () => {
    expect(canonical('GET', '/app', 'https://example.com/app')).toBe('GET&/&');
  });

  it('uses / for an empty path', () => {
    expect(canonical('GET', '?a=1')).toBe('GET&/&a=1');
  });

  it('writes every & in the path as %26', () => {
    expect(canonical('GET', '/a&b&c')).toBe('GET&/a%26b%26c&');
  });

  it('drops one trailing slash', () => {
    expect(canonical('GET', '/a/b/')).toBe('GET&/a/b&');
  });

  it('drops only one of several trailing slashes', () => {
    expect(canonical('GET', '/a//')).toBe('GET&/a/&');
  });

  it('keeps the root path /', () => {
    expect(canonical('GET', '/')).toBe('GET&/&');
  });

  it('adds the leading slash when removing the base path leaves none', () => {
    expect(canonical('GET', '/app/x', 'https://example.com/app/')).toBe('GET&/x&');
  });

  it('takes the path of an absolute URL and ignores scheme, host and fragment', () => {
    expect(canonical('GET', 'https://example.com:8443/x/y?a=1#frag')).toBe('GET&/x/y&a=1');
  });
});

describe('canonical request: query', () => {
  it('form-decodes + as a space and re-encodes it as %20', () => {
    expect(canonical('GET', '/x?q=a+b')).toBe('GET&/x&q=a%20b');
  });

  it('keeps an encoded + as %2B', () => {
    expect(canonical('GET', '/x?q=1%2B1')).toBe('GET&/x&q=1%2B1');
  });

  it('drops the jwt parameter', () => {
    expect(canonical('GET', '/x?a=1&jwt=abc.def.ghi')).toBe('GET&/x&a=1');
  });

  it('drops the jwt parameter even when its name is encoded', () => {
    expect(canonical('GET', '/x?a=1&j%77t=abc')).toBe('GET&/x&a=1');
  });

  it('merges repeated names and sorts their values', () => {
    expect(canonical('GET', '/x?ids=2&ids=10&ids=1')).toBe('GET&/x&ids=1,10,2');
  });

  it('encodes commas inside values so they differ from the separator', () => {
    expect(canonical('GET', '/x?ids=1,2')).toBe('GET&/x&ids=1%2C2');
  });

  it('keeps only A-Z a-z 0-9 - . _ ~ unencoded, with upper-case hex', () => {
    expect(canonical('GET', '/x?v=%21%24%26%27%28%29%2A%2B%2C%3B%3D%3A%40%2F%3F%7e-._')).toBe('GET&/x&v=%21%24%26%27%28%29%2A%2B%2C%3B%3D%3A%40%2F%3F~-._');
  });

  it('encodes * as %2A', () => {
    expect(canonical('GET', '/x?q=connect*')).toBe('GET&/x&q=connect%2A');
  });

  it('encodes non-ASCII values as upper-case UTF-8 escapes', () => {
    expect(canonical('GET', '/x?n=caf%c3%a9')).toBe('GET&/x&n=caf%C3%A9');
  });

  it('writes a name without = as name=', () => {
    expect(canonical('GET', '/x?flag&a=1')).toBe('GET&/x&a=1&flag=');
  });

  it('keeps names such as a[] that framework parsers lose', () => {
    expect(canonical('GET', '/x?a[]=1&a[]=2&b[c]=d')).toBe('GET&/x&a%5B%5D=1,2&b%5Bc%5D=d');
  });

  it('sorts parameters by their encoded names, as the Java signer does', () => {
    // Decoded, "a." < "a:" < "a~"; encoded, "a%3A" < "a." < "a~" (atlassian-jwt would write a.,a%3A).
    expect(canonical('GET', '/x?a~=3&a.=1&a%3A=2')).toBe('GET&/x&a%3A=2&a.=1&a~=3');
  });

  it('sorts names by code unit, upper case first', () => {
    expect(canonical('GET', '/x?b=1&B=2&a=3')).toBe('GET&/x&B=2&a=3&b=1');
  });

  it('leaves a % that starts no escape literal and encodes it', () => {
    expect(canonical('GET', '/x?p=100%&q=%zz')).toBe('GET&/x&p=100%25&q=%25zz');
  });

  it('skips empty parameters and empty names', () => {
    expect(canonical('GET', '/x?&a=1&&=orphan')).toBe('GET&/x&a=1');
  });

  it('encodes raw non-ASCII characters in the query as UTF-8', () => {
    expect(canonical('GET', '/x?n=宮崎')).toBe('GET&/x&n=%E5%AE%AE%E5%B4%8E');
  });
});

describe('qsh', () => {
  it('is the lower-case hex SHA-256 of the canonical request', () => {
    expect(qsh({ method: 'GET', url: '/test?param=value' })).toBe('be16910858a41fd19ea5c1b4e9decca9a784d1024cb00b2158defe2f29dc86dd');
  });

  it('hashes both separators even when the query is empty (POST&/user&)', () => {
    expect(qsh({ method: 'POST', url: '/user' })).toBe(createHash('sha256').update('POST&/user&').digest('hex'));
  });
});
