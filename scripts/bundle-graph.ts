import path from 'node:path';
import type { Metafile } from 'esbuild';
import { unreachableOutputs } from '../infra/aws/bundling.ts';

/** A chunk loaded by `await import()` and what it loads with it, outside what the entry already loaded. */
export interface LazyGroup {
  /** The source module the dynamic import names (`node_modules/undici/index.js`, `lib/runtime/aws/stores.ts`). */
  readonly source: string;
  readonly files: readonly string[];
  readonly bytes: number;
}

/** What one function's bundle holds: loaded at start, and loaded on first use. */
export interface BundleGraph {
  /** The entry and every chunk its static imports reach: evaluated when Lambda loads the handler. */
  readonly startFiles: readonly string[];
  readonly startBytes: number;
  readonly lazy: readonly LazyGroup[];
  /** Every JavaScript file of the bundle that the entry can reach (source maps excluded). */
  readonly totalBytes: number;
}

/**
 * Splits an esbuild metafile (one entry point, `splitting`) into the files a start loads and the
 * groups each dynamic import adds. Paths are as esbuild reports them (relative to the working directory).
 */
export function bundleGraph(metafile: Metafile, entryFile: string): BundleGraph {
  const outputs = metafile.outputs;
  const unreachable = new Set(unreachableOutputs(metafile, entryFile));
  const js = Object.keys(outputs).filter((file) => !file.endsWith('.map') && !unreachable.has(file));
  const closure = (from: string, known: ReadonlySet<string>): string[] => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file) || known.has(file)) return;
      seen.add(file);
      for (const edge of outputs[file]?.imports ?? []) if (edge.kind === 'import-statement' && !edge.external) visit(edge.path);
    };
    visit(from);
    return [...seen];
  };
  const bytes = (files: readonly string[]) => files.reduce((sum, file) => sum + (outputs[file]?.bytes ?? 0), 0);
  const start = closure(entryFile, new Set());
  const startSet = new Set(start);
  const dynamicTargets = new Set(
    js.flatMap((file) => (outputs[file]?.imports ?? []).filter((edge) => edge.kind === 'dynamic-import' && !edge.external).map((edge) => edge.path)),
  );
  const lazy = [...dynamicTargets]
    .filter((file) => !startSet.has(file))
    .map((file) => {
      const files = closure(file, startSet);
      return { source: outputs[file]?.entryPoint ?? path.basename(file), files, bytes: bytes(files) };
    })
    .sort((a, b) => b.bytes - a.bytes);
  return { startFiles: start, startBytes: bytes(start), lazy, totalBytes: bytes(js) };
}
