import type { Directive } from './directive.ts';
import { ProxyConfigError } from './errors.ts';
import { type ConfigSource, MAX_INCLUDE_DEPTH } from './files.ts';

/**
 * Reads an Apache httpd configuration into directives: one per logical line (a trailing
 * backslash continues it), `#` comment lines skipped, `<Section>` … `</Section>` nested,
 * `Include` / `IncludeOptional` followed relative to the including file.
 */
export async function parseApache(file: string, files: ConfigSource, depth = 0): Promise<Directive[]> {
  const text = await files.read(file);
  const root: Directive[] = [];
  const open: { name: string; line: number; children: Directive[] }[] = [];
  const here = () => open.at(-1)?.children ?? root;
  for (const { line, content } of logicalLines(text)) {
    const closing = /^<\/\s*([^\s>]+)\s*>$/.exec(content);
    if (closing !== null) {
      const section = open.pop();
      if (section === undefined || section.name.toLowerCase() !== (closing[1] as string).toLowerCase()) {
        throw new ProxyConfigError('CONFIG_SYNTAX', `${file}:${line}: "</${closing[1] as string}>" closes a section that is not open.`, {
          fix: 'Check that every <Section> has its matching </Section>.',
        });
      }
      continue;
    }
    const opening = /^<\s*([^\s>/]+)\s*([^>]*)>$/.exec(content);
    if (opening !== null) {
      const children: Directive[] = [];
      const name = opening[1] as string;
      here().push({ file, line, name, args: words(opening[2] as string), text: content, children });
      open.push({ name, line, children });
      continue;
    }
    if (content.startsWith('<')) {
      // Apache refuses this too; read as a directive it would hide the ProxyPass lines after it on the same line.
      throw new ProxyConfigError('CONFIG_SYNTAX', `${file}:${line}: a section tag must stand alone on its line, ending in ">".`, {
        fix: 'Put each directive on its own line, as in "<VirtualHost *:80>", then "ProxyPass / http://localhost:8090/ nocanon", then "</VirtualHost>".',
      });
    }
    const [name = '', ...args] = words(content);
    if (/^include(optional)?$/i.test(name) && args[0] !== undefined) {
      here().push(...(await included(file, line, args[0], /optional$/i.test(name), files, depth)));
      continue;
    }
    here().push({ file, line, name, args, text: content });
  }
  const unclosed = open.pop();
  if (unclosed !== undefined) {
    throw new ProxyConfigError('CONFIG_SYNTAX', `${file}:${unclosed.line}: <${unclosed.name}> is never closed.`, {
      fix: `Add </${unclosed.name}> where the section ends.`,
    });
  }
  return root;
}

async function included(file: string, line: number, pattern: string, optional: boolean, files: ConfigSource, depth: number): Promise<Directive[]> {
  if (depth >= MAX_INCLUDE_DEPTH)
    throw new ProxyConfigError('CONFIG_SYNTAX', `${file}:${line}: includes nest deeper than ${MAX_INCLUDE_DEPTH} levels (an include cycle?).`);
  const targets = await files.expand(pattern, file);
  const out: Directive[] = [];
  for (const target of targets) {
    if (optional && !/[*?[]/.test(pattern)) {
      const parsed = await parseApache(target, files, depth + 1).catch((error: unknown) => {
        if (error instanceof ProxyConfigError && error.code === 'CONFIG_UNREADABLE') return [];
        throw error;
      });
      out.push(...parsed);
    } else out.push(...(await parseApache(target, files, depth + 1)));
  }
  return out;
}

/** Logical lines: continuation lines joined, blank and comment lines dropped, trimmed. */
function* logicalLines(text: string): Generator<{ line: number; content: string }> {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let content = lines[i] as string;
    while (/\\\s*$/.test(content) && i + 1 < lines.length) content = content.replace(/\\\s*$/, ' ') + (lines[++i] as string);
    content = content.trim();
    if (content === '' || content.startsWith('#')) continue;
    yield { line: start, content };
  }
}

/** Splits arguments on blanks; double or single quotes keep blanks inside one argument. */
export function words(content: string): string[] {
  const out: string[] = [];
  for (const match of content.matchAll(/"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\S+)/g)) {
    // Like ap_getword_conf: a backslash escapes only the quote; regexes keep theirs (`"^\S+"`).
    if (match[1] !== undefined) out.push(match[1].replace(/\\"/g, '"'));
    else if (match[2] !== undefined) out.push(match[2].replace(/\\'/g, "'"));
    else out.push(match[3] ?? '');
  }
  return out;
}
