/**
 * A benchmark module: `test/bench/<name>.bench.ts` exporting `benchmark`. The runner
 * (test/bench/run.ts) imports every such file, runs them one after another and prints the lines.
 * A benchmark compares against the reference it names in the same run and prints the ratio.
 */
export interface Benchmark {
  readonly name: string;
  /** Runs the measurement (bounded in count and time) and returns the report lines. */
  run(): Promise<readonly string[]>;
}
