import { describe, expect, it } from 'vitest';
import { table } from '../../lib/cli/table.ts';

describe('CLI tables', () => {
  const rows = [
    ['Support mailbox', 'microsoft', 'authorized'],
    ['A very long integration name that goes on and on', 'custom', 'needs-reauthorization'],
  ];

  it('puts a header over columns as wide as their widest cell', () => {
    const lines = table(['NAME', 'PROVIDER', 'STATUS'], rows, { width: 200 });
    const name = rows[1]?.[0] ?? '';
    expect(lines[0]).toBe(`${'NAME'.padEnd(name.length)}  PROVIDER   STATUS`);
    expect(lines[1]).toBe(`${'Support mailbox'.padEnd(name.length)}  microsoft  authorized`);
    expect(lines[2]).toBe(`${name}  custom     needs-reauthorization`);
  });

  it('fits the given width by cutting the widest column, marking the cut', () => {
    const lines = table(['NAME', 'PROVIDER', 'STATUS'], rows, { width: 60 });
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(60);
    expect(lines[2]).toContain('…');
    expect(lines[2]).toContain('needs-reauthorization');
  });

  it('right-aligns numeric columns', () => {
    expect(
      table(
        ['#', 'DAYS'],
        [
          ['0', '5'],
          ['1', '365'],
        ],
        { width: 80, right: [1] },
      ),
    ).toEqual(['#  DAYS', '0     5', '1   365']);
  });
});
