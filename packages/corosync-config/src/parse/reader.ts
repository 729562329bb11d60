import type { CorosyncCode } from '../codes.js';
import type { FindingSink } from '../findings.js';
import type { CorosyncDocument, CstLine, CstNode } from './cst.js';

/**
 * The one reading of corosync.conf that `safeParse`, `validate` and the host
 * check share: lines in, statements out, in file order, with nothing kept
 * beyond the open sections. `safeParse` keeps what it is handed (the CST);
 * `validate` keeps only what its rules need, so a 50 MB file costs its rules'
 * state, not a tree of every line.
 */

/** Receives a file's statements in order. `lineNumber` is 1-based, counted as corosync counts (by `\n`). */
export interface SyntaxHandler {
  /** A `key: value` line; `valueStart`/`valueEnd` index into `line.text`. */
  pair(line: CstLine, lineNumber: number, key: string, value: string, valueStart: number, valueEnd: number): void;
  /** A `name {` line. */
  open(name: string, line: CstLine, lineNumber: number): void;
  /** A `}` that closes the innermost open section. */
  close(line: CstLine, lineNumber: number): void;
  /** A blank line, a comment, or a line corosync would reject. */
  trivia(line: CstLine, lineNumber: number): void;
}

/** Feeds a handler, and the syntax findings to `findings` when given: reading never throws. */
export type SyntaxSource = (handler: SyntaxHandler, findings?: FindingSink) => void;

/** Reads `text`, in place: a line is sliced out of it only to be handed on. */
export function textSource(text: string): SyntaxSource {
  return (handler, findings) => {
    const reader = new SyntaxReader(handler, findings);
    // Split on `\n` as corosync's fgets does, a `\r` before it going with the line ending.
    for (let start = 0; start < text.length; ) {
      const newline = text.indexOf('\n', start);
      const stop = newline === -1 ? text.length : newline;
      const crlf = stop > start && newline !== -1 && text.charCodeAt(stop - 1) === 13;
      reader.line(text, start, crlf ? stop - 1 : stop, newline === -1 ? '' : crlf ? '\r\n' : '\n', start);
      start = stop + 1;
    }
    reader.end();
  };
}

/**
 * Reads the text `serialize(document)` would print, without printing it: the
 * lines are re-read as corosync will read the written file, so edited lines
 * get their real offsets and line numbers, and a line an edit joined or broke
 * is seen as it will be.
 */
export function documentSource(document: CorosyncDocument): SyntaxSource {
  return (handler, findings) => {
    const reader = new SyntaxReader(handler, findings);
    const splitter = new LineSplitter(reader);
    const visit = (nodes: CstNode[]) => {
      for (const node of nodes) {
        if (node.type === 'section') {
          splitter.push(node.open);
          visit(node.children);
          if (node.close) splitter.push(node.close);
        } else {
          splitter.push(node.line);
        }
      }
    };
    visit(document.children);
    splitter.end();
    reader.end();
  };
}

/** Re-splits a document's lines as the printed text would split: on `\n`, whatever each line claims. */
class LineSplitter {
  readonly #reader: SyntaxReader;
  #carry = '';
  #pushed = 0;
  #lineStart = 0;

  constructor(reader: SyntaxReader) {
    this.#reader = reader;
  }

  push(line: CstLine): void {
    // The usual case: a line of its own with its own line ending.
    if (this.#carry === '' && (line.eol === '\n' || line.eol === '\r\n') && !line.text.includes('\n') && !line.text.endsWith('\r')) {
      this.#reader.line(line.text, 0, line.text.length, line.eol, this.#pushed);
      this.#pushed += line.text.length + line.eol.length;
      this.#lineStart = this.#pushed;
      return;
    }
    this.#pushText(line.text);
    this.#pushText(line.eol);
  }

  #pushText(chunk: string): void {
    let start = 0;
    for (let newline = chunk.indexOf('\n'); newline !== -1; newline = chunk.indexOf('\n', start)) {
      const joined = this.#carry + chunk.slice(start, newline);
      const crlf = joined.endsWith('\r');
      this.#carry = '';
      this.#reader.line(joined, 0, crlf ? joined.length - 1 : joined.length, crlf ? '\r\n' : '\n', this.#lineStart);
      start = newline + 1;
      this.#lineStart = this.#pushed + start;
    }
    if (start < chunk.length) this.#carry += start === 0 ? chunk : chunk.slice(start);
    this.#pushed += chunk.length;
  }

  end(): void {
    if (this.#carry !== '') this.#reader.line(this.#carry, 0, this.#carry.length, '', this.#lineStart);
    this.#carry = '';
  }
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
class SyntaxReader {
  readonly #handler: SyntaxHandler;
  readonly #findings: FindingSink | undefined;
  readonly #open: { name: string; line: CstLine; lineNumber: number }[] = [];
  #lineNumber = 0;
  // Where the next NUL of the text being read is: found once, not searched for from every line.
  #nulSource: string | undefined;
  #nextNul = -1;
  // The line being read, for #problem.
  #offset = 0;
  #start = 0;

  constructor(handler: SyntaxHandler, findings: FindingSink | undefined) {
    this.#handler = handler;
    this.#findings = findings;
  }

  /** The line `source[start, lineEnd)`, which starts at `offset` of the whole input and ends with `eol`. */
  line(source: string, start: number, lineEnd: number, eol: string, offset: number): void {
    const lineNumber = ++this.#lineNumber;
    this.#offset = offset;
    this.#start = start;
    const handler = this.#handler;
    if (this.#findings) {
      const nul = this.#nulAtOrAfter(source, start);
      if (nul !== -1 && nul < lineEnd) this.#problem('BINARY_CONTENT', 'the line contains a NUL byte; corosync stops reading the line there', nul, nul + 1);
      if (lineEnd - start > surelyShortLength) {
        const bytes = Buffer.byteLength(source.slice(start, lineEnd));
        if (bytes > maxLineBytes) this.#problem('LINE_TOO_LONG', `the line is ${bytes} bytes long; corosync reads at most ${maxLineBytes}`, start, lineEnd);
      }
    }
    const text = source.slice(start, lineEnd);

    let end = lineEnd;
    while (end > start && isBlank(source.charCodeAt(end - 1))) end--;
    let first = start;
    while (first < end && isBlank(source.charCodeAt(first))) first++;
    if (first === end) return handler.trivia({ kind: 'blank', offset, text, eol }, lineNumber);
    if (source.charCodeAt(first) === 35 /* # */) return handler.trivia({ kind: 'comment', offset, text, eol }, lineNumber);

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
      while (nameEnd > first && (source.charCodeAt(nameEnd - 1) === 58 || isWhitespace(source.charCodeAt(nameEnd - 1)))) nameEnd--;
      if (nameEnd === first) {
        this.#problem('MISSING_SECTION_NAME', "missing section name before opening brace '{'", brace, brace + 1);
        return handler.trivia({ kind: 'invalid', offset, text, eol }, lineNumber);
      }
      let after = brace + 1;
      while (after < end && isBlank(source.charCodeAt(after))) after++;
      if (after < end) this.#problem('TEXT_AFTER_OPEN_BRACE', `unexpected '${source.slice(after, end)}' after opening brace '{'`, after, end);
      const name = source.slice(first, nameEnd);
      const open: CstLine = { kind: 'open', offset, text, eol };
      this.#open.push({ name, line: open, lineNumber });
      return handler.open(name, open, lineNumber);
    }

    if (colon !== -1) {
      // Before the first colon there is no colon: the key is the trimmed text up to it.
      let keyEnd = colon;
      while (keyEnd > first && isBlank(source.charCodeAt(keyEnd - 1))) keyEnd--;
      if (keyEnd === first) {
        this.#problem('EMPTY_KEY', "missing key name before ':'", colon, colon + 1);
        return handler.trivia({ kind: 'invalid', offset, text, eol }, lineNumber);
      }
      let valueStart = colon + 1;
      while (valueStart < end && isBlank(source.charCodeAt(valueStart))) valueStart++;
      if (this.#findings && hasOddQuotes(source, valueStart, end)) {
        this.#problem('UNTERMINATED_QUOTE', 'the value has an unterminated quote; corosync takes quotes literally', valueStart, end, 'warning');
      }
      return handler.pair({ kind: 'pair', offset, text, eol }, lineNumber, source.slice(first, keyEnd), source.slice(valueStart, end), valueStart - start, end - start);
    }

    if (closing !== -1) {
      if (end - first !== 1) this.#problem('TEXT_AROUND_CLOSE_BRACE', "unexpected text before or after closing brace '}'", first, end);
      if (this.#open.pop() === undefined) {
        this.#problem('UNEXPECTED_CLOSE_BRACE', "closing brace '}' outside any section", closing, closing + 1);
        return handler.trivia({ kind: 'invalid', offset, text, eol }, lineNumber);
      }
      return handler.close({ kind: 'close', offset, text, eol }, lineNumber);
    }

    this.#problem('NOT_A_STATEMENT', 'the line is neither a section, a closing brace nor a key: value pair', first, end);
    return handler.trivia({ kind: 'invalid', offset, text, eol }, lineNumber);
  }

  /** The end of the input: every section still open lacks its `}`. */
  end(): void {
    for (const open of this.#open) {
      this.#findings?.add('MISSING_CLOSE_BRACE', 'error', `section '${open.name}' is not closed`, open.line.offset, open.lineNumber, 0, open.line.text.length);
    }
    this.#open.length = 0;
  }

  #nulAtOrAfter(source: string, start: number): number {
    if (source !== this.#nulSource || (this.#nextNul !== -1 && this.#nextNul < start)) {
      this.#nulSource = source;
      this.#nextNul = source.indexOf('\0', start);
    }
    return this.#nextNul;
  }

  // `from` and `to` index into the source the line is read from.
  #problem(code: CorosyncCode, message: string, from: number, to: number, severity: 'error' | 'warning' = 'error'): void {
    this.#findings?.add(code, severity, message, this.#offset, this.#lineNumber, from - this.#start, to - this.#start);
  }
}

function hasOddQuotes(source: string, from: number, to: number): boolean {
  let odd = false;
  for (let i = from; i < to; i++) if (source.charCodeAt(i) === 34 /* " */) odd = !odd;
  return odd;
}
