import * as jsonc from 'jsonc-parser';

/** Where and why a JSON text is malformed, in words that do not echo the text (it may hold a secret). */
export interface JsonSyntaxProblem {
  /** 0-based character offset. */
  readonly position: number;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly reason: string;
}

const reasons: Partial<Record<jsonc.ParseErrorCode, string>> = {
  [jsonc.ParseErrorCode.InvalidSymbol]: 'an unexpected character',
  [jsonc.ParseErrorCode.InvalidNumberFormat]: 'a malformed number',
  [jsonc.ParseErrorCode.PropertyNameExpected]: 'a property name in double quotes is expected',
  [jsonc.ParseErrorCode.ValueExpected]: 'a value is expected',
  [jsonc.ParseErrorCode.ColonExpected]: "':' is expected after the property name",
  [jsonc.ParseErrorCode.CommaExpected]: "',' is expected",
  [jsonc.ParseErrorCode.CloseBraceExpected]: "'}' is expected",
  [jsonc.ParseErrorCode.CloseBracketExpected]: "']' is expected",
  [jsonc.ParseErrorCode.EndOfFileExpected]: 'nothing may follow the JSON value',
  [jsonc.ParseErrorCode.InvalidCommentToken]: 'comments are not allowed in JSON',
  [jsonc.ParseErrorCode.UnexpectedEndOfComment]: 'comments are not allowed in JSON',
  [jsonc.ParseErrorCode.UnexpectedEndOfString]: 'a string is not closed',
  [jsonc.ParseErrorCode.UnexpectedEndOfNumber]: 'a number is incomplete',
  [jsonc.ParseErrorCode.InvalidUnicode]: 'a \\u escape is malformed',
  [jsonc.ParseErrorCode.InvalidEscapeCharacter]: 'a backslash escape is not valid',
  [jsonc.ParseErrorCode.InvalidCharacter]: 'a control character appears inside a string',
};

/**
 * Locates the error in a text JSON.parse rejected. JSON.parse stays the judge of validity;
 * V8's message names the position for most errors but not for an unexpected token (and then
 * quotes the text), so jsonc-parser, run strict, locates those.
 */
export function locateJsonError(text: string, engineMessage: string): JsonSyntaxProblem {
  let first: { code: jsonc.ParseErrorCode; offset: number } | undefined;
  jsonc.visit(
    text,
    {
      onError: (code, offset) => {
        first ??= { code, offset };
      },
    },
    { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
  );
  const enginePosition = /at position (\d+)/.exec(engineMessage)?.[1];
  const position = Math.min(enginePosition === undefined ? (first?.offset ?? text.length) : Number(enginePosition), text.length);
  const reason = (first === undefined ? undefined : reasons[first.code]) ?? (position >= text.length ? 'the text ends too early' : 'an unexpected character');
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return { position, line, column, reason };
}
