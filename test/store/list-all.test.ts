import { describe, expect, it } from 'vitest';
import { listAll } from '../../lib/store/list-all.ts';
import { memoryMetadata } from '../support/tls/memory-metadata.ts';

async function seeded(count: number) {
  const metadata = memoryMetadata();
  for (let i = 0; i < count; i++) await metadata.put({ kind: 'thing', id: `t${String(i).padStart(4, '0')}`, data: { n: i } });
  await metadata.put({ kind: 'other', id: 'x', data: { n: -1 } });
  return metadata;
}

describe('listAll', () => {
  it('follows cursors across pages and returns every item of the kind in id order', async () => {
    const all = await listAll<{ n: number }>(await seeded(250), 'thing', 10_000);
    expect(all.map((item) => item.n)).toEqual(Array.from({ length: 250 }, (_, i) => i));
  });

  it('stops at maxItems', async () => {
    expect(await listAll(await seeded(250), 'thing', 120)).toHaveLength(120);
  });

  it('returns an empty list for a kind with no items', async () => {
    expect(await listAll(await seeded(3), 'nothing', 10)).toEqual([]);
  });
});
