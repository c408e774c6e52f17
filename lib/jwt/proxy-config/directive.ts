/** One directive of a proxy configuration, where it was written, and the block it opens, if any. */
export interface Directive {
  readonly file: string;
  readonly line: number;
  /** The name as written (`ProxyPass`, `proxy_pass`, `VirtualHost` for a `<VirtualHost>` section). */
  readonly name: string;
  readonly args: readonly string[];
  /** The directive on one line, as a reader would search for it. */
  readonly text: string;
  /** The directives inside the block or section it opens; undefined for a plain directive. */
  readonly children?: readonly Directive[];
}

/** Every directive of `directives` and of the blocks inside them, in file order. */
export function* walk(directives: readonly Directive[]): Generator<Directive> {
  for (const directive of directives) {
    yield directive;
    if (directive.children !== undefined) yield* walk(directive.children);
  }
}

/** Case-insensitive name test (Apache's names are case-insensitive; nginx's are lower-case anyway). */
export function named(directive: Directive, ...names: readonly string[]): boolean {
  const lower = directive.name.toLowerCase();
  return names.some((name) => name.toLowerCase() === lower);
}
