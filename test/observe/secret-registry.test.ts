import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { forgetSecrets, pinSecret, registerSecret, replaceSecrets } from '../../lib/observe/secret-registry.ts';

const R = '[R]';
const token = (): string => randomBytes(24).toString('base64url');
/** More registrations than the registry keeps (4096, forgotten in batches of 1024). */
const MANY = 6000;

/** The forms a registered value must be blanked in. */
function encodedForms(value: string): string[] {
  return [value, encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2), JSON.stringify(value).slice(1, -1)];
}

afterEach(() => {
  forgetSecrets();
});

describe('secret registry', () => {
  it('blanks a plain token and a value with special characters in every form it may take', () => {
    const values = [token(), `p@ss w/rd+&="q"\\${token()}`];
    for (const value of values) registerSecret(value);
    for (const value of values) {
      for (const form of encodedForms(value)) expect(replaceSecrets(`before ${form} after`, R)).toBe(`before ${R} after`);
    }
  });

  it('keeps redacting after a value with a lone surrogate was registered (it once made every later log line throw)', () => {
    const value = `abc\ud800${token()}`;
    registerSecret(value);
    expect(replaceSecrets(`a line ${value} more`, R)).toBe(`a line ${R} more`);
    expect(replaceSecrets(`the next line ${encodeURIComponent(value.replace('\ud800', '\ufffd'))}`, R)).toBe(`the next line ${R}`);
  });

  it('blanks any string in the forms URLSearchParams and JSON write it (differential, lone surrogates included)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.nat({ max: 0xffff }).map((code) => String.fromCharCode(code)), minLength: 6, maxLength: 30 }), (value) => {
        forgetSecrets();
        registerSecret(value);
        for (const form of [value, new URLSearchParams({ v: value }).toString().slice(2), JSON.stringify(value).slice(1, -1)]) {
          expect(replaceSecrets(`<${form}>`, R)).toBe(`<${R}>`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('blanks a value registered after an earlier redaction', () => {
    const first = token();
    registerSecret(first);
    expect(replaceSecrets(`a ${first}`, R)).toBe(`a ${R}`);
    const second = token();
    registerSecret(second);
    expect(replaceSecrets(`${first} ${second}`, R)).toBe(`${R} ${R}`);
  });

  it('blanks the longer of two registered values sharing a prefix whole, whichever came first', () => {
    const short = `shared-${token()}`;
    const long = `${short}-and-more-${token()}`;
    registerSecret(short);
    expect(replaceSecrets(long, R)).toBe(`${R}-and-more-${long.slice(short.length + '-and-more-'.length)}`);
    registerSecret(long);
    expect(replaceSecrets(`x ${long} y ${short} z`, R)).toBe(`x ${R} y ${R} z`);
  });

  it('keeps blanking a value registered again while thousands of newer values come and go', () => {
    const clientSecret = token();
    registerSecret(clientSecret);
    for (let i = 0; i < MANY / 2; i++) registerSecret(token());
    registerSecret(clientSecret);
    // Past the bound counted from its first registration, within it counted from its last.
    for (let i = 0; i < MANY / 2; i++) registerSecret(token());
    expect(replaceSecrets(`secret ${clientSecret}`, R)).toBe(`secret ${R}`);
  });

  it('forgets a value after thousands of newer registrations, keeping its memory bounded', () => {
    const old = token();
    registerSecret(old);
    for (let i = 0; i < MANY; i++) registerSecret(token());
    expect(replaceSecrets(`old ${old}`, R)).toBe(`old ${old}`);
  });

  it('still blanks a form two values share after one of them is forgotten', () => {
    const spaced = `with space ${token()}`;
    const encoded = encodeURIComponent(spaced);
    registerSecret(spaced);
    expect(replaceSecrets(`q=${encoded}`, R)).toBe(`q=${R}`);
    registerSecret(encoded);
    expect(replaceSecrets(`q=${encoded}`, R)).toBe(`q=${R}`);
    // `spaced` is pushed out; `encoded` stays registered and owns the same form.
    for (let i = 0; i < MANY; i++) {
      registerSecret(token());
      if (i % 1000 === 0) registerSecret(encoded);
    }
    expect(replaceSecrets(`${spaced} q=${encoded}`, R)).toBe(`${spaced} q=${R}`);
  });

  it('never forgets a pinned secret (the admin token), however many values are registered after it', () => {
    const adminToken = token();
    pinSecret(adminToken);
    for (let i = 0; i < MANY; i++) registerSecret(token());
    expect(replaceSecrets(`Authorization: Bearer ${adminToken}`, R)).toBe(`Authorization: Bearer ${R}`);
  });

  it('keeps a value pinned that was registered before it was pinned', () => {
    const key = token();
    registerSecret(key);
    pinSecret(key);
    for (let i = 0; i < MANY; i++) registerSecret(token());
    expect(replaceSecrets(key, R)).toBe(R);
  });

  it('is bounded in size as well as in count: a flood of large values pushes out old ones, never pinned ones', () => {
    const adminToken = token();
    pinSecret(adminToken);
    const first = `${token()}-${'v'.repeat(4096)}`;
    registerSecret(first);
    // Far fewer values than the count bound, far more characters than the size bound.
    for (let i = 0; i < 1600; i++) registerSecret(`${token()}-${'v'.repeat(4096)}`);
    expect(replaceSecrets(`old ${first}`, R)).toBe(`old ${first}`);
    expect(replaceSecrets(`token ${adminToken}`, R)).toBe(`token ${R}`);
  });
});
