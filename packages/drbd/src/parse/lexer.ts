/**
 * The tokens of the drbd.conf language as drbdadm reads it: words (bare, or
 * "quoted" with backslash escapes), `{`, `}` and `;`; `#` starts a comment to
 * the end of the line. Each token carries the trivia (whitespace, comments)
 * before it and its offset; lines and columns are derived only when a finding needs one.
 */

/** What a token is. */
export type TokenKind = 'word' | 'open' | 'close' | 'semicolon';

/** One token, as the lexer hands it to the parser. */
export interface LexedToken {
  /** A word, `{`, `}` or `;`. */
  kind: TokenKind;
  /** Whitespace and comments before the token, as written. */
  leading: string;
  /** The token as written (quotes and escapes included for a quoted word). */
  text: string;
  /** Offset of `text` in the source. */
  offset: number;
  /** What a word means (quotes removed, escapes applied); the character itself for `{`, `}`, `;`. */
  value: string;
  /** A word written in double quotes. */
  quoted: boolean;
  /** A quoted word that a newline or the end of the text cut off before its closing quote. */
  unterminated: boolean;
}

// Sticky patterns: each matches at the lexer's position only, so the scan stays linear.
const triviaPattern = /(?:\s+|#[^\n]*)*/y;
const barePattern = /[^\s{};"#]*/y;
const quotedStopPattern = /["\\\n]/g;

// The most distinct short trivia strings shared between tokens (' ', '\n\t' …): a large file
// then holds one copy of each instead of one per token.
const internLimit = 4096;

/** Splits a text into tokens, one `next()` at a time, in time linear in the text. */
export class Lexer {
  /** Offset of the next character to read. */
  position = 0;
  /** Whitespace and comments after the last token, once `next()` returned undefined. */
  trailing = '';
  private readonly interned = new Map<string, string>();

  constructor(private readonly text: string) {}

  /** The next token, or undefined at the end of the text (then `trailing` holds what followed the last one). */
  next(): LexedToken | undefined {
    const text = this.text;
    triviaPattern.lastIndex = this.position;
    triviaPattern.test(text);
    const leading = this.intern(text.slice(this.position, triviaPattern.lastIndex));
    this.position = triviaPattern.lastIndex;
    if (this.position >= text.length) {
      this.trailing = leading;
      return undefined;
    }
    const char = text[this.position] as string;
    const start = this.position;
    if (char === '{' || char === '}' || char === ';') {
      this.position++;
      const kind = char === '{' ? 'open' : char === '}' ? 'close' : 'semicolon';
      return { kind, leading, text: char, offset: start, value: char, quoted: false, unterminated: false };
    }
    if (char === '"') return this.quoted(leading, start);
    barePattern.lastIndex = start;
    barePattern.test(text);
    this.position = barePattern.lastIndex;
    const word = text.slice(start, this.position);
    return { kind: 'word', leading, text: word, offset: start, value: word, quoted: false, unterminated: false };
  }

  /** The raw text of a `skip { … }` body, up to (not including) its matching `}`; undefined if never closed. */
  raw(): { text: string; closeOffset: number } | undefined {
    let depth = 0;
    const start = this.position;
    for (; this.position < this.text.length; this.position++) {
      const char = this.text.charCodeAt(this.position);
      if (char === 123) depth++;
      else if (char === 125) {
        if (depth === 0) return { text: this.text.slice(start, this.position), closeOffset: this.position++ };
        depth--;
      }
    }
    return undefined;
  }

  // "…" with backslash escapes (\n, \t, else the character itself); a bare newline ends it unterminated.
  private quoted(leading: string, start: number): LexedToken {
    const text = this.text;
    const parts: string[] = [];
    let position = start + 1;
    let closed = false;
    for (;;) {
      quotedStopPattern.lastIndex = position;
      const stop = quotedStopPattern.exec(text);
      if (stop === null) {
        parts.push(text.slice(position));
        position = text.length;
        break;
      }
      parts.push(text.slice(position, stop.index));
      position = stop.index;
      if (stop[0] === '"') {
        position++;
        closed = true;
        break;
      }
      if (stop[0] === '\n') break;
      // A backslash: the next character, escaped; a backslash that ends the file stays itself.
      if (position + 1 >= text.length) {
        parts.push('\\');
        position++;
        break;
      }
      const next = text[position + 1] as string;
      parts.push(next === 'n' ? '\n' : next === 't' ? '\t' : next);
      position += 2;
    }
    this.position = position;
    return {
      kind: 'word',
      leading,
      text: text.slice(start, position),
      offset: start,
      value: parts.join(''),
      quoted: true,
      unterminated: !closed,
    };
  }

  private intern(leading: string): string {
    if (leading.length > 32) return leading;
    const known = this.interned.get(leading);
    if (known !== undefined) return known;
    if (this.interned.size < internLimit) this.interned.set(leading, leading);
    return leading;
  }
}

/** A value written as a word drbdadm reads back as that value: bare when it can be, else quoted and escaped. */
export function encodeWord(value: string): { text: string; quoted: boolean } {
  if (/^[^\s{};"#]+$/.test(value)) return { text: value, quoted: false };
  const escaped = value.replace(/["\\\n\t]/g, (char) => (char === '\n' ? '\\n' : char === '\t' ? '\\t' : `\\${char}`));
  return { text: `"${escaped}"`, quoted: true };
}
