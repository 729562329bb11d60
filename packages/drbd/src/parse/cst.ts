import { LineCounter, throwOnErrors, type Diagnostic } from '@ha/core';
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
  value: string;
  quoted: boolean;
}

/** `keyword args… ;` */
export interface Statement {
  type: 'statement';
  words: WordToken[];
  /** Undefined only when the file ends (or a block closes) before the `;`. */
  semicolon: Token | undefined;
}

/** `keyword args… { children }` */
export interface Block {
  type: 'block';
  words: WordToken[];
  open: Token;
  children: Node[];
  /** The text of a `skip { … }` block's body, kept as it is (drbdadm does not read it). */
  skipped?: string;
  /** Undefined only when the file ends before the `}`. */
  close: Token | undefined;
}

export type Node = Statement | Block;

/** A parsed drbd.conf or resource file. */
export interface DrbdDocument {
  file: string | undefined;
  children: Node[];
  /** Whitespace and comments after the last token. */
  trailing: string;
  diagnostics: Diagnostic<DrbdCode>[];
  /** The line ending new lines get, and the indentation of one level. */
  eol: '\n' | '\r\n';
  indentUnit: string;
}

/** Options of `parse` and `safeParse`. */
export interface ParseOptions {
  file?: string;
}

interface RawToken {
  kind: 'word' | 'open' | 'close' | 'semicolon';
  leading: string;
  text: string;
  offset: number;
  value: string;
  quoted: boolean;
  unterminated: boolean;
}

class Scanner {
  position = 0;
  constructor(private readonly text: string) {}

  next(): RawToken | undefined {
    const text = this.text;
    const length = text.length;
    const triviaStart = this.position;
    for (;;) {
      while (this.position < length && /\s/.test(text[this.position] as string)) this.position++;
      if (text[this.position] === '#') {
        while (this.position < length && text[this.position] !== '\n') this.position++;
        continue;
      }
      break;
    }
    const leading = text.slice(triviaStart, this.position);
    if (this.position >= length) {
      return leading.length > 0 ? { kind: 'word', leading, text: '', offset: this.position, value: '', quoted: false, unterminated: false } : undefined;
    }
    const char = text[this.position] as string;
    const start = this.position;
    if (char === '{' || char === '}' || char === ';') {
      this.position++;
      return { kind: char === '{' ? 'open' : char === '}' ? 'close' : 'semicolon', leading, text: char, offset: start, value: char, quoted: false, unterminated: false };
    }
    if (char === '"') {
      let value = '';
      this.position++;
      let closed = false;
      while (this.position < length) {
        const current = text[this.position] as string;
        if (current === '\\' && this.position + 1 < length) {
          const next = text[this.position + 1] as string;
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
          this.position += 2;
          continue;
        }
        if (current === '"') {
          this.position++;
          closed = true;
          break;
        }
        if (current === '\n') break;
        value += current;
        this.position++;
      }
      return { kind: 'word', leading, text: text.slice(start, this.position), offset: start, value, quoted: true, unterminated: !closed };
    }
    while (this.position < length && !/[\s{};"#]/.test(text[this.position] as string)) this.position++;
    return { kind: 'word', leading, text: text.slice(start, this.position), offset: start, value: text.slice(start, this.position), quoted: false, unterminated: false };
  }

  /** The raw text of a `skip { … }` body, up to (not including) its matching `}`; undefined if never closed. */
  raw(): { text: string; closeOffset: number } | undefined {
    let depth = 0;
    const start = this.position;
    for (; this.position < this.text.length; this.position++) {
      const char = this.text[this.position];
      if (char === '{') depth++;
      else if (char === '}') {
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
 * Unlike drbdadm, a missing final `}` is an error here.
 */
export function safeParse(text: string, options: ParseOptions = {}): DrbdDocument {
  const lines = new LineCounter(text);
  const diagnostics: Diagnostic<DrbdCode>[] = [];
  const report = (code: DrbdCode, message: string, offset: number, length = 1, severity: 'error' | 'warning' = 'error') => {
    const { line, column } = lines.linePosition(offset);
    diagnostics.push({ code, severity, message, file: options.file, line, column, range: { start: offset, end: offset + length } });
  };
  const document: DrbdDocument = { file: options.file, children: [], trailing: '', diagnostics, eol: text.includes('\r\n') ? '\r\n' : '\n', indentUnit: '\t' };
  const stack: Block[] = [];
  const into = () => (stack.length > 0 ? (stack[stack.length - 1] as Block).children : document.children);
  let pending: WordToken[] = [];
  const indents = new Map<string, number>();

  const flushWords = (reason: string, at: number) => {
    if (pending.length === 0) return;
    const first = pending[0] as WordToken;
    report('MISSING_SEMICOLON', `'${first.value}' is not ended by ';' (${reason})`, at);
    into().push({ type: 'statement', words: pending, semicolon: undefined });
    pending = [];
  };

  const scanner = new Scanner(text);
  for (let token = scanner.next(); token !== undefined; token = scanner.next()) {
    if (token.kind === 'word' && token.text === '') {
      document.trailing = token.leading;
      break;
    }
    if (token.kind === 'word') {
      if (token.unterminated) report('UNTERMINATED_QUOTE', 'unterminated quoted string', token.offset, token.text.length);
      if (token.text.includes('\0')) report('BINARY_CONTENT', 'the file contains a NUL byte', token.offset + token.text.indexOf('\0'));
      if (pending.length === 0) {
        const indent = /[^\n]*$/.exec(token.leading)?.[0] ?? '';
        if (token.leading.includes('\n') && indent.length > 0 && stack.length === 1) indents.set(indent, (indents.get(indent) ?? 0) + 1);
      }
      pending.push({ leading: token.leading, text: token.text, offset: token.offset, ...lines.linePosition(token.offset), value: token.value, quoted: token.quoted });
      continue;
    }
    if (token.kind === 'semicolon') {
      if (pending.length === 0) report('EMPTY_STATEMENT', "a ';' with nothing before it", token.offset, 1, 'warning');
      into().push({ type: 'statement', words: pending, semicolon: { leading: token.leading, text: ';', offset: token.offset, ...lines.linePosition(token.offset) } });
      pending = [];
      continue;
    }
    if (token.kind === 'open') {
      if (pending.length === 0) report('MISSING_SECTION_NAME', "a '{' without a section keyword before it", token.offset);
      const block: Block = { type: 'block', words: pending, open: { leading: token.leading, text: '{', offset: token.offset, ...lines.linePosition(token.offset) }, children: [], close: undefined };
      pending = [];
      into().push(block);
      if (block.words[0]?.value === 'skip') {
        // drbdadm skips the body as text (braces balanced): a way to comment out a section.
        const body = scanner.raw();
        if (body) {
          block.skipped = body.text;
          block.close = { leading: '', text: '}', offset: body.closeOffset, ...lines.linePosition(body.closeOffset) };
        } else {
          block.skipped = text.slice(token.offset + 1);
          report('MISSING_CLOSE_BRACE', "'skip' is never closed (missing '}')", block.words[0].offset, 4);
        }
        continue;
      }
      stack.push(block);
      continue;
    }
    // A closing brace.
    flushWords("'}' came first", token.offset);
    const block = stack.pop();
    if (!block) {
      report('UNEXPECTED_CLOSE_BRACE', "a '}' without a section to close", token.offset);
      // Kept as a statement of its own so that nothing is lost.
      const at = lines.linePosition(token.offset);
      document.children.push({ type: 'statement', words: [{ leading: token.leading, text: '}', offset: token.offset, ...at, value: '}', quoted: false }], semicolon: { leading: '', text: '', offset: token.offset + 1, line: at.line, column: at.column + 1 } });
      continue;
    }
    block.close = { leading: token.leading, text: '}', offset: token.offset, ...lines.linePosition(token.offset) };
  }
  flushWords('the file ended', text.length);
  for (const block of stack) {
    const first = block.words[0];
    report('MISSING_CLOSE_BRACE', `'${block.words.map((word) => word.value).join(' ')}' is never closed (missing '}'; drbdadm would not notice)`, first?.offset ?? block.open.offset, first?.text.length ?? 1);
  }
  let best = 0;
  for (const [indent, count] of indents) {
    if (count > best) {
      best = count;
      document.indentUnit = indent;
    }
  }
  diagnostics.sort((a, b) => a.range.start - b.range.start);
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
