import { DiagnosticCollector, throwOnErrors, type SourceRange } from '@ha/core';
import type { HaproxyCode, HaproxyDiagnostic } from '../codes.js';
import { isAnyKeyword, isKnownKeyword, isSectionKind } from '../keywords.js';
import { lexFirstWord, lexLine, lexValues, type CstWord, type LexedLine } from './lexer.js';

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
  /** What the line is: a directive, a section header, a comment … */
  kind: CstLineKind;
  /** `\n`, `\r\n`, or `` on a last line without one. */
  eol: string;
  /** Offset of the line's first character in the text parsed (`document.source`); -1 for a line an edit wrote. */
  offset: number;
  /** The `.if` conditions around this line, outermost first (shared between lines). */
  conditions: readonly string[];
  private source: string;
  private lexed: LexedLine | undefined;
  private cachedValues: string[] | undefined;

  constructor(
    text: string,
    eol: string,
    offset: number,
    kind: CstLineKind = 'blank',
    conditions: readonly string[] = noConditions,
    lexed?: LexedLine,
  ) {
    this.source = text;
    this.eol = eol;
    this.offset = offset;
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
  get words(): CstWord[] {
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
    return this.lexed === undefined ? lexValues(this.source) : this.lexed.words.map((word) => word.value);
  }
}

const noConditions: readonly string[] = [];
// A line with none of these is plain words between blanks: its first word is all the parser needs to read.
const specialCharacters = /["'\\#\0]/;

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
  const file = options.file;
  const extraSections = new Set(options.sections ?? []);
  // A file of junk could have a problem on every line: keep a few of each kind, count the rest.
  // Lines end at \n alone, as HAProxy counts them (a lone \r is a blank within a line).
  const collector = new DiagnosticCollector<HaproxyCode>({ text, file, breaks: 'lf' });

  const document: HaproxyDocument = { file, source: text, preamble: [], sections: [], eol: '\n', indentUnit: '    ' };
  let current: CstSection | undefined;
  let crlf = 0;
  let lf = 0;
  const indents = new Map<string, number>();
  // The .if/.elif/.else stack: each open block with the offset of the word that opened it.
  const blocks: { word: string; offset: number; condition: string }[] = [];
  let conditions: readonly string[] = [];
  let bodyIndented = false;

  let offset = 0;
  const length = text.length;
  while (offset < length) {
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
    const at = offset;
    // Plain lines (most of them) are classified from their first word alone; the rest are lexed now,
    // so their quotes and comments are checked.
    let lexed: LexedLine | undefined;
    let first: CstWord | undefined;
    if (specialCharacters.test(content)) {
      lexed = lexLine(content);
      const { nul, unterminatedQuote: quote } = lexed;
      if (nul !== -1)
        collector.report('BINARY_CONTENT', 'the line contains a NUL byte; HAProxy stops reading the line there', {
          start: at + nul,
          end: at + nul + 1,
        });
      if (quote !== -1)
        collector.report('UNTERMINATED_QUOTE', `unterminated ${content[quote] === '"' ? 'double' : 'single'} quote`, {
          start: at + quote,
          end: end,
        });
      first = lexed.words[0];
    } else {
      first = lexFirstWord(content);
    }
    const line = new CstLine(content, eol, offset, 'blank', conditions, lexed);
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
        blocks.push({ word: keyword, offset: at + first.start, condition });
      } else if (blocks.length === 0) {
        collector.report('UNMATCHED_CONDITIONAL', `'${keyword}' without an '.if'`, wordRange(at, first));
      } else if (keyword === '.endif') {
        blocks.pop();
      } else {
        const top = blocks[blocks.length - 1] as (typeof blocks)[number];
        if (top.word === '.else')
          collector.report('UNMATCHED_CONDITIONAL', `'${keyword}' after '.else'`, wordRange(at, first));
        blocks[blocks.length - 1] = {
          ...top,
          word: keyword,
          condition: keyword === '.else' ? `!(${top.condition})` : condition,
        };
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
    else if (current && !indented && bodyIndented && isUnknownSectionWord(current.kind, keyword, line)) {
      // An unindented, unknown word in a file whose sections indent their directives: a section of a kind we do not know.
      kind = keyword;
      collector.report(
        'UNKNOWN_SECTION',
        `unknown section '${keyword}' (kept as it is)`,
        wordRange(at, first),
        'warning',
      );
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
      collector.report('DIRECTIVE_OUTSIDE_SECTION', `'${keyword}' before any section`, wordRange(at, first));
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
    collector.report('UNTERMINATED_CONDITIONAL', `'${block.word}' block opened here has no '.endif'`, {
      start: block.offset,
      end: block.offset + '.if'.length,
    });
  }
  const diagnostics = collector.diagnostics();
  parseRecords.set(document, { diagnostics, sections: options.sections });
  document.eol = crlf > lf ? '\r\n' : '\n';
  let best = 0;
  for (const [indent, count] of indents) {
    if (count > best) {
      best = count;
      document.indentUnit = indent;
    }
  }
  return { document, diagnostics };
}

// Where a word of the line at `at` is in the text.
function wordRange(at: number, word: CstWord): SourceRange {
  return { start: at + word.start, end: at + word.end };
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
