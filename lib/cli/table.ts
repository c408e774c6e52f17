/** Rows under a header, with columns that fit the terminal. */

export interface TableOptions {
  /** Total width to fit; default the terminal's width, unlimited in a pipe (nothing is cut off for grep). */
  readonly width?: number;
  /** Indent of every line. */
  readonly indent?: string;
  /** Formats a header cell after padding (bold on a terminal). */
  readonly header?: (text: string) => string;
  /** Columns right-aligned (numbers). */
  readonly right?: readonly number[];
}

const GAP = 2;

const cut = (text: string, width: number) => (text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text);

/** Shrinks the widest columns until the table fits `width`, never below the header's width. */
function fit(widths: number[], headers: readonly string[], width: number, indent: number): number[] {
  const result = [...widths];
  const total = () => indent + result.reduce((sum, w) => sum + w, 0) + GAP * (result.length - 1);
  while (total() > width) {
    const widest = result.indexOf(Math.max(...result));
    const floor = Math.max(headers[widest]?.length ?? 0, 8);
    if ((result[widest] ?? 0) <= floor) break;
    result[widest] = Math.max(floor, (result[widest] ?? 0) - (total() - width));
  }
  return result;
}

/**
 * The table as lines: a header row, then one line per row; the last column is not padded.
 *
 * @example table(['ID', 'Name'], [['1', 'Support mailbox']]).join('\n')
 */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], options: TableOptions = {}): string[] {
  const indent = options.indent ?? '';
  const width = options.width ?? (process.stdout.isTTY ? process.stdout.columns : Number.POSITIVE_INFINITY);
  const natural = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const widths = fit(natural, headers, width, indent.length);
  const line = (cells: readonly string[], format: (text: string) => string = (text) => text) =>
    indent +
    cells
      .map((cell, i) => {
        const w = widths[i] ?? 0;
        const text = cut(cell, w);
        const last = i === cells.length - 1;
        const padded = options.right?.includes(i) === true ? text.padStart(w) : last ? text : text.padEnd(w);
        return format(padded);
      })
      .join(' '.repeat(GAP))
      .trimEnd();
  return [line(headers, options.header), ...rows.map((row) => line(row))];
}
