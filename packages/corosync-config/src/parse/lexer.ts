import type { DiagnosticCollector, Severity } from '@ha/core';
import type { CorosyncCode } from '../codes.js';
import type { CstLine } from './cst.js';

/**
 * The one reading of corosync.conf that `safeParse` and `validate` share:
 * lines in, statements out, in file order, with nothing kept beyond the open
 * sections. `safeParse` keeps what it is handed (the CST); `validate` keeps
 * only what its rules need, so a 50 MB file costs its rules' state, not a tree
 * of every line. Positions are offsets into the text; the collector turns the
 * offsets of the findings it keeps into lines and columns.
 */

/** Receives a file's statements in order. */
export interface SyntaxHandler {
  /** A `key: value` line; `valueStart`/`valueEnd` index into `line.text`. */
  pair(line: CstLine, key: string, value: string, valueStart: number, valueEnd: number): void;
  /** A `name {` line. */
  open(name: string, line: CstLine): void;
  /** A `}` that closes the innermost open section. */
  close(line: CstLine): void;
  /** A blank line, a comment, or a line corosync would reject. */
  trivia(line: CstLine): void;
}

/**
 * Reads `text` line by line into `handler`, and its syntax findings into
 * `findings` when given (they must be a collector over the same `text`).
 * Never throws on any text.
 */
export function lex(text: string, handler: SyntaxHandler, findings?: DiagnosticCollector<CorosyncCode>): void {
  const lexer = new Lexer(text, handler, findings);
  // Split on `\n` as corosync's fgets does, a `\r` before it going with the line ending.
  for (let start = 0; start < text.length;) {
    const newline = text.indexOf('\n', start);
    const stop = newline === -1 ? text.length : newline;
    const crlf = stop > start && newline !== -1 && text.charCodeAt(stop - 1) === 13;
    lexer.line(start, crlf ? stop - 1 : stop, newline === -1 ? '' : crlf ? '\r\n' : '\n');
    start = stop + 1;
  }
  lexer.end();
}

// corosync reads lines into a 512-byte buffer: longer lines are its "Line too long" error.
const maxLineBytes = 510;
// UTF-8 takes at most 3 bytes per UTF-16 unit: a line this short cannot be too long.
const surelyShortLength = Math.floor(maxLineBytes / 3);

/** Blanks as corosync trims them: space, tab and the Latin-1 no-break space. */
export function isBlank(code: number): boolean {
  return code === 32 || code === 9 || code === 0xa0;
}

const whitespace = /\s/;

/** White space as `String.prototype.trim` sees it. */
export function isWhitespace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || (code > 127 && whitespace.test(String.fromCharCode(code)));
}

/** Classifies lines by corosync's own rules and keeps the stack of open sections. */
class Lexer {
  readonly #text: string;
  readonly #handler: SyntaxHandler;
  readonly #findings: DiagnosticCollector<CorosyncCode> | undefined;
  readonly #open: { name: string; line: CstLine }[] = [];
  // Where the next NUL is: found once, not searched for from every line.
  #nextNul: number;

  constructor(text: string, handler: SyntaxHandler, findings: DiagnosticCollector<CorosyncCode> | undefined) {
    this.#text = text;
    this.#handler = handler;
    this.#findings = findings;
    this.#nextNul = findings ? text.indexOf('\0') : -1;
  }

  /** The line `text[start, lineEnd)`, ending with `eol`. */
  line(start: number, lineEnd: number, eol: string): void {
    const source = this.#text;
    const handler = this.#handler;
    if (this.#findings) {
      if (this.#nextNul !== -1 && this.#nextNul < start) this.#nextNul = source.indexOf('\0', start);
      const nul = this.#nextNul;
      if (nul !== -1 && nul < lineEnd)
        this.#problem(
          'BINARY_CONTENT',
          'the line contains a NUL byte; corosync stops reading the line there',
          nul,
          nul + 1,
        );
      if (lineEnd - start > surelyShortLength) {
        const bytes = Buffer.byteLength(source.slice(start, lineEnd));
        const message = () => `the line is ${bytes} bytes long; corosync reads at most ${maxLineBytes}`;
        if (bytes > maxLineBytes) this.#problem('LINE_TOO_LONG', message, start, lineEnd);
      }
    }
    const text = source.slice(start, lineEnd);
    const offset = start;

    let end = lineEnd;
    while (end > start && isBlank(source.charCodeAt(end - 1))) end--;
    let first = start;
    while (first < end && isBlank(source.charCodeAt(first))) first++;
    if (first === end) return handler.trivia({ kind: 'blank', offset, text, eol });
    if (source.charCodeAt(first) === 35 /* # */) return handler.trivia({ kind: 'comment', offset, text, eol });

    // One look along the line: the first `{` decides before anything else, then the first `:`, then `}`.
    let brace = -1;
    let colon = -1;
    let closing = -1;
    for (let i = first; i < end; i++) {
      const code = source.charCodeAt(i);
      if (code === 123 /* { */) {
        brace = i;
        break;
      }
      if (code === 58 /* : */ && colon === -1) colon = i;
      else if (code === 125 /* } */ && closing === -1) closing = i;
    }

    if (brace !== -1) {
      let nameEnd = brace;
      // corosync drops blanks, colons and braces before the `{` (`totem: {`).
      while (nameEnd > first && (source.charCodeAt(nameEnd - 1) === 58 || isWhitespace(source.charCodeAt(nameEnd - 1))))
        nameEnd--;
      if (nameEnd === first) {
        this.#problem('MISSING_SECTION_NAME', "missing section name before opening brace '{'", brace, brace + 1);
        return handler.trivia({ kind: 'invalid', offset, text, eol });
      }
      let after = brace + 1;
      while (after < end && isBlank(source.charCodeAt(after))) after++;
      if (after < end)
        this.#problem(
          'TEXT_AFTER_OPEN_BRACE',
          () => `unexpected '${source.slice(after, end)}' after opening brace '{'`,
          after,
          end,
        );
      const name = source.slice(first, nameEnd);
      const open: CstLine = { kind: 'open', offset, text, eol };
      this.#open.push({ name, line: open });
      return handler.open(name, open);
    }

    if (colon !== -1) {
      // Before the first colon there is no colon: the key is the trimmed text up to it.
      let keyEnd = colon;
      while (keyEnd > first && isBlank(source.charCodeAt(keyEnd - 1))) keyEnd--;
      if (keyEnd === first) {
        this.#problem('EMPTY_KEY', "missing key name before ':'", colon, colon + 1);
        return handler.trivia({ kind: 'invalid', offset, text, eol });
      }
      let valueStart = colon + 1;
      while (valueStart < end && isBlank(source.charCodeAt(valueStart))) valueStart++;
      if (this.#findings && hasOddQuotes(source, valueStart, end)) {
        this.#problem(
          'UNTERMINATED_QUOTE',
          'the value has an unterminated quote; corosync takes quotes literally',
          valueStart,
          end,
          'warning',
        );
      }
      const line: CstLine = { kind: 'pair', offset, text, eol };
      return handler.pair(
        line,
        source.slice(first, keyEnd),
        source.slice(valueStart, end),
        valueStart - start,
        end - start,
      );
    }

    if (closing !== -1) {
      if (end - first !== 1)
        this.#problem('TEXT_AROUND_CLOSE_BRACE', "unexpected text before or after closing brace '}'", first, end);
      if (this.#open.pop() === undefined) {
        this.#problem('UNEXPECTED_CLOSE_BRACE', "closing brace '}' outside any section", closing, closing + 1);
        return handler.trivia({ kind: 'invalid', offset, text, eol });
      }
      return handler.close({ kind: 'close', offset, text, eol });
    }

    this.#problem(
      'NOT_A_STATEMENT',
      'the line is neither a section, a closing brace nor a key: value pair',
      first,
      end,
    );
    return handler.trivia({ kind: 'invalid', offset, text, eol });
  }

  /** The end of the input: every section still open lacks its `}`. */
  end(): void {
    for (const { name, line } of this.#open) {
      this.#problem(
        'MISSING_CLOSE_BRACE',
        () => `section '${name}' is not closed`,
        line.offset,
        line.offset + line.text.length,
      );
    }
    this.#open.length = 0;
  }

  // `start` and `end` are offsets into the text.
  #problem(
    code: CorosyncCode,
    message: string | (() => string),
    start: number,
    end: number,
    severity: Severity = 'error',
  ): void {
    this.#findings?.report(code, message, { start, end }, severity);
  }
}

function hasOddQuotes(source: string, from: number, to: number): boolean {
  let odd = false;
  for (let i = from; i < to; i++) if (source.charCodeAt(i) === 34 /* " */) odd = !odd;
  return odd;
}
