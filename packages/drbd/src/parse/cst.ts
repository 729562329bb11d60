import { DiagnosticCollector, LineCounter, throwOnErrors, type LinePosition } from '@ha/core';
import type { DrbdCode, DrbdDiagnostic } from '../codes.js';
import { Lexer } from './lexer.js';

/**
 * The concrete syntax tree of a drbd.conf: statements are words ended by `;`,
 * a block is words followed by `{ … }`. Every token keeps the whitespace and
 * comments before it and its offset, so the source prints back byte for byte
 * (`serialize`) and an edit keeps the layout.
 */

/** A token of the tree and the trivia (whitespace, comments) before it. */
export interface CstToken {
  /** Whitespace and comments before the token, as written. */
  leading: string;
  /** The token as written: a word (quotes and escapes included), `{`, `}` or `;`. */
  text: string;
  /** Offset of `text` in the document's `source`; -1 for a token an edit wrote. */
  offset: number;
}

/** A word: its token, and its value (quotes removed, escapes applied). */
export interface CstWord extends CstToken {
  /** What the word means: `"a \"b\""` is `a "b"`. */
  value: string;
  /** Written in double quotes. */
  quoted: boolean;
}

/** `keyword args… ;` */
export interface CstStatement {
  /** Tells a statement from a block. */
  type: 'statement';
  /** The keyword and its arguments (`['address', '10.0.0.1:7789']`). */
  words: CstWord[];
  /** Undefined only when the file ends (or a block closes) before the `;`. */
  semicolon: CstToken | undefined;
}

/** `keyword args… { children }` */
export interface CstBlock {
  /** Tells a block from a statement. */
  type: 'block';
  /** The section's keyword and name (`['resource', 'r0']`, `['on', 'node1']`). */
  words: CstWord[];
  /** The `{`. */
  open: CstToken;
  /** The statements and blocks inside, in order (empty for `skip`). */
  children: CstNode[];
  /** The text of a `skip { … }` block's body, kept as it is (drbdadm does not read it). */
  skipped?: string;
  /** Undefined only when the file ends before the `}`. */
  close: CstToken | undefined;
}

/** A statement or a block: what a document and a block hold. */
export type CstNode = CstStatement | CstBlock;

/** A parsed drbd.conf or resource file. */
export interface DrbdDocument {
  /** The file it was read from, as given to the parser (for findings). */
  file: string | undefined;
  /** The text it was parsed from: the offsets of its tokens point into it (an edit does not change it). */
  source: string;
  /** The top-level statements and blocks (`global`, `common`, `resource`, `include`). */
  children: CstNode[];
  /** Whitespace and comments after the last token. */
  trailing: string;
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

/** What `safeParse` returns: the document (always; it prints back to the text) and the parser's findings. */
export interface DrbdParseResult {
  /** The document, every byte of the text kept. */
  document: DrbdDocument;
  /** Syntax findings in file order (`MISSING_SEMICOLON`, `MISSING_CLOSE_BRACE` …), repeated ones folded (`validate` finds them again). */
  diagnostics: DrbdDiagnostic[];
}

/**
 * Parses a drbd.conf or resource file, collecting problems as diagnostics
 * (never throwing): the document always prints back to `text`. Unlike
 * drbdadm, a missing final `}` is an error here. Time and memory are linear
 * in the text; repeated findings of one code are folded (see
 * `DiagnosticCollector`), so a damaged 50 MB file gives a few findings, not millions.
 *
 * ```ts
 * const { document, diagnostics } = safeParse(text, { file: 'r0.res' });
 * for (const finding of diagnostics) console.log(formatDiagnostic(finding));
 * ```
 */
export function safeParse(text: string, options: ParseOptions = {}): DrbdParseResult {
  const { file } = options;
  const lexer = new Lexer(text);
  const collector = new DiagnosticCollector<DrbdCode>({ text, file });
  const report = (
    code: DrbdCode,
    message: string | (() => string),
    start: number,
    length = 1,
    severity: 'error' | 'warning' = 'error',
  ) => collector.report(code, message, { start, end: start + length }, severity);
  const document: DrbdDocument = {
    file,
    source: text,
    children: [],
    trailing: '',
    eol: text.includes('\r\n') ? '\r\n' : '\n',
    indentUnit: '\t',
  };
  const stack: CstBlock[] = [];
  const into = () => (stack.length > 0 ? (stack[stack.length - 1] as CstBlock).children : document.children);
  // The words of the statement being read. One array, reused: each node gets an exact-size copy
  // (an array grown by push holds room for 17 words, most of it empty, per node of a large file).
  const pending: CstWord[] = [];
  const takeWords = (): CstWord[] => {
    const words = pending.slice();
    pending.length = 0;
    return words;
  };
  const indents = new Map<string, number>();

  const flushWords = (reason: string, at: number) => {
    if (pending.length === 0) return;
    const first = pending[0] as CstWord;
    report('MISSING_SEMICOLON', () => `'${first.value}' is not ended by ';' (${reason})`, at);
    into().push({ type: 'statement', words: takeWords(), semicolon: undefined });
  };

  for (let token = lexer.next(); token !== undefined; token = lexer.next()) {
    const { leading, offset } = token;
    if (token.kind === 'word') {
      if (token.unterminated) report('UNTERMINATED_QUOTE', 'unterminated quoted string', offset, token.text.length);
      const nul = token.text.indexOf('\0');
      if (nul !== -1) report('BINARY_CONTENT', 'the file contains a NUL byte', offset + nul);
      if (pending.length === 0 && stack.length === 1) {
        // The indentation of statements one level in: what new lines get.
        const lastBreak = leading.lastIndexOf('\n');
        const indent = leading.slice(lastBreak + 1);
        if (lastBreak !== -1 && indent.length > 0) indents.set(indent, (indents.get(indent) ?? 0) + 1);
      }
      pending.push({ leading, text: token.text, offset, value: token.value, quoted: token.quoted });
      continue;
    }
    if (token.kind === 'semicolon') {
      if (pending.length === 0) report('EMPTY_STATEMENT', "a ';' with nothing before it", offset, 1, 'warning');
      into().push({ type: 'statement', words: takeWords(), semicolon: { leading, text: ';', offset } });
      continue;
    }
    if (token.kind === 'open') {
      if (pending.length === 0) report('MISSING_SECTION_NAME', "a '{' without a section keyword before it", offset);
      const block: CstBlock = {
        type: 'block',
        words: takeWords(),
        open: { leading, text: '{', offset },
        children: [],
        close: undefined,
      };
      into().push(block);
      const first = block.words[0];
      if (first?.value === 'skip') {
        // drbdadm skips the body as text (braces balanced): a way to comment out a section.
        const body = lexer.raw();
        if (body) {
          block.skipped = body.text;
          block.close = { leading: '', text: '}', offset: body.closeOffset };
        } else {
          block.skipped = text.slice(offset + 1);
          report('MISSING_CLOSE_BRACE', "'skip' is never closed (missing '}')", first.offset, 4);
        }
        continue;
      }
      stack.push(block);
      continue;
    }
    // A closing brace.
    flushWords("'}' came first", offset);
    const block = stack.pop();
    if (!block) {
      report('UNEXPECTED_CLOSE_BRACE', "a '}' without a section to close", offset);
      // Kept as a statement of its own (with an empty `;`) so that nothing is lost.
      document.children.push({
        type: 'statement',
        words: [{ leading, text: '}', offset, value: '}', quoted: false }],
        semicolon: { leading: '', text: '', offset: offset + 1 },
      });
      continue;
    }
    block.close = { leading, text: '}', offset };
    // Exact size, as for words: most blocks (`on node1 { … }`) have a few children.
    block.children = block.children.slice();
  }
  document.trailing = lexer.trailing;
  flushWords('the file ended', text.length);
  for (const block of stack) {
    const first = block.words[0];
    const message = () =>
      `'${block.words.map((word) => word.value).join(' ')}' is never closed (missing '}'; drbdadm would not notice)`;
    report('MISSING_CLOSE_BRACE', message, first?.offset ?? block.open.offset, first?.text.length ?? 1);
  }
  let best = 0;
  for (const [indent, count] of indents) {
    if (count > best) {
      best = count;
      document.indentUnit = indent;
    }
  }
  return { document, diagnostics: collector.diagnostics().sort((a, b) => a.range.start - b.range.start) };
}

/**
 * Parses, throwing a `ParseError` (file, line, column, `reason` the finding's
 * code) for the first syntax error.
 *
 * ```ts
 * const document = parse(await readFile(path, 'utf8'), { file: path });
 * ```
 */
export function parse(text: string, options: ParseOptions = {}): DrbdDocument {
  const { document, diagnostics } = safeParse(text, options);
  throwOnErrors(diagnostics);
  return document;
}

/** The values of a node's words (`['on', 'node1']`). */
export function wordsOf(node: CstNode): string[] {
  return node.words.map((word) => word.value);
}

// One line counter per document, built the first time a position in it is asked for.
const lineCounters = new WeakMap<DrbdDocument, LineCounter>();

/** The 1-based line and column of an offset in a document's source; `{ line: 0, column: 0 }` for a token an edit wrote (offset -1). */
export function positionIn(document: DrbdDocument, offset: number): LinePosition {
  if (offset < 0) return { line: 0, column: 0 };
  let counter = lineCounters.get(document);
  if (!counter) {
    counter = new LineCounter(document.source);
    lineCounters.set(document, counter);
  }
  return counter.linePosition(offset);
}
