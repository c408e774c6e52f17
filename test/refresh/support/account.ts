/** One line of the fault-injection account: what was injected and whether the grant survived. */
export interface AccountRow {
  readonly scenario: string;
  readonly failureClass: string;
  readonly statusAfter: string;
  readonly grantSurvives: boolean;
}

/** Collects rows during a test file and prints them as one table at the end. */
export class FaultAccount {
  private readonly rows: AccountRow[] = [];

  add(row: AccountRow): void {
    this.rows.push(row);
  }

  /** The table as printed (also returned so a test can assert on it). */
  print(title: string): string {
    const header: AccountRow = { scenario: 'scenario', failureClass: 'class', statusAfter: 'status after', grantSurvives: true };
    const cells = [header, ...this.rows].map((r, i) => [
      r.scenario,
      r.failureClass,
      r.statusAfter,
      i === 0 ? 'grant survives' : r.grantSurvives ? 'yes' : 'NO (lost)',
    ]);
    const widths = [0, 1, 2, 3].map((c) => Math.max(...cells.map((row) => (row[c] ?? '').length)));
    const lines = cells.map((row) => row.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | '));
    const text = [``, title, lines[0], widths.map((w) => '-'.repeat(w)).join('-|-'), ...lines.slice(1), ''].join('\n');
    process.stdout.write(`${text}\n`);
    return text;
  }
}
