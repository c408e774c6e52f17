import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as zm from 'zod/mini';
import { HttpProblem, MAX_JSON_BODY_BYTES, readJson } from '../../lib/http/index.ts';
import { apiEvent } from '../support/api-event.ts';

const post = (body: string | undefined, isBase64Encoded = false) => apiEvent('POST /things', { body, isBase64Encoded });

/** The HttpProblem `action` throws. */
function problemOf(action: () => unknown): HttpProblem {
  try {
    action();
  } catch (error) {
    if (error instanceof HttpProblem) return error;
    throw error;
  }
  throw new Error('expected an HttpProblem');
}

describe('readJson', () => {
  it('parses a JSON body', () => {
    expect(readJson(post('{"name":"Jira mail","scopes":["a","b"]}'))).toEqual({ name: 'Jira mail', scopes: ['a', 'b'] });
  });

  it('parses a base64-encoded body the way API Gateway sends non-text content types', () => {
    const body = Buffer.from('{"alias":"corp-ca","note":"é✓"}').toString('base64');
    expect(readJson(post(body, true))).toEqual({ alias: 'corp-ca', note: 'é✓' });
  });

  it('accepts a body of exactly 64 KiB', () => {
    const body = JSON.stringify({ pad: 'x'.repeat(MAX_JSON_BODY_BYTES - 10) });
    expect(Buffer.byteLength(body)).toBe(MAX_JSON_BODY_BYTES);
    expect(readJson(post(body))).toHaveProperty('pad');
  });

  it('refuses a text body over 64 KiB with 413 BODY_TOO_LARGE', () => {
    const problem = problemOf(() => readJson(post(JSON.stringify({ pad: 'x'.repeat(MAX_JSON_BODY_BYTES) }))));
    expect(problem).toMatchObject({ status: 413, code: 'BODY_TOO_LARGE', extra: { limit: MAX_JSON_BODY_BYTES } });
  });

  it('refuses a base64 body that decodes to over 64 KiB with 413 BODY_TOO_LARGE', () => {
    const body = Buffer.from(JSON.stringify({ pad: 'x'.repeat(MAX_JSON_BODY_BYTES) })).toString('base64');
    expect(problemOf(() => readJson(post(body, true)))).toMatchObject({ status: 413, code: 'BODY_TOO_LARGE' });
  });

  it('counts bytes, not characters, against the limit', () => {
    const body = JSON.stringify({ pad: 'é'.repeat(MAX_JSON_BODY_BYTES / 2) });
    expect(body.length).toBeLessThan(MAX_JSON_BODY_BYTES);
    expect(problemOf(() => readJson(post(body)))).toMatchObject({ status: 413, code: 'BODY_TOO_LARGE' });
  });

  it('answers 400 MISSING_BODY when there is no body', () => {
    expect(problemOf(() => readJson(post(undefined)))).toMatchObject({ status: 400, code: 'MISSING_BODY' });
  });

  it('answers 400 MALFORMED_JSON naming the position of an unexpected token', () => {
    const problem = problemOf(() => readJson(post('{"a":}')));
    expect(problem).toMatchObject({ status: 400, code: 'MALFORMED_JSON', extra: { position: 5, line: 1, column: 6 } });
    expect(problem.detail).toBe('The body is not valid JSON: a value is expected at line 1, column 6 (position 5).');
  });

  it('names line and column of an error on a later line', () => {
    const problem = problemOf(() => readJson(post('{\n  "a": 1,\n  "b" 2\n}')));
    expect(problem.extra).toEqual({ position: 18, line: 3, column: 7 });
    expect(problem.detail).toContain("':' is expected after the property name at line 3, column 7");
  });

  it('names the end of the text when the body is cut short', () => {
    const problem = problemOf(() => readJson(post('[1,2')));
    expect(problem.extra).toEqual({ position: 4, line: 1, column: 5 });
  });

  it('never quotes the malformed body back, which may hold a secret', () => {
    const problem = problemOf(() => readJson(post('{"clientSecret": "GOCSPX-s3cr3t-value" oops}')));
    expect(problem.code).toBe('MALFORMED_JSON');
    expect(problem.detail).not.toContain('s3cr3t');
    expect(problem.detail).not.toContain('oops');
  });

  it('answers 400 MALFORMED_JSON when the body is not UTF-8', () => {
    const body = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]).toString('base64');
    expect(problemOf(() => readJson(post(body, true)))).toMatchObject({ status: 400, code: 'MALFORMED_JSON' });
  });

  it('returns the schema output when the body validates', () => {
    const schema = z.object({ port: z.coerce.number().int(), alias: z.string().default('unnamed') });
    expect(readJson(post('{"port":"993"}'), schema)).toEqual({ port: 993, alias: 'unnamed' });
  });

  it('answers 400 VALIDATION_FAILED listing every field in error', () => {
    const schema = z.object({ host: z.string().min(1), mailServer: z.object({ port: z.number().int().max(65535) }) });
    const problem = problemOf(() => readJson(post('{"host":"","mailServer":{"port":70000}}'), schema));
    expect(problem).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    const errors = (problem.extra as { errors: { field: string; message: string }[] }).errors;
    expect(errors.map((e) => e.field)).toEqual(['host', 'mailServer.port']);
    expect(problem.detail).toMatch(/^The body is not valid: host: /);
  });

  it('validates with a zod/mini schema (what jwt-validate parses with), giving the same fields and messages as zod', () => {
    const body = post('{"token":"","url":"/x"}');
    const mini = zm.object({ token: zm.string().check(zm.minLength(1)), url: zm.string() });
    const classic = z.object({ token: z.string().min(1), url: z.string() });
    expect(readJson(post('{"token":"t","url":"/x"}'), mini)).toEqual({ token: 't', url: '/x' });
    const fromMini = problemOf(() => readJson(body, mini));
    expect(fromMini).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(fromMini.extra).toEqual(problemOf(() => readJson(body, classic)).extra);
  });

  it('names the whole body when it is not the expected type', () => {
    const problem = problemOf(() => readJson(post('[1]'), z.object({ a: z.string() })));
    expect((problem.extra as { errors: { field: string }[] }).errors[0]!.field).toBe('(body)');
  });
});
