/**
 * HAProxy's line lexer. A line is words separated by blanks; a word can mix
 * unquoted text, "double quotes" (escapes and `${VAR}` expansion) and
 * 'single quotes' (literal); a backslash escapes the next character outside
 * single quotes; an unquoted, unescaped `#` starts a comment. Every word keeps
 * where it was in the line, so the source can be reproduced and edited exactly.
 */

/** One word of a line: where it is (indices into the line's text) and what it means. */
export interface CstWord {
  /** Index in the line's text of its first character. */
  start: number;
  /** Index in the line's text just past its last character. */
  end: number;
  /** Quotes removed and escapes applied; `${VAR}` references are kept as written. */
  value: string;
  /** The word used quotes or escapes (its text differs from its value). */
  quoted: boolean;
  /** Inside double quotes it refers to an environment variable (`$VAR`, `${VAR}`, `${VAR-default}`). */
  hasVariables: boolean;
}

/** What the lexer made of one line. */
export interface LexedLine {
  /** Its words, in order. */
  words: CstWord[];
  /** Index of the `#` that starts a comment, or -1. */
  commentStart: number;
  /** Index of a quote left open, or -1. */
  unterminatedQuote: number;
  /** Index of a NUL byte (HAProxy stops reading a line there), or -1. */
  nul: number;
}

const space = 32;
const tab = 9;
const hash = 35;
const backslash = 92;
const doubleQuote = 34;
const singleQuote = 39;
const dollar = 36;
const carriageReturn = 13;

/**
 * Splits one line (without its line ending) into words. With `maxWords` it
 * stops after that many: the comment, quote and NUL indices then cover only
 * what was read (the parser classifies a plain line by its first word alone).
 */
export function lexLine(text: string, maxWords = Number.POSITIVE_INFINITY): LexedLine {
  const lexed: LexedLine = { words: [], commentStart: -1, unterminatedQuote: -1, nul: -1 };
  scan(text, 0, text.length, maxWords, lexed, undefined);
  return lexed;
}

// Reused by lexFirstWord: the parser asks for the first word of every line.
const firstWordLine: LexedLine = { words: [], commentStart: -1, unterminatedQuote: -1, nul: -1 };

/** The first word of a line, the rest left unread: `lexLine(text, 1).words[0]` without the line's own object. */
export function lexFirstWord(text: string): CstWord | undefined {
  scan(text, 0, text.length, 1, firstWordLine, undefined);
  // It holds that one word at most: taking it leaves the array empty for the next line.
  return firstWordLine.words.pop();
}

/**
 * The values of a line's words and nothing else: `lexLine(text).words`'
 * values without a word object each, for one pass over a huge file.
 */
export function lexValues(text: string): string[] {
  return lexValuesIn(text, 0, text.length);
}

/**
 * `lexValues(text.slice(from, to))` without the slice (internal: the parser
 * reads a line's words from the text of the whole file).
 */
export function lexValuesIn(text: string, from: number, to: number): string[] {
  const values: string[] = [];
  scan(text, from, to, Number.POSITIVE_INFINITY, undefined, values);
  return values;
}

/**
 * The values of the first `maxWords` words of `text[from, to)` pushed to `values`, and the index where reading
 * stopped: just past the last word read (internal: a check that needs a line's first words and the rest as text).
 */
export function lexHeadIn(text: string, from: number, to: number, maxWords: number, values: string[]): number {
  return scan(text, from, to, maxWords, undefined, values);
}

/** `lexLine(text.slice(from, to))` without the slice: word places and indices are relative to `from` (internal). */
export function lexLineIn(text: string, from: number, to: number): LexedLine {
  const lexed: LexedLine = { words: [], commentStart: -1, unterminatedQuote: -1, nul: -1 };
  scan(text, from, to, Number.POSITIVE_INFINITY, lexed, undefined);
  return lexed;
}

// The one tokeniser, over text[from, to): every word goes to `lexed` (with its place relative to `from`,
// and the line's comment, quote and NUL) or to `values` (its value only). Returns where it stopped.
function scan(
  text: string,
  from: number,
  length: number,
  maxWords: number,
  lexed: LexedLine | undefined,
  values: string[] | undefined,
): number {
  let commentStart = -1;
  let unterminatedQuote = -1;
  let nul = -1;
  let count = 0;
  let i = from;
  while (i < length && count < maxWords) {
    let code = text.charCodeAt(i);
    if (code === space || code === tab || code === carriageReturn) {
      i++;
      continue;
    }
    if (code === hash) {
      commentStart = i;
      break;
    }
    // A word: runs until an unquoted, unescaped blank or comment.
    const start = i;
    let simple = true;
    let hasVariables = false;
    let quote = 0;
    let quoteStart = -1;
    while (i < length) {
      code = text.charCodeAt(i);
      if (quote === 0) {
        // Most characters are none of the special ones (all at most a single quote, or a backslash).
        if (code > singleQuote && code !== backslash) {
          i++;
          continue;
        }
        if (code === space || code === tab || code === hash || code === carriageReturn) break;
        if (code === backslash) {
          simple = false;
          i += 2;
          continue;
        }
        if (code === doubleQuote || code === singleQuote) {
          simple = false;
          quote = code;
          quoteStart = i;
        } else if (code === 0 && nul === -1) nul = i;
        i++;
        continue;
      }
      if (code === 0 && nul === -1) nul = i;
      if (quote === singleQuote) {
        if (code === singleQuote) quote = 0;
        i++;
      } else if (code === backslash) i += 2;
      else {
        if (code === doubleQuote) quote = 0;
        else if (code === dollar) hasVariables = true;
        i++;
      }
    }
    if (i > length) i = length;
    if (quote !== 0) unterminatedQuote = quoteStart;
    const value = simple ? text.slice(start, i) : decodeWord(text.slice(start, i));
    if (lexed) lexed.words.push({ start: start - from, end: i - from, value, quoted: !simple, hasVariables });
    else values?.push(value);
    count++;
    if (quote !== 0) break;
  }
  if (lexed) {
    lexed.commentStart = commentStart === -1 ? -1 : commentStart - from;
    lexed.unterminatedQuote = unterminatedQuote === -1 ? -1 : unterminatedQuote - from;
    lexed.nul = nul === -1 ? -1 : nul - from;
  }
  return i;
}

const escapes: Record<string, string> = { r: '\r', n: '\n', t: '\t' };

/** The value of a word as HAProxy reads it (quotes and escapes resolved, variables kept). */
export function decodeWord(raw: string): string {
  return resolveWord(raw, undefined);
}

/**
 * Expands `$VAR`, `${VAR}` and `${VAR-default}` in the double-quoted parts of
 * a word's source text, with `env`, the way HAProxy does when it reads the file.
 */
export function expandVariables(raw: string, env: Record<string, string | undefined>): string {
  return resolveWord(raw, env);
}

// One walk over a word's quotes and escapes; with `env`, variables in double quotes are expanded too.
function resolveWord(raw: string, env: Record<string, string | undefined> | undefined): string {
  let value = '';
  let quote = '';
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i] as string;
    if (quote === "'") {
      if (char === "'") quote = '';
      else value += char;
      continue;
    }
    if (char === '\\' && i + 1 < raw.length) {
      const next = raw[i + 1] as string;
      if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(raw.slice(i + 2, i + 4))) {
        value += String.fromCharCode(Number.parseInt(raw.slice(i + 2, i + 4), 16));
        i += 3;
      } else {
        value += escapes[next] ?? next;
        i++;
      }
      continue;
    }
    if (env && quote === '"' && char === '$') {
      const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:-([^}]*))?\}/.exec(raw.slice(i));
      const bare = braced ? undefined : /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(raw.slice(i));
      const match = braced ?? bare;
      if (match) {
        value += env[match[1] as string] ?? (braced ? (match[2] ?? '') : '');
        i += match[0].length - 1;
        continue;
      }
    }
    if (quote === '"') {
      if (char === '"') quote = '';
      else value += char;
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      continue;
    }
    value += char;
  }
  return value;
}

/**
 * Writes a value as a word HAProxy reads back as that value: bare when it
 * can be (a bare `$` is literal), else double-quoted with `"`, `\` escaped
 * (and `$` too, unless the value is meant to refer to variables).
 */
export function encodeWord(value: string, options: { allowVariables?: boolean } = {}): string {
  if (value.length > 0 && /^[^\s#"'\\]+$/.test(value)) return value;
  let body = '';
  for (const char of value) {
    if (char === '"' || char === '\\') body += `\\${char}`;
    else if (char === '$' && !options.allowVariables) body += '\\$';
    else if (char === '\n') body += '\\n';
    else if (char === '\r') body += '\\r';
    else if (char === '\t') body += '\\t';
    else body += char;
  }
  return `"${body}"`;
}
