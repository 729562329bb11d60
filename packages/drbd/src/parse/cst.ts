import { DiagnosticCollector, LineCounter, throwOnErrors, type Diagnostic } from '@ha/core';
import type { DrbdCode } from '../codes.js';

/**
 * The drbd.conf language as drbdadm reads it: words (bare, or "quoted" with
 * backslash escapes), `{`, `}` and `;`; `#` starts a comment to the end of
 * the line. Statements are words ended by `;`; a block is words followed by
 * `{ … }`. The CST keeps every token with the whitespace and comments before
 * it, so the source prints back byte for byte and an edit keeps the layout.
 */

/** A token and the trivia (whitespace, comments) before it. */
export interface Token {
  /** Whitespace and comments before the token, as written. */
  leading: string;
  /** The token as written: a word (quotes and escapes included), `{`, `}` or `;`. */
  text: string;
  /** Offset of `text` in the source, -1 for a token an edit wrote. */
  offset: number;
  /** 1-based line of `text` in the source, 0 for a token an edit wrote. */
  line: number;
  /** 1-based column of `text` in the source, 0 for a token an edit wrote. */
  column: number;
}

/** A word: its token, and its value (quotes removed, escapes applied). */
export interface WordToken extends Token {
  /** What the word means: `"a \"b\""` is `a "b"`. */
  value: string;
  /** Written in double quotes. */
  quoted: boolean;
}

/** `keyword args… ;` */
export interface Statement {
  /** Tells a statement from a block. */
  type: 'statement';
  /** The keyword and its arguments (`['address', '10.0.0.1:7789']`). */
  words: WordToken[];
  /** Undefined only when the file ends (or a block closes) before the `;`. */
  semicolon: Token | undefined;
}

/** `keyword args… { children }` */
export interface Block {
  /** Tells a block from a statement. */
  type: 'block';
  /** The section's keyword and name (`['resource', 'r0']`, `['on', 'node1']`). */
  words: WordToken[];
  /** The `{`. */
  open: Token;
  /** The statements and blocks inside, in order (empty for `skip`). */
  children: Node[];
  /** The text of a `skip { … }` block's body, kept as it is (drbdadm does not read it). */
  skipped?: string;
  /** Undefined only when the file ends before the `}`. */
  close: Token | undefined;
}

/** A statement or a block: what a document and a block hold. */
export type Node = Statement | Block;

/** A parsed drbd.conf or resource file. */
export interface DrbdDocument {
  /** The file it was read from, as given to the parser (for findings). */
  file: string | undefined;
  /** The top-level statements and blocks (`global`, `common`, `resource`, `include`). */
  children: Node[];
  /** Whitespace and comments after the last token. */
  trailing: string;
  /** The parser's findings, in file order; repeated ones folded (see `safeParse`). */
  diagnostics: Diagnostic<DrbdCode>[];
  /** The line ending new lines get (`\r\n` when the file has any). */
  eol: '\n' | '\r\n';
  /** The indentation of one level, as the file mostly indents (`\t` when it cannot tell). */
  indentUnit: string;
}

/** Options of `parse` and `safeParse`. */
export interface ParseOptions {
  /** The file the text is from, for diagnostics and `ParseError`s (`r0.res:3:7`). */
  file?: string | undefined;
}

// Sticky patterns: each matches at the scanner's position only, so the scan stays linear.
const triviaPattern = /(?:\s+|#[^\n]*)*/y;
const barePattern = /[^\s{};"#]*/y;
const quotedStopPattern = /["\\\n]/g;

// The most distinct short trivia strings shared between tokens (' ', '\n\t' …): a large file
// then holds one copy of each instead of one per token.
const internLimit = 4096;

interface ScannedToken {
  kind: 'word' | 'open' | 'close' | 'semicolon';
  leading: string;
  text: string;
  offset: number;
  value: string;
  quoted: boolean;
  unterminated: boolean;
}

/**
 * Splits the text into tokens and knows the line and column of any offset it
 * has reached: it counts line breaks once, as it moves forward, instead of a
 * search per token.
 */
class Scanner {
  position = 0;
  /** Whitespace and comments after the last token, once `next()` returned undefined. */
  trailing = '';
  private lineCursor = 0;
  private line = 1;
  private lineStart = 0;
  private fallback: LineCounter | undefined;
  private readonly interned = new Map<string, string>();

  constructor(private readonly text: string) {}

  /** The 1-based line and column of `offset`. */
  at(offset: number): { line: number; column: number } {
    if (offset < this.lineCursor) {
      // Behind the cursor (a finding about an earlier token): rare, so one shared counter will do.
      this.fallback ??= new LineCounter(this.text);
      return this.fallback.linePosition(offset);
    }
    const text = this.text;
    const end = Math.min(offset, text.length);
    for (let i = this.lineCursor; i < end; i++) {
      const char = text.charCodeAt(i);
      // As LineCounter counts: \n, and a lone \r.
      if (char === 10 || (char === 13 && text.charCodeAt(i + 1) !== 10)) {
        this.line++;
        this.lineStart = i + 1;
      }
    }
    this.lineCursor = end;
    return { line: this.line, column: end - this.lineStart + 1 };
  }

  next(): ScannedToken | undefined {
    const text = this.text;
    const length = text.length;
    triviaPattern.lastIndex = this.position;
    triviaPattern.test(text);
    const leading = this.intern(text.slice(this.position, triviaPattern.lastIndex));
    this.position = triviaPattern.lastIndex;
    if (this.position >= length) {
      this.trailing = leading;
      return undefined;
    }
    const char = text[this.position] as string;
    const start = this.position;
    if (char === '{' || char === '}' || char === ';') {
      this.position++;
      return { kind: char === '{' ? 'open' : char === '}' ? 'close' : 'semicolon', leading, text: char, offset: start, value: char, quoted: false, unterminated: false };
    }
    if (char === '"') return this.quoted(leading, start);
    barePattern.lastIndex = start;
    barePattern.test(text);
    this.position = barePattern.lastIndex;
    const word = text.slice(start, this.position);
    return { kind: 'word', leading, text: word, offset: start, value: word, quoted: false, unterminated: false };
  }

  // "…" with backslash escapes (\n, \t, else the character itself); a bare newline ends it unterminated.
  private quoted(leading: string, start: number): ScannedToken {
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
    return { kind: 'word', leading, text: text.slice(start, position), offset: start, value: parts.join(''), quoted: true, unterminated: !closed };
  }

  private intern(leading: string): string {
    if (leading.length > 32) return leading;
    const known = this.interned.get(leading);
    if (known !== undefined) return known;
    if (this.interned.size < internLimit) this.interned.set(leading, leading);
    return leading;
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
}

/**
 * Parses a drbd.conf or resource file into a document, collecting problems as
 * diagnostics (never throwing): the document always prints back to `text`.
 * Unlike drbdadm, a missing final `}` is an error here. Time and memory are
 * linear in the text; repeated findings of one code are folded (see
 * `DiagnosticCollector`), so a damaged 50 MB file gives a few findings, not millions.
 */
export function safeParse(text: string, options: ParseOptions = {}): DrbdDocument {
  const scanner = new Scanner(text);
  const collector = new DiagnosticCollector<DrbdCode>();
  const report = (code: DrbdCode, message: string, offset: number, length = 1, severity: 'error' | 'warning' = 'error', position: { line: number; column: number } = scanner.at(offset)) => {
    collector.push({ code, severity, message, file: options.file, line: position.line, column: position.column, range: { start: offset, end: offset + length } });
  };
  const document: DrbdDocument = { file: options.file, children: [], trailing: '', diagnostics: [], eol: text.includes('\r\n') ? '\r\n' : '\n', indentUnit: '\t' };
  const stack: Block[] = [];
  const into = () => (stack.length > 0 ? (stack[stack.length - 1] as Block).children : document.children);
  // The words of the statement being read. One array, reused: each node gets an exact-size copy
  // (an array grown by push holds room for 17 words, most of it empty, per node of a large file).
  const pending: WordToken[] = [];
  const takeWords = (): WordToken[] => {
    const words = pending.slice();
    pending.length = 0;
    return words;
  };
  const indents = new Map<string, number>();
  const token = (leading: string, text: string, offset: number): Token => {
    const { line, column } = scanner.at(offset);
    return { leading, text, offset, line, column };
  };

  const flushWords = (reason: string, at: number) => {
    if (pending.length === 0) return;
    const first = pending[0] as WordToken;
    report('MISSING_SEMICOLON', `'${first.value}' is not ended by ';' (${reason})`, at);
    into().push({ type: 'statement', words: takeWords(), semicolon: undefined });
  };

  for (let scanned = scanner.next(); scanned !== undefined; scanned = scanner.next()) {
    if (scanned.kind === 'word') {
      const { line, column } = scanner.at(scanned.offset);
      if (scanned.unterminated) report('UNTERMINATED_QUOTE', 'unterminated quoted string', scanned.offset, scanned.text.length);
      const nul = scanned.text.indexOf('\0');
      if (nul !== -1) report('BINARY_CONTENT', 'the file contains a NUL byte', scanned.offset + nul);
      if (pending.length === 0 && stack.length === 1) {
        // The indentation of statements one level in: what new lines get.
        const lastBreak = scanned.leading.lastIndexOf('\n');
        const indent = scanned.leading.slice(lastBreak + 1);
        if (lastBreak !== -1 && indent.length > 0) indents.set(indent, (indents.get(indent) ?? 0) + 1);
      }
      pending.push({ leading: scanned.leading, text: scanned.text, offset: scanned.offset, line, column, value: scanned.value, quoted: scanned.quoted });
      continue;
    }
    if (scanned.kind === 'semicolon') {
      if (pending.length === 0) report('EMPTY_STATEMENT', "a ';' with nothing before it", scanned.offset, 1, 'warning');
      into().push({ type: 'statement', words: takeWords(), semicolon: token(scanned.leading, ';', scanned.offset) });
      continue;
    }
    if (scanned.kind === 'open') {
      if (pending.length === 0) report('MISSING_SECTION_NAME', "a '{' without a section keyword before it", scanned.offset);
      const block: Block = { type: 'block', words: takeWords(), open: token(scanned.leading, '{', scanned.offset), children: [], close: undefined };
      into().push(block);
      if (block.words[0]?.value === 'skip') {
        // drbdadm skips the body as text (braces balanced): a way to comment out a section.
        const body = scanner.raw();
        if (body) {
          block.skipped = body.text;
          block.close = token('', '}', body.closeOffset);
        } else {
          block.skipped = text.slice(scanned.offset + 1);
          report('MISSING_CLOSE_BRACE', "'skip' is never closed (missing '}')", block.words[0].offset, 4, 'error', block.words[0]);
        }
        continue;
      }
      stack.push(block);
      continue;
    }
    // A closing brace.
    flushWords("'}' came first", scanned.offset);
    const block = stack.pop();
    if (!block) {
      report('UNEXPECTED_CLOSE_BRACE', "a '}' without a section to close", scanned.offset);
      // Kept as a statement of its own so that nothing is lost.
      const close = token(scanned.leading, '}', scanned.offset);
      document.children.push({ type: 'statement', words: [{ ...close, value: '}', quoted: false }], semicolon: { leading: '', text: '', offset: scanned.offset + 1, line: close.line, column: close.column + 1 } });
      continue;
    }
    block.close = token(scanned.leading, '}', scanned.offset);
    // Exact size, as for words: most blocks (`on node1 { … }`) have a few children.
    block.children = block.children.slice();
  }
  document.trailing = scanner.trailing;
  flushWords('the file ended', text.length);
  for (const block of stack) {
    const first = block.words[0];
    report('MISSING_CLOSE_BRACE', `'${block.words.map((word) => word.value).join(' ')}' is never closed (missing '}'; drbdadm would not notice)`, first?.offset ?? block.open.offset, first?.text.length ?? 1, 'error', first ?? block.open);
  }
  let best = 0;
  for (const [indent, count] of indents) {
    if (count > best) {
      best = count;
      document.indentUnit = indent;
    }
  }
  document.diagnostics = collector.diagnostics().sort((a, b) => a.range.start - b.range.start);
  return document;
}

/** Parses, throwing a `ParseError` (file, line, column) for the first syntax error. */
export function parse(text: string, options: ParseOptions = {}): DrbdDocument {
  const document = safeParse(text, options);
  throwOnErrors(document.diagnostics);
  return document;
}

/** Prints a document: the source byte for byte, with the edits. */
export function serialize(document: DrbdDocument): string {
  const parts: string[] = [];
  const emit = (token: Token | undefined) => {
    if (token) parts.push(token.leading, token.text);
  };
  const visit = (node: Node) => {
    for (const word of node.words) emit(word);
    if (node.type === 'statement') emit(node.semicolon);
    else {
      emit(node.open);
      if (node.skipped !== undefined) parts.push(node.skipped);
      node.children.forEach(visit);
      emit(node.close);
    }
  };
  document.children.forEach(visit);
  parts.push(document.trailing);
  return parts.join('');
}

/** The values of a node's words (`['on', 'node1']`). */
export function wordsOf(node: Node): string[] {
  return node.words.map((word) => word.value);
}
