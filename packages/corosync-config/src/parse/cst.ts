import { createDiagnostic, LineCounter, throwOnErrors } from '@ha/core';
import type { CorosyncCode, CorosyncDiagnostic } from '../codes.js';

/** What one line of corosync.conf is, by corosync's own rules. */
export type LineKind = 'blank' | 'comment' | 'pair' | 'open' | 'close' | 'invalid';

/**
 * One physical line, every byte kept: `text` (without its line ending) plus
 * `eol` reproduce the source exactly. Offsets of a line an edit created are -1.
 */
export interface CstLine {
  kind: LineKind;
  offset: number;
  text: string;
  /** `\n`, `\r\n`, or `` on a last line without one. */
  eol: string;
}

/** `key: value`. `valueStart`/`valueEnd` index into the line's text, so an edit can replace just the value. */
export interface CstPair {
  type: 'pair';
  line: CstLine;
  key: string;
  value: string;
  valueStart: number;
  valueEnd: number;
}

/** `name {` … `}`. `close` is undefined only in a file with a missing brace. */
export interface CstSection {
  type: 'section';
  name: string;
  open: CstLine;
  children: CstNode[];
  close: CstLine | undefined;
}

/** A blank line, a comment, or a line corosync would reject (kept so nothing is lost). */
export interface CstTrivia {
  type: 'trivia';
  line: CstLine;
}

export type CstNode = CstPair | CstSection | CstTrivia;

/**
 * A parsed corosync.conf: the concrete syntax tree (every byte of the source)
 * and what the parser found wrong. Edit operations change it in place;
 * `serialize` prints it back.
 */
export interface CorosyncDocument {
  file: string | undefined;
  children: CstNode[];
  diagnostics: CorosyncDiagnostic[];
  /** The line ending new lines get: the file's most common one. */
  eol: '\n' | '\r\n';
  /** One level of indentation as the file writes it (a tab, 4 spaces …). */
  indentUnit: string;
}

/** Options of `parse` and `safeParse`. */
export interface ParseOptions {
  /** Named in diagnostics and errors. */
  file?: string;
}

// corosync reads lines into a 512-byte buffer: longer lines are its "Line too long" error.
const maxLineBytes = 510;
// Blanks as corosync trims them: space, tab and the Latin-1 no-break space.
const blank = /[ \t\u00a0]/;

/**
 * Parses corosync.conf into a document, collecting problems as diagnostics
 * instead of throwing: the document always prints back to `text`.
 */
export function safeParse(text: string, options: ParseOptions = {}): CorosyncDocument {
  const lines = new LineCounter(text);
  const diagnostics: CorosyncDiagnostic[] = [];
  const report = (code: CorosyncCode, message: string, start: number, end: number, severity: 'error' | 'warning' = 'error') =>
    diagnostics.push(createDiagnostic(lines, { code, message, severity, file: options.file, range: { start, end } }));

  const root: CstNode[] = [];
  const stack: CstSection[] = [];
  const into = () => (stack.length > 0 ? (stack[stack.length - 1] as CstSection).children : root);
  let crlf = 0;
  let lf = 0;

  for (const line of splitLines(text)) {
    if (line.eol === '\r\n') crlf++;
    else if (line.eol === '\n') lf++;
    const { text: content, offset } = line;
    const at = (index: number) => offset + index;

    if (content.includes('\0')) {
      report('BINARY_CONTENT', 'the line contains a NUL byte; corosync stops reading the line there', at(content.indexOf('\0')), at(content.indexOf('\0') + 1));
    }
    if (Buffer.byteLength(content) > maxLineBytes) {
      report('LINE_TOO_LONG', `the line is ${Buffer.byteLength(content)} bytes long; corosync reads at most ${maxLineBytes}`, at(0), at(content.length));
    }

    const trimmedEnd = trimEndBlank(content);
    const first = firstNonBlank(trimmedEnd);
    if (first === -1) {
      into().push({ type: 'trivia', line: { ...line, kind: 'blank' } });
      continue;
    }
    if (trimmedEnd[first] === '#') {
      into().push({ type: 'trivia', line: { ...line, kind: 'comment' } });
      continue;
    }

    const brace = trimmedEnd.indexOf('{');
    if (brace !== -1) {
      const name = trimBlank(trimmedEnd.slice(0, brace)).replace(/[:{\s\u00a0]+$/, '');
      const after = trimBlank(trimmedEnd.slice(brace + 1));
      if (name === '') {
        report('MISSING_SECTION_NAME', "missing section name before opening brace '{'", at(brace), at(brace + 1));
        into().push({ type: 'trivia', line: { ...line, kind: 'invalid' } });
        continue;
      }
      if (after !== '') {
        const afterStart = trimmedEnd.indexOf(after, brace + 1);
        report('TEXT_AFTER_OPEN_BRACE', `unexpected '${after}' after opening brace '{'`, at(afterStart), at(afterStart + after.length));
      }
      const section: CstSection = { type: 'section', name, open: { ...line, kind: 'open' }, children: [], close: undefined };
      into().push(section);
      stack.push(section);
      continue;
    }

    const colon = trimmedEnd.indexOf(':');
    if (colon !== -1) {
      const key = trimBlank(trimmedEnd.slice(0, colon)).replace(/:+$/, '');
      let valueStart = colon + 1;
      while (valueStart < trimmedEnd.length && blank.test(trimmedEnd[valueStart] as string)) valueStart++;
      const value = trimmedEnd.slice(valueStart);
      if (key === '') {
        report('EMPTY_KEY', "missing key name before ':'", at(colon), at(colon + 1));
        into().push({ type: 'trivia', line: { ...line, kind: 'invalid' } });
        continue;
      }
      if (countQuotes(value) % 2 === 1) {
        report('UNTERMINATED_QUOTE', 'the value has an unterminated quote; corosync takes quotes literally', at(valueStart), at(trimmedEnd.length), 'warning');
      }
      into().push({ type: 'pair', line: { ...line, kind: 'pair' }, key, value, valueStart, valueEnd: trimmedEnd.length });
      continue;
    }

    const closing = trimmedEnd.indexOf('}');
    if (closing !== -1) {
      if (trimBlank(trimmedEnd) !== '}') {
        report('TEXT_AROUND_CLOSE_BRACE', "unexpected text before or after closing brace '}'", at(first), at(trimmedEnd.length));
      }
      const section = stack.pop();
      if (!section) {
        report('UNEXPECTED_CLOSE_BRACE', "closing brace '}' outside any section", at(closing), at(closing + 1));
        root.push({ type: 'trivia', line: { ...line, kind: 'invalid' } });
        continue;
      }
      section.close = { ...line, kind: 'close' };
      continue;
    }

    report('NOT_A_STATEMENT', 'the line is neither a section, a closing brace nor a key: value pair', at(first), at(trimmedEnd.length));
    into().push({ type: 'trivia', line: { ...line, kind: 'invalid' } });
  }

  for (const section of stack) {
    report('MISSING_CLOSE_BRACE', `section '${section.name}' is not closed`, section.open.offset, section.open.offset + section.open.text.length);
  }

  return { file: options.file, children: root, diagnostics, eol: crlf > lf ? '\r\n' : '\n', indentUnit: detectIndentUnit(root) };
}

/** Parses corosync.conf; throws a `ParseError` (file, line, column) on the first syntax error. */
export function parse(text: string, options: ParseOptions = {}): CorosyncDocument {
  const document = safeParse(text, options);
  throwOnErrors(document.diagnostics);
  return document;
}

/** Splits on `\n` as corosync's fgets does, keeping a `\r` before it as part of the line ending. */
function splitLines(text: string): Omit<CstLine, 'kind'>[] {
  const result: Omit<CstLine, 'kind'>[] = [];
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    if (newline === -1) {
      result.push({ offset: start, text: text.slice(start), eol: '' });
      break;
    }
    const crlf = newline > start && text[newline - 1] === '\r';
    result.push({ offset: start, text: text.slice(start, crlf ? newline - 1 : newline), eol: crlf ? '\r\n' : '\n' });
    start = newline + 1;
  }
  return result;
}

function trimEndBlank(text: string): string {
  let end = text.length;
  while (end > 0 && blank.test(text[end - 1] as string)) end--;
  return text.slice(0, end);
}

function trimBlank(text: string): string {
  const start = firstNonBlank(text);
  return start === -1 ? '' : trimEndBlank(text.slice(start));
}

function firstNonBlank(text: string): number {
  for (let i = 0; i < text.length; i++) if (!blank.test(text[i] as string)) return i;
  return -1;
}

function countQuotes(value: string): number {
  let count = 0;
  for (const char of value) if (char === '"') count++;
  return count;
}

// The smallest indentation step the file uses for nested lines; 4 spaces (as pcs writes) when there is none.
function detectIndentUnit(nodes: CstNode[]): string {
  const indents: string[] = [];
  const visit = (list: CstNode[], depth: number) => {
    for (const node of list) {
      const line = node.type === 'section' ? node.open : node.line;
      // A sample is enough to see the file's habit; huge files must not cost more.
      if (indents.length >= 200) return;
      if (depth === 1 && line.kind !== 'blank' && line.kind !== 'comment') {
        const indent = /^[ \t]*/.exec(line.text)?.[0] ?? '';
        if (indent.length > 0) indents.push(indent);
      }
      if (node.type === 'section') visit(node.children, depth + 1);
    }
  };
  visit(nodes, 0);
  if (indents.length === 0) return '    ';
  const tabs = indents.filter((indent) => indent.startsWith('\t')).length;
  if (tabs * 2 >= indents.length) return '\t';
  let smallest = Infinity;
  for (const indent of indents) if (!indent.startsWith('\t')) smallest = Math.min(smallest, indent.length);
  return ' '.repeat(smallest);
}
