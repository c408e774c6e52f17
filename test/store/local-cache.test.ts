import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createLocalStores } from '../../lib/store/local/index.ts';
import { seal } from '../../lib/store/local/sealed.ts';
import { UnsealCache } from '../../lib/store/local/unseal-cache.ts';
import { ManualClock } from '../support/manual-clock.ts';

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

let dataDir: string;
beforeEach(async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'trustline-cache-'));
  roots.push(root);
  dataDir = path.join(root, 'data');
});

/** The one file with `suffix` under the data directory. */
async function onlyFile(suffix: string): Promise<string> {
  const entries = await readdir(dataDir, { recursive: true, withFileTypes: true });
  const found = entries.filter((entry) => entry.isFile() && entry.name.endsWith(suffix));
  expect(found).toHaveLength(1);
  return path.join(found[0]!.parentPath, found[0]!.name);
}

describe('local stores reading files they have read before', () => {
  it('see an item written meanwhile by another store on the same directory', async () => {
    const clock = new ManualClock();
    const reader = createLocalStores({ dataDir, clock }).metadata;
    const writer = createLocalStores({ dataDir, clock }).metadata;
    await writer.put({ kind: 'k', id: 'i', data: 'first' });
    expect(await reader.get('k', 'i')).toMatchObject({ data: 'first', version: 1 });
    await writer.put({ kind: 'k', id: 'i', data: 'second' });
    expect(await reader.get('k', 'i')).toMatchObject({ data: 'second', version: 2 });
    expect((await reader.list('k')).items).toMatchObject([{ data: 'second' }]);
  });

  it('see a secret written meanwhile by another store on the same directory', async () => {
    const clock = new ManualClock();
    const reader = createLocalStores({ dataDir, clock }).secrets;
    const writer = createLocalStores({ dataDir, clock }).secrets;
    await writer.put('trustline/a', 'first');
    expect(await reader.get('trustline/a')).toMatchObject({ value: 'first' });
    await writer.put('trustline/a', 'second');
    expect(await reader.get('trustline/a')).toMatchObject({ value: 'second' });
  });

  it('report a file corrupted after they read it, even when its length is unchanged', async () => {
    const { metadata } = createLocalStores({ dataDir, clock: new ManualClock() });
    await metadata.put({ kind: 'k', id: 'i', data: 'value' });
    expect(await metadata.get('k', 'i')).toMatchObject({ data: 'value' });
    const file = await onlyFile('.item');
    const bytes = await readFile(file);
    bytes[bytes.length - 1]! ^= 0x01;
    await writeFile(file, bytes);
    await expect(metadata.get('k', 'i')).rejects.toMatchObject({ code: 'STORE_CORRUPTED', file });
  });

  it('read a file restored from an older copy as that older content', async () => {
    const { secrets } = createLocalStores({ dataDir, clock: new ManualClock() });
    await secrets.put('trustline/a', 'old');
    const file = await onlyFile('.secret');
    await copyFile(file, `${file}.backup`);
    await secrets.put('trustline/a', 'new');
    expect(await secrets.get('trustline/a')).toMatchObject({ value: 'new' });
    await copyFile(`${file}.backup`, file);
    expect(await secrets.get('trustline/a')).toMatchObject({ value: 'old' });
  });
});

describe('UnsealCache', () => {
  const key = randomBytes(32);

  it('remembers no more files than its limit', () => {
    const cache = new UnsealCache(2);
    for (const name of ['a', 'b', 'c']) cache.open(key, name, seal(key, name, Buffer.from(name)), `/files/${name}`);
    expect(cache.size).toBe(2);
  });

  it('does not take bytes sealed for another file as that file', () => {
    const cache = new UnsealCache();
    const sealed = cache.seal(key, 'name-a', 'value', '/files/a');
    expect(() => cache.open(key, 'name-b', sealed, '/files/b')).toThrow(expect.objectContaining({ code: 'STORE_CORRUPTED', file: '/files/b' }));
    expect(() => cache.open(key, 'name-b', sealed, '/files/a')).toThrow(expect.objectContaining({ code: 'STORE_CORRUPTED' }));
  });
});
