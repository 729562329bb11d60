import { DiagnosticCollector, throwOnErrors, type SourceRange } from '@ha/core';
import type { HaproxyCode, HaproxyDiagnostic } from '../codes.js';
import { isAnyKeyword, isKnownKeyword, isSectionKind, sectionKinds } from '../keywords.js';
import { lexLine, lexLineIn, lexValues, lexValuesIn, type CstWord, type LexedLine } from './lexer.js';

/** What one physical line is. */
export type CstLineKind = 'blank' | 'comment' | 'section' | 'directive' | 'conditional' | 'message';

/**
 * One physical line, every byte kept: `text` plus `eol` reproduce the
 * source. `offset` says where it was in the text parsed (-1 for a line an
 * edit wrote); its line and column are worked out from that offset only when
 * a finding needs them. Its words are read when first asked for: printing a
 * 50,000-line file back needs none of them.
 */
export class CstLine {
  // Every field is `declare`d and set once, in this order, by the constructor: a field declared the plain way is
  // defined a first time (as undefined) before the constructor runs, which is a second round of stores for each of
  // the 50,000 lines of a large file.
  /** What the line is: a directive, a section header, a comment … */
  declare kind: CstLineKind;
  /** `\n`, `\r\n`, or `` on a last line without one. */
  declare eol: string;
  /** Offset of the line's first character in the text parsed (`document.source`); -1 for a line an edit wrote. */
  declare offset: number;
  /** The `.if` conditions around this line, outermost first (shared between lines). */
  declare conditions: readonly string[];
  // The line's text once sliced (or as an edit set it); a parsed line slices it from `origin` when first asked.
  declare private own: string | undefined;
  // A parsed line: the text it was parsed from, where its text ends in it, and its 1-based line. Its line ending
  // then is the one at `end` in `origin`.
  declare private origin: string | undefined;
  declare private end: number;
  declare private number: number;
  declare private parsedOffset: number;
  // Parsed without quotes, escapes, comment or NUL: its words are the runs of non-blanks of its text.
  declare private plain: boolean;
  declare private lexed: LexedLine | undefined;
  declare private cachedValues: string[] | undefined;

  constructor(
    text: string,
    eol: string,
    offset: number,
    kind: CstLineKind = 'blank',
    conditions: readonly string[] = noConditions,
    lexed?: LexedLine,
  ) {
    this.kind = kind;
    this.eol = eol;
    this.offset = offset;
    this.conditions = conditions;
    this.own = text;
    this.origin = undefined;
    this.end = -1;
    this.number = 0;
    this.parsedOffset = -1;
    this.plain = false;
    this.lexed = lexed;
    this.cachedValues = undefined;
  }

  /** The line without its line ending. Setting it (an edit) forgets the old words. */
  get text(): string {
    // A parsed line's text is cut from the file's text when first asked for (printing needs none of them).
    this.own ??= (this.origin as string).slice(this.offset, this.end);
    return this.own;
  }

  set text(text: string) {
    this.own = text;
    this.origin = undefined;
    this.lexed = undefined;
    this.cachedValues = undefined;
  }

  /** The words, with where each is in `text`. */
  get words(): CstWord[] {
    this.lexed ??= this.lex();
    return this.lexed.words;
  }

  /** Index in `text` of the `#` that starts a comment, or -1. */
  get commentStart(): number {
    this.lexed ??= this.lex();
    return this.lexed.commentStart;
  }

  /** The words' values (quotes and escapes resolved), kept once read. */
  get values(): string[] {
    this.cachedValues ??= this.peekValues();
    return this.cachedValues;
  }

  /**
   * The words' values without keeping them on the line (when they were not
   * kept already): for one pass over a huge file, whose million kept arrays
   * would cost more memory than the text itself.
   */
  peekValues(): string[] {
    if (this.cachedValues !== undefined) return this.cachedValues;
    if (this.lexed !== undefined) return this.lexed.words.map((word) => word.value);
    const origin = this.parsedText();
    return origin === undefined ? lexValues(this.text) : lexValuesIn(origin, this.offset, this.end);
  }

  private lex(): LexedLine {
    const origin = this.parsedText();
    return origin === undefined ? lexLine(this.text) : lexLineIn(origin, this.offset, this.end);
  }

  // The file's text while this line is still as parsed from it (its text at `offset` … `end`), else undefined.
  private parsedText(): string | undefined {
    return this.origin !== undefined && this.offset >= 0 ? this.origin : undefined;
  }

  /** A line as the parser read it from `origin` (internal): its text is `origin.slice(offset, end)`. */
  static parsed(
    origin: string,
    offset: number,
    end: number,
    eol: string,
    number: number,
    kind: CstLineKind,
    conditions: readonly string[],
    lexed: LexedLine | undefined,
  ): CstLine {
    const line = new CstLine('', eol, offset, kind, conditions, lexed);
    line.own = undefined;
    line.origin = origin;
    line.end = end;
    line.number = number;
    line.parsedOffset = offset;
    line.plain = lexed === undefined;
    return line;
  }

  /**
   * Where this line still is in `source` as it was parsed (internal, for
   * `serialize` and the typed view): the end of its text and line ending
   * there, or -1 once an edit changed it (its text, offset or line ending).
   */
  static extentIn(line: CstLine, source: string): number {
    if (line.origin !== source || line.offset < 0 || line.eol !== eolAt(source, line.end)) return -1;
    return line.end + line.eol.length;
  }

  /**
   * The text of the file a line was parsed from while the line is still as
   * parsed and plain (internal, for readers of huge files): its words are
   * the runs of characters other than space, tab and CR in
   * `text[line.offset, CstLine.textEnd(line))`, their values as written.
   */
  static plainSource(line: CstLine): string | undefined {
    return line.plain && line.origin !== undefined && line.offset === line.parsedOffset ? line.origin : undefined;
  }

  /**
   * The text of the file a line was parsed from while the line is still as
   * parsed (internal): its text is `source.slice(line.offset, CstLine.textEnd(line))`.
   */
  static parsedSource(line: CstLine): string | undefined {
    return line.origin !== undefined && line.offset === line.parsedOffset ? line.origin : undefined;
  }

  /** Where a parsed line's text ends in the text it was parsed from (internal, with `plainSource`). */
  static textEnd(line: CstLine): number {
    return line.end;
  }

  /**
   * Its 1-based line in the text it was parsed from, 0 for a line an edit
   * wrote (offset -1), or undefined when only its offset can tell (internal).
   */
  static lineNumber(line: CstLine): number | undefined {
    if (line.offset < 0) return 0;
    return line.offset === line.parsedOffset ? line.number : undefined;
  }
}

const noConditions: readonly string[] = [];

// The line ending the parser found after a line's text ending at `end`: the parser ends a line's text before `\r\n`
// or `\n`, or at the end of the text.
function eolAt(source: string, end: number): string {
  if (end >= source.length) return '';
  return source.charCodeAt(end) === 13 ? '\r\n' : '\n';
}
// A line with none of these is plain words between blanks: its first word is all the parser needs to read.
const specialCharacters = ['"', "'", '\\', '#', '\0'];

// A key of a word's first character and length (a section word is at most 63 characters long).
function sectionStart(code: number, length: number): number {
  return code * 64 + Math.min(length, 63);
}

// Where the first of the special characters is at or after `from` (each one's next place in `next`, brought up to date).
function nextSpecialFrom(text: string, next: number[], from: number): number {
  let first = text.length;
  for (let k = 0; k < next.length; k++) {
    let position = next[k] as number;
    if (position < from) next[k] = position = indexOrEnd(text, specialCharacters[k] as string, from);
    if (position < first) first = position;
  }
  return first;
}

// Where `character` is next at or after `from`; the text's length when nowhere.
function indexOrEnd(text: string, character: string, from: number): number {
  const index = text.indexOf(character, from);
  return index === -1 ? text.length : index;
}

/** A section: its header line and every line after it up to the next section. */
export interface CstSection {
  /** `frontend`, `backend` … or the word of a section this package does not know. */
  kind: string;
  /** False for a section kind HAProxy's manual does not list (kept, never dropped). */
  known: boolean;
  /** Its name (`backend servers` → `servers`); none for `global` or an unnamed `defaults`. */
  name: string | undefined;
  /** `defaults` it inherits from (`frontend web from base`). */
  from: string | undefined;
  /** The line that opens it (`backend servers`). */
  header: CstLine;
  /** Every line after the header, up to the next section: directives, comments, blank lines. */
  lines: CstLine[];
  /** The file it is in (a split config has several). */
  file: string | undefined;
}

/** A haproxy.cfg: the concrete syntax tree of every line, and what the parser found wrong. */
export interface HaproxyDocument {
  /** The file it was read from (named in diagnostics). */
  file: string | undefined;
  /** The text it was parsed from: every line's `offset` points into it (edits leave it as it was; `serialize` gives the document's text now). */
  source: string;
  /** Lines before the first section (comments, blank lines, conditionals). */
  preamble: CstLine[];
  /** Its sections, in order. */
  sections: CstSection[];
  /** The line ending new lines get: the file's most common one. */
  eol: '\n' | '\r\n';
  /** Indentation of directives as the file writes it. */
  indentUnit: string;
}

/** Options of `parse` and `safeParse`. */
export interface ParseOptions {
  /** Named in diagnostics and errors. */
  file?: string | undefined;
  /** Section kinds to accept besides HAProxy's own (a fork's, a newer version's). */
  sections?: readonly string[] | undefined;
}

/** What `safeParse` returns: the document (always, every byte kept) and what the parser found wrong. */
export interface SafeParseResult {
  /** The document: `serialize(document)` is the text parsed, whatever it held. */
  document: HaproxyDocument;
  /** The syntax findings, in file order (folded past ten of one code). */
  diagnostics: HaproxyDiagnostic[];
}

/** What `safeParse` found in a document it made, and the section kinds it was told of (internal, for `validate`). */
export interface ParseRecord {
  /** The parser's findings. */
  diagnostics: HaproxyDiagnostic[];
  /** `ParseOptions.sections` as given. */
  sections: readonly string[] | undefined;
}

// Kept beside each document safeParse made: `validate` includes the findings while the document prints as parsed,
// and parses an edited one again with the same section kinds.
const parseRecords = new WeakMap<HaproxyDocument, ParseRecord>();

/** What `safeParse` found in this document, when it made it (internal: `validate` includes the findings). */
export function parseRecordOf(document: HaproxyDocument): ParseRecord | undefined {
  return parseRecords.get(document);
}

// Sections that take no name; every other takes one (optional for defaults).
const unnamed = new Set(['global', 'traces']);
const conditionalWords = new Set(['.if', '.elif', '.else', '.endif']);
const messageWords = new Set(['.diag', '.notice', '.warning', '.alert']);

/**
 * Parses haproxy.cfg into a document, collecting problems as diagnostics
 * instead of throwing: the document always prints back to `text`.
 *
 * @example const { document, diagnostics } = safeParse(text, { file: 'haproxy.cfg' })
 */
export function safeParse(text: string, options: ParseOptions = {}): SafeParseResult {
  const reader = new DocumentReader(text, options);
  readLines(reader);
  const { document, collector, indents } = reader;
  reader.endIndentRun();
  for (const block of reader.blocks) {
    collector.report('UNTERMINATED_CONDITIONAL', `'${block.word}' block opened here has no '.endif'`, {
      start: block.offset,
      end: block.offset + '.if'.length,
    });
  }
  const diagnostics = collector.diagnostics();
  parseRecords.set(document, { diagnostics, sections: options.sections });
  document.eol = reader.crlf > reader.lf ? '\r\n' : '\n';
  let best = 0;
  for (const [indent, count] of indents) {
    if (count > best) {
      best = count;
      document.indentUnit = indent;
    }
  }
  return { document, diagnostics };
}

// An open .if/.elif/.else block: the word that opened it, the offset of that word, and its condition.
interface ConditionalBlock {
  word: string;
  offset: number;
  condition: string;
}

// What the parser carries from line to line, on an object of its own rather than in closures: the loop over lines
// (readLines) stays a small function, which V8 optimizes within a few milliseconds of starting it. As one large
// function with its closures, most of a 50,000-line file was read by unoptimized code while it compiled, and each
// new call's closures undid the optimized code of the one before (a directory of files is one call each).
class DocumentReader {
  readonly text: string;
  readonly file: string | undefined;
  readonly extraSections: ReadonlySet<string>;
  // A file of junk could have a problem on every line: keep a few of each kind, count the rest.
  // Lines end at \n alone, as HAProxy counts them (a lone \r is a blank within a line).
  readonly collector: DiagnosticCollector<HaproxyCode>;
  readonly document: HaproxyDocument;
  // First characters and lengths of the section words: a first word with neither opens no section.
  readonly sectionStarts: ReadonlySet<number>;
  current: CstSection | undefined = undefined;
  // The .if/.elif/.else stack, and the conditions of the lines read now.
  readonly blocks: ConditionalBlock[] = [];
  conditions: readonly string[] = noConditions;
  bodyIndented = false;
  crlf = 0;
  lf = 0;
  // The indentation of directives, counted by runs (most lines repeat the one before).
  indent: string | undefined = undefined;
  indentRun = 0;
  readonly indents = new Map<string, number>();

  constructor(text: string, options: ParseOptions) {
    this.text = text;
    this.file = options.file;
    this.extraSections = new Set(options.sections ?? []);
    this.collector = new DiagnosticCollector<HaproxyCode>({ text, file: this.file, breaks: 'lf' });
    this.document = { file: this.file, source: text, preamble: [], sections: [], eol: '\n', indentUnit: '    ' };
    this.sectionStarts = new Set(
      [...sectionKinds, ...this.extraSections].map((kind) => sectionStart(kind.charCodeAt(0), kind.length)),
    );
  }

  // Counts a directive indented by the `width` characters at `at`.
  countIndent(at: number, width: number): void {
    this.bodyIndented = true;
    const indent = this.indent;
    if (indent !== undefined && indent.length === width && this.text.startsWith(indent, at)) this.indentRun++;
    else {
      this.endIndentRun();
      this.indent = this.text.slice(at, at + width);
      this.indentRun = 1;
    }
  }

  endIndentRun(): void {
    const indent = this.indent;
    if (indent !== undefined) this.indents.set(indent, (this.indents.get(indent) ?? 0) + this.indentRun);
    this.indentRun = 0;
  }

  // Where a line goes that is neither a section header nor a directive: the current section, or the preamble.
  place(line: CstLine): void {
    (this.current ? this.current.lines : this.document.preamble).push(line);
  }

  // Lexes a line with quotes, escapes, a comment or a NUL, and reports what is wrong with it.
  lexSpecial(at: number, end: number): LexedLine {
    const text = this.text;
    const lexed = lexLineIn(text, at, end);
    const { nul, unterminatedQuote: quote } = lexed;
    if (nul !== -1)
      this.collector.report('BINARY_CONTENT', 'the line contains a NUL byte; HAProxy stops reading the line there', {
        start: at + nul,
        end: at + nul + 1,
      });
    if (quote !== -1)
      this.collector.report(
        'UNTERMINATED_QUOTE',
        `unterminated ${text[at + quote] === '"' ? 'double' : 'single'} quote`,
        { start: at + quote, end: end },
      );
    return lexed;
  }

  // Classifies a line and puts it where it belongs: any line readLines does not take the short way.
  classify(
    at: number,
    end: number,
    eol: string,
    number: number,
    lexed: LexedLine | undefined,
    keyword: string | undefined,
    firstStart: number,
    firstEnd: number,
  ): void {
    const collector = this.collector;
    const line = CstLine.parsed(this.text, at, end, eol, number, 'blank', this.conditions, lexed);

    if (keyword === undefined) {
      line.kind = lexed !== undefined && lexed.commentStart !== -1 ? 'comment' : 'blank';
      this.place(line);
      return;
    }
    if (keyword.charCodeAt(0) === 46 && conditionalWords.has(keyword)) {
      line.kind = 'conditional';
      const words = line.words;
      const content = line.text;
      const condition = content.slice(words[1]?.start ?? firstEnd, words[words.length - 1]?.end ?? firstEnd).trim();
      const blocks = this.blocks;
      if (keyword === '.if') {
        blocks.push({ word: keyword, offset: at + firstStart, condition });
      } else if (blocks.length === 0) {
        collector.report('UNMATCHED_CONDITIONAL', `'${keyword}' without an '.if'`, wordRange(at, firstStart, firstEnd));
      } else if (keyword === '.endif') {
        blocks.pop();
      } else {
        const top = blocks[blocks.length - 1] as ConditionalBlock;
        if (top.word === '.else')
          collector.report('UNMATCHED_CONDITIONAL', `'${keyword}' after '.else'`, wordRange(at, firstStart, firstEnd));
        blocks[blocks.length - 1] = {
          ...top,
          word: keyword,
          condition: keyword === '.else' ? `!(${top.condition})` : condition,
        };
      }
      line.conditions = this.conditions;
      this.conditions = blocks.map((block) => block.condition);
      this.place(line);
      return;
    }
    if (keyword.charCodeAt(0) === 46 && messageWords.has(keyword)) {
      line.kind = 'message';
      this.place(line);
      return;
    }

    const indented = firstStart > 0;
    const current = this.current;
    let kind: string | undefined;
    if (isSectionKind(keyword) || this.extraSections.has(keyword)) kind = keyword;
    else if (current && !indented && this.bodyIndented && isUnknownSectionWord(current.kind, keyword, line)) {
      // An unindented, unknown word in a file whose sections indent their directives: a section of a kind we do not know.
      kind = keyword;
      collector.report(
        'UNKNOWN_SECTION',
        `unknown section '${keyword}' (kept as it is)`,
        wordRange(at, firstStart, firstEnd),
        'warning',
      );
    }
    if (kind !== undefined) {
      line.kind = 'section';
      const values = line.values;
      const name = unnamed.has(kind) ? undefined : values[1];
      const from = values[2] === 'from' ? values[3] : undefined;
      const section: CstSection = {
        kind,
        known: isSectionKind(kind),
        name,
        from,
        header: line,
        lines: [],
        file: this.file,
      };
      this.current = section;
      this.document.sections.push(section);
      this.bodyIndented = false;
      return;
    }

    line.kind = 'directive';
    if (!current) {
      collector.report(
        'DIRECTIVE_OUTSIDE_SECTION',
        `'${keyword}' before any section`,
        wordRange(at, firstStart, firstEnd),
      );
      this.document.preamble.push(line);
      return;
    }
    if (indented) this.countIndent(at, firstStart);
    current.lines.push(line);
  }
}

// The loop over the lines of the reader's text. Plain lines (no quote, backslash, `#` or NUL: most of them) of the
// current section are read here, from their first word alone; every other line goes to `classify`.
function readLines(reader: DocumentReader): void {
  const text = reader.text;
  const length = text.length;
  const sectionStarts = reader.sectionStarts;
  // The next quote, backslash, `#` and NUL at or after the current line, each found by one indexOf chain over the
  // whole text: a line before all of them is plain words, classified from its first word without the lexer.
  const next = specialCharacters.map((character) => indexOrEnd(text, character, 0));
  let nextSpecial = Math.min(...next);
  // The next tab and CR, the blanks besides the space, found the same way.
  let nextTab = indexOrEnd(text, '\t', 0);
  let nextCr = indexOrEnd(text, '\r', 0);
  let offset = 0;
  let number = 0;
  while (offset < length) {
    number++;
    let end = text.indexOf('\n', offset);
    let following: number;
    let eol: string;
    if (end === -1) {
      end = length;
      following = length;
      eol = '';
    } else {
      following = end + 1;
      if (end > offset && text.charCodeAt(end - 1) === 13) {
        end--;
        eol = '\r\n';
        reader.crlf++;
      } else {
        eol = '\n';
        reader.lf++;
      }
    }
    const at = offset;
    offset = following;
    if (nextSpecial < at) nextSpecial = nextSpecialFrom(text, next, at);
    if (nextSpecial < end) {
      // Quotes, escapes, a comment or a NUL: lexed now, so that they are checked.
      const lexed = reader.lexSpecial(at, end);
      const first = lexed.words[0];
      if (first === undefined) reader.classify(at, end, eol, number, lexed, undefined, 0, 0);
      else reader.classify(at, end, eol, number, lexed, first.value, first.start, first.end);
      continue;
    }
    // Plain words between blanks (most lines): classified from the first word alone. Builtins (startsWith,
    // indexOf) rather than a loop over characters do most of the reading: they are as fast before V8 optimizes
    // this loop as after, and a large file is read mostly before.
    let i = at;
    const indent = reader.indent;
    const indentEnd = indent === undefined ? -1 : at + indent.length;
    const sameIndent = indentEnd !== -1 && indentEnd <= end && text.startsWith(indent as string, at);
    if (sameIndent) i = indentEnd;
    let code = 0;
    while (i < end && ((code = text.charCodeAt(i)) === 32 || code === 9 || code === 13)) i++;
    if (i === end) {
      reader.place(CstLine.parsed(text, at, end, eol, number, 'blank', reader.conditions, undefined));
      continue;
    }
    const first = code;
    // The first word ends at the first space, tab or CR after its first character, or at the end of the line.
    if (nextTab <= i) nextTab = indexOrEnd(text, '\t', i);
    if (nextCr <= i) nextCr = indexOrEnd(text, '\r', i);
    let j = text.indexOf(' ', i + 1);
    if (j === -1 || j > end) j = end;
    if (nextTab < j) j = nextTab;
    if (nextCr < j) j = nextCr;
    // The short way: a directive of the current section (no `.if` or message, no section word, indented or
    // in a section whose directives are not).
    const current = reader.current;
    if (
      current === undefined ||
      first === 46 ||
      (i === at && reader.bodyIndented) ||
      sectionStarts.has(sectionStart(first, j - i))
    ) {
      reader.classify(at, end, eol, number, undefined, text.slice(i, j), i - at, j - at);
      continue;
    }
    if (sameIndent && i === indentEnd) {
      // Indented as the directive before.
      reader.bodyIndented = true;
      reader.indentRun++;
    } else if (i > at) reader.countIndent(at, i - at);
    current.lines.push(CstLine.parsed(text, at, end, eol, number, 'directive', reader.conditions, undefined));
  }
}

// Where a word of the line at `at` is in the text.
function wordRange(at: number, start: number, end: number): SourceRange {
  return { start: at + start, end: at + end };
}

// A short line whose first word no section knows: the header of a section kind we do not know.
function isUnknownSectionWord(kind: string, keyword: string, line: CstLine): boolean {
  return (
    line.values.length <= 2 &&
    /^[a-z][a-z0-9-]*$/.test(keyword) &&
    !isKnownKeyword(kind, keyword) &&
    !isAnyKeyword(keyword)
  );
}

/**
 * Parses haproxy.cfg; throws a `ParseError` (file, line, column, and the
 * finding's code as its `reason`) for the first syntax error. Use `safeParse`
 * to get every diagnostic instead.
 *
 * @example const document = parse(text, { file: '/etc/haproxy/haproxy.cfg' })
 */
export function parse(text: string, options: ParseOptions = {}): HaproxyDocument {
  const { document, diagnostics } = safeParse(text, options);
  throwOnErrors(diagnostics);
  return document;
}

/** Every line of the document in order: preamble, then each section's header and lines. */
export function* allLines(document: HaproxyDocument): Generator<CstLine> {
  yield* document.preamble;
  for (const section of document.sections) {
    yield section.header;
    yield* section.lines;
  }
}
