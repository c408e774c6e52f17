import type { Directive } from './directive.ts';
import { ProxyConfigError } from './errors.ts';
import { type ConfigSource, MAX_INCLUDE_DEPTH } from './files.ts';

interface Token {
  readonly value: string;
  readonly line: number;
  /** `{`, `}` or `;` written bare (not inside quotes). */
  readonly punctuation: boolean;
}

/**
 * Reads an nginx configuration into directives: `name args;` and `name args { … }`, `#`
 * comments, quoted arguments, and `include` followed relative to the including file.
 */
export async function parseNginx(file: string, files: ConfigSource, depth = 0): Promise<Directive[]> {
  const tokens = tokenize(await files.read(file), file);
  let at = 0;
  const block = async (closer: boolean): Promise<Directive[]> => {
    const out: Directive[] = [];
    let words: Token[] = [];
    while (at < tokens.length) {
      const token = tokens[at++] as Token;
      if (!token.punctuation) {
        words.push(token);
        continue;
      }
      if (token.value === '}') {
        if (!closer || words.length > 0) throw syntax(file, token.line, 'an unexpected "}"');
        return out;
      }
      const [head, ...rest] = words;
      if (head === undefined) throw syntax(file, token.line, `an unexpected "${token.value}"`);
      const directive = { file, line: head.line, name: head.value, args: rest.map((w) => w.value), text: words.map((w) => w.value).join(' ') };
      words = [];
      if (token.value === '{') out.push({ ...directive, children: await block(true) });
      else if (directive.name === 'include' && directive.args[0] !== undefined)
        out.push(...(await included(file, directive.line, directive.args[0], files, depth)));
      else out.push(directive);
    }
    if (words.length > 0) throw syntax(file, (words[0] as Token).line, `"${(words[0] as Token).value}" without its closing ";"`);
    if (closer) throw syntax(file, tokens.at(-1)?.line ?? 1, 'a block that is never closed with "}"');
    return out;
  };
  return block(false);
}

async function included(file: string, line: number, pattern: string, files: ConfigSource, depth: number): Promise<Directive[]> {
  if (depth >= MAX_INCLUDE_DEPTH) throw syntax(file, line, `includes nested deeper than ${MAX_INCLUDE_DEPTH} levels (an include cycle?)`);
  const out: Directive[] = [];
  for (const target of await files.expand(pattern, file)) out.push(...(await parseNginx(target, files, depth + 1)));
  return out;
}

function syntax(file: string, line: number, what: string): ProxyConfigError {
  return new ProxyConfigError('CONFIG_SYNTAX', `${file}:${line}: ${what}.`, {
    fix: 'Check the file with "nginx -t"; every directive ends in ";" and every "{" has its "}".',
  });
}

function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const char = text[i] as string;
    if (char === '\n') line += 1;
    if (/\s/.test(char)) {
      i += 1;
    } else if (char === '#') {
      while (i < text.length && text[i] !== '\n') i += 1;
    } else if (char === '{' || char === '}' || char === ';') {
      tokens.push({ value: char, line, punctuation: true });
      i += 1;
    } else if (char === '"' || char === "'") {
      const start = line;
      let value = '';
      i += 1;
      while (i < text.length && text[i] !== char) {
        if (text[i] === '\\' && i + 1 < text.length) i += 1;
        if (text[i] === '\n') line += 1;
        value += text[i] as string;
        i += 1;
      }
      if (i >= text.length) throw syntax(file, start, 'a quote that is never closed');
      tokens.push({ value, line: start, punctuation: false });
      i += 1;
    } else {
      let value = '';
      // `${name}` is a variable, not a block.
      while (i < text.length && !/[\s;{}]/.test(text[i] as string)) {
        if (text[i] === '$' && text[i + 1] === '{') {
          const end = text.indexOf('}', i);
          if (end === -1) throw syntax(file, line, 'a "${" that is never closed');
          value += text.slice(i, end + 1);
          i = end + 1;
        } else value += text[i++] as string;
      }
      tokens.push({ value, line, punctuation: false });
    }
  }
  return tokens;
}
