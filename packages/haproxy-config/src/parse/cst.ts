import { DiagnosticCollector, throwOnErrors, type Diagnostic } from '@ha/core';
import type { HaproxyCode } from '../codes.js';
import { isAnyKeyword, isKnownKeyword, isSectionKind } from '../keywords.js';
import { lexLine, type LexedLine, type Word } from './lexer.js';

/** What one physical line is. */
export type LineKind = 'blank' | 'comment' | 'section' | 'directive' | 'conditional' | 'message';

/**
 * One physical line, every byte kept: `text` plus `eol` reproduce the
 * source. `line` and `offset` say where it was (0 and -1 for a line an edit
 * wrote). Its words are read when first asked for: printing a 50,000-line
 * file back needs none of them.
 */
export class ConfigLine {
  /** What the line is: a directive, a section header, a comment … */
  kind: LineKind;
  /** `\n`, `\r\n`, or `` on a last line without one. */
  eol: string;
  /** Offset of the line's first character in the text parsed; -1 for a line an edit wrote. */
  offset: number;
  /** 1-based line number in the text parsed; 0 for a line an edit wrote. */
  line: number;
  /** The `.if` conditions around this line, outermost first (shared between lines). */
  conditions: readonly string[];
  private source: string;
  private lexed: LexedLine | undefined;
  private cachedValues: string[] | undefined;

  constructor(text: string, eol: string, offset: number, line: number, kind: LineKind = 'blank', conditions: readonly string[] = noConditions, lexed?: LexedLine) {
    this.source = text;
    this.eol = eol;
    this.offset = offset;
    this.line = line;
    this.kind = kind;
    this.conditions = conditions;
    this.lexed = lexed;
  }

  /** The line without its line ending. Setting it (an edit) forgets the old words. */
  get text(): string {
    return this.source;
  }

  set text(text: string) {
    this.source = text;
    this.lexed = undefined;
    this.cachedValues = undefined;
  }

  /** The words, with where each is in `text`. */
  get words(): Word[] {
    this.lexed ??= lexLine(this.source);
    return this.lexed.words;
  }

  /** Index in `text` of the `#` that starts a comment, or -1. */
  get commentStart(): number {
    this.lexed ??= lexLine(this.source);
    return this.lexed.commentStart;
  }

  /** The words' values (quotes and escapes resolved), kept once read. */
  get values(): string[] {
    this.cachedValues ??= this.readValues();
    return this.cachedValues;
  }

  /**
   * The words' values without keeping them on the line (when they were not
   * kept already): for one pass over a huge file, whose million kept arrays
   * would cost more memory than the text itself.
   */
  readValues(): string[] {
    if (this.cachedValues !== undefined) return this.cachedValues;
    // Most lines have no quote, escape or comment: a split is all they need.
    return this.lexed === undefined && !specialCharacters.test(this.source) ? splitPlain(this.source) : this.words.map((word) => word.value);
  }
}

const noConditions: readonly string[] = [];
// A line with none of these is plain words between blanks.
const specialCharacters = /["'\\#\0]/;

// A loop rather than a regex split: it runs once for every line of a huge file.
function splitPlain(text: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 32 || code === 9 || code === 13) {
      if (start !== -1) words.push(text.slice(start, i));
      start = -1;
    } else if (start === -1) start = i;
  }
  if (start !== -1) words.push(text.slice(start));
  return words;
}

/** A section: its header line and every line after it up to the next section. */
export interface Section {
  /** `frontend`, `backend` … or the word of a section this package does not know. */
  kind: string;
  /** False for a section kind HAProxy's manual does not list (kept, never dropped). */
  known: boolean;
  /** Its name (`backend servers` → `servers`); none for `global` or an unnamed `defaults`. */
  name: string | undefined;
  /** `defaults` it inherits from (`frontend web from base`). */
  from: string | undefined;
  /** The line that opens it (`backend servers`). */
  header: ConfigLine;
  /** Every line after the header, up to the next section: directives, comments, blank lines. */
  lines: ConfigLine[];
  /** The file it is in (a split config has several). */
  file: string | undefined;
}

/** A haproxy.cfg: the concrete syntax tree of every line, and what the parser found wrong. */
export interface HaproxyDocument {
  /** The file it was read from (named in diagnostics). */
  file: string | undefined;
  /** Lines before the first section (comments, blank lines, conditionals). */
  preamble: ConfigLine[];
  /** Its sections, in order. */
  sections: Section[];
  /** What the parser found wrong (folded past ten of one code). */
  diagnostics: Diagnostic<HaproxyCode>[];
  /** The line ending new lines get: the file's most common one. */
  eol: '\n' | '\r\n';
  /** Indentation of directives as the file writes it. */
  indentUnit: string;
}

/** Options of `parse` and `safeParse`. */
export interface ParseOptions {
  /** Named in diagnostics and errors. */
  file?: string;
  /** Section kinds to accept besides HAProxy's own (a fork's, a newer version's). */
  sections?: readonly string[];
}

// Sections that take no name; every other takes one (optional for defaults).
const unnamed = new Set(['global', 'traces']);
const conditionalWords = new Set(['.if', '.elif', '.else', '.endif']);
const messageWords = new Set(['.diag', '.notice', '.warning', '.alert']);

/**
 * Parses haproxy.cfg into a document, collecting problems as diagnostics
 * instead of throwing: the document always prints back to `text`.
 */
export function safeParse(text: string, options: ParseOptions = {}): HaproxyDocument {
  const file = options.file;
  const extraSections = new Set(options.sections ?? []);
  // A file of junk could have a problem on every line: keep a few of each kind, count the rest.
  const diagnostics = new DiagnosticCollector<HaproxyCode>();
  const report = (code: HaproxyCode, message: string, line: number, column: number, start: number, end: number, severity: 'error' | 'warning' = 'error') =>
    diagnostics.push({ code, severity, message, file, line, column, range: { start, end } });

  const document: HaproxyDocument = { file, preamble: [], sections: [], diagnostics: [], eol: '\n', indentUnit: '    ' };
  let current: Section | undefined;
  let crlf = 0;
  let lf = 0;
  const indents = new Map<string, number>();
  // The .if/.elif/.else stack: each open block with the line that opened it.
  const blocks: { word: string; line: number; offset: number; column: number; condition: string }[] = [];
  let conditions: readonly string[] = [];
  let bodyIndented = false;

  let offset = 0;
  let lineNumber = 0;
  const length = text.length;
  while (offset < length) {
    lineNumber++;
    let end = text.indexOf('\n', offset);
    let next: number;
    let eol: string;
    if (end === -1) {
      end = length;
      next = length;
      eol = '';
    } else {
      next = end + 1;
      if (end > offset && text.charCodeAt(end - 1) === 13) {
        end--;
        eol = '\r\n';
        crlf++;
      } else {
        eol = '\n';
        lf++;
      }
    }
    const content = text.slice(offset, end);
    const at = (index: number) => offset + index;
    // Plain lines (most of them) are classified from their first word alone; the rest are lexed now,
    // so their quotes and comments are checked.
    let lexed: LexedLine | undefined;
    let first: { start: number; end: number; value: string } | undefined;
    if (specialCharacters.test(content)) {
      lexed = lexLine(content);
      if (lexed.nul !== -1) report('BINARY_CONTENT', 'the line contains a NUL byte; HAProxy stops reading the line there', lineNumber, lexed.nul + 1, at(lexed.nul), at(lexed.nul + 1));
      if (lexed.unterminatedQuote !== -1) {
        report('UNTERMINATED_QUOTE', `unterminated ${content[lexed.unterminatedQuote] === '"' ? 'double' : 'single'} quote`, lineNumber, lexed.unterminatedQuote + 1, at(lexed.unterminatedQuote), at(content.length));
      }
      first = lexed.words[0];
    } else {
      first = firstWord(content);
    }
    const line = new ConfigLine(content, eol, offset, lineNumber, 'blank', conditions, lexed);
    offset = next;

    if (first === undefined) {
      line.kind = lexed !== undefined && lexed.commentStart !== -1 ? 'comment' : 'blank';
      (current ? current.lines : document.preamble).push(line);
      continue;
    }
    const keyword = first.value;
    if (conditionalWords.has(keyword)) {
      line.kind = 'conditional';
      const words = line.words;
      const condition = content.slice(words[1]?.start ?? first.end, words[words.length - 1]?.end ?? first.end).trim();
      if (keyword === '.if') {
        blocks.push({ word: keyword, line: lineNumber, offset: at(first.start), column: first.start + 1, condition });
      } else if (blocks.length === 0) {
        report('UNMATCHED_CONDITIONAL', `'${keyword}' without an '.if'`, lineNumber, first.start + 1, at(first.start), at(first.end));
      } else if (keyword === '.endif') {
        blocks.pop();
      } else {
        const top = blocks[blocks.length - 1] as (typeof blocks)[number];
        if (top.word === '.else') report('UNMATCHED_CONDITIONAL', `'${keyword}' after '.else'`, lineNumber, first.start + 1, at(first.start), at(first.end));
        blocks[blocks.length - 1] = { ...top, word: keyword, condition: keyword === '.else' ? `!(${top.condition})` : condition };
      }
      line.conditions = conditions;
      conditions = blocks.map((block) => block.condition);
      (current ? current.lines : document.preamble).push(line);
      continue;
    }
    if (messageWords.has(keyword)) {
      line.kind = 'message';
      (current ? current.lines : document.preamble).push(line);
      continue;
    }

    const indented = first.start > 0;
    let kind: string | undefined;
    if (isSectionKind(keyword) || extraSections.has(keyword)) kind = keyword;
    else if (current && !indented && bodyIndented && line.values.length <= 2 && /^[a-z][a-z0-9-]*$/.test(keyword) && !isKnownKeyword(current.kind, keyword) && !isAnyKeyword(keyword)) {
      // An unindented, unknown word in a file whose sections indent their directives: a section of a kind we do not know.
      kind = keyword;
      report('UNKNOWN_SECTION', `unknown section '${keyword}' (kept as it is)`, lineNumber, first.start + 1, at(first.start), at(first.end), 'warning');
    }
    if (kind !== undefined) {
      line.kind = 'section';
      const values = line.values;
      const name = unnamed.has(kind) ? undefined : values[1];
      const from = values[2] === 'from' ? values[3] : undefined;
      current = { kind, known: isSectionKind(kind), name, from, header: line, lines: [], file };
      document.sections.push(current);
      bodyIndented = false;
      continue;
    }

    line.kind = 'directive';
    if (!current) {
      report('DIRECTIVE_OUTSIDE_SECTION', `'${keyword}' before any section`, lineNumber, first.start + 1, at(first.start), at(first.end));
      document.preamble.push(line);
      continue;
    }
    if (indented) {
      bodyIndented = true;
      const indent = content.slice(0, first.start);
      indents.set(indent, (indents.get(indent) ?? 0) + 1);
    }
    current.lines.push(line);
  }
  for (const block of blocks) {
    report('UNTERMINATED_CONDITIONAL', `'${block.word === '.if' ? '.if' : block.word}' block opened here has no '.endif'`, block.line, block.column, block.offset, block.offset + 3);
  }
  document.diagnostics = diagnostics.diagnostics();
  document.eol = crlf > lf ? '\r\n' : '\n';
  let best = 0;
  for (const [indent, count] of indents) {
    if (count > best) {
      best = count;
      document.indentUnit = indent;
    }
  }
  return document;
}

/**
 * Parses haproxy.cfg; throws a `ParseError` (file, line, column) for the
 * first syntax error. Use `safeParse` to get every diagnostic instead.
 */
export function parse(text: string, options: ParseOptions = {}): HaproxyDocument {
  const document = safeParse(text, options);
  throwOnErrors(document.diagnostics);
  return document;
}

/** Every line of the document in order: preamble, then each section's header and lines. */
export function* allLines(document: HaproxyDocument): Generator<ConfigLine> {
  yield* document.preamble;
  for (const section of document.sections) {
    yield section.header;
    yield* section.lines;
  }
}

// The first word of a plain line (no quotes, escapes or comment).
function firstWord(text: string): { start: number; end: number; value: string } | undefined {
  let start = 0;
  const length = text.length;
  while (start < length) {
    const code = text.charCodeAt(start);
    if (code !== 32 && code !== 9 && code !== 13) break;
    start++;
  }
  if (start === length) return undefined;
  let end = start;
  while (end < length) {
    const code = text.charCodeAt(end);
    if (code === 32 || code === 9 || code === 13) break;
    end++;
  }
  return { start, end, value: text.slice(start, end) };
}
