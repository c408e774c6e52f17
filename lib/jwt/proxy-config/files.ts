import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ProxyConfigError } from './errors.ts';

/** Bounds on what one check reads, so a runaway include (or a cycle) stays an error, not a hang. */
const MAX_FILES = 256;
const MAX_BYTES = 1024 * 1024;
export const MAX_INCLUDE_DEPTH = 16;

/** Where a check reads the configuration and the files its includes name. */
export interface ConfigSource {
  read(file: string): Promise<string>;
  expand(pattern: string, from: string): Promise<string[]>;
}

/** A configuration pasted as text (the console): nothing to include, so includes are skipped. */
export class PastedConfig implements ConfigSource {
  constructor(
    private readonly name: string,
    private readonly text: string,
  ) {}

  read(file: string): Promise<string> {
    if (file !== this.name) return Promise.reject(new ProxyConfigError('CONFIG_UNREADABLE', `"${file}" was not pasted.`));
    if (this.text.length > MAX_BYTES)
      return Promise.reject(new ProxyConfigError('CONFIG_TOO_LARGE', `The pasted configuration is larger than ${MAX_BYTES} bytes.`));
    return Promise.resolve(this.text);
  }

  expand(): Promise<string[]> {
    return Promise.resolve([]);
  }
}

/** Reads configuration files for one check, counting them against the bounds. */
export class ConfigFiles implements ConfigSource {
  private count = 0;

  async read(file: string): Promise<string> {
    this.count += 1;
    if (this.count > MAX_FILES)
      throw new ProxyConfigError('CONFIG_TOO_LARGE', `The configuration includes more than ${MAX_FILES} files.`, {
        fix: 'Check the Include/include lines for a pattern that matches too much.',
      });
    let text: string;
    try {
      const info = await stat(file);
      if (info.isDirectory())
        throw new ProxyConfigError('CONFIG_UNREADABLE', `"${file}" is a directory, not a configuration file.`, {
          fix: 'Give the path of the main configuration file.',
        });
      if (info.size > MAX_BYTES) throw new ProxyConfigError('CONFIG_TOO_LARGE', `"${file}" is larger than ${MAX_BYTES} bytes: not a proxy configuration.`);
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (error instanceof ProxyConfigError) throw error;
      throw new ProxyConfigError(
        'CONFIG_UNREADABLE',
        `Cannot read "${file}": ${(error as NodeJS.ErrnoException).code ?? String(error)}.`,
        { fix: 'Check the path and that the file is readable.' },
        { cause: error },
      );
    }
    return text;
  }

  /**
   * The files an include pattern names, relative to the including file's directory, sorted as
   * both servers do. Wildcards (`*`, `?`, `[...]`) may appear in any path segment.
   */
  async expand(pattern: string, from: string): Promise<string[]> {
    const full = path.isAbsolute(pattern) ? pattern : path.join(path.dirname(from), pattern);
    if (!/[*?[]/.test(full)) return [full];
    const root = path.parse(full).root;
    let found = [root];
    for (const segment of full
      .slice(root.length)
      .split(/[\\/]+/)
      .filter((s) => s !== '')) {
      if (!/[*?[]/.test(segment)) {
        found = found.map((dir) => path.join(dir, segment));
        continue;
      }
      const matcher = segmentMatcher(segment);
      const next: string[] = [];
      for (const dir of found) {
        const names = await readdir(dir).catch(() => [] as string[]);
        for (const name of names.sort()) if (!name.startsWith('.') && matcher.test(name)) next.push(path.join(dir, name));
      }
      found = next;
    }
    const files: string[] = [];
    for (const candidate of found) if ((await stat(candidate).catch(() => undefined))?.isFile() === true) files.push(candidate);
    return files;
  }
}

/** A regular expression for one glob segment: `*` and `?` never cross a slash, `[...]` is a class. */
function segmentMatcher(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i] as string;
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end === -1) source += '\\[';
      else {
        const body = segment
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        source += `[${body}]`;
        i = end;
      }
    } else source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
