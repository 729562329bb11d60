import { DiagnosticCollector, throwOnErrors } from '@ha/core';
import type { CorosyncCode, CorosyncDiagnostic } from '../codes.js';
import { lex } from './lexer.js';

/**
 * What one line of corosync.conf is, by corosync's own rules: `blank`, `comment`
 * (first non-blank is `#`), `pair` (`key: value`), `open` (`name {`), `close`
 * (`}`), or `invalid` (a line corosync would reject, kept so nothing is lost).
 */
export type CstLineKind = 'blank' | 'comment' | 'pair' | 'open' | 'close' | 'invalid';

/**
 * One physical line, every byte kept: `text` (without its line ending) plus
 * `eol` reproduce the source exactly.
 */
export interface CstLine {
  /** What the line is. */
  kind: CstLineKind;
  /** Offset of the line's first character in the parsed text; -1 on a line an edit created. */
  offset: number;
  /** The line without its line ending, blanks and all. */
  text: string;
  /** `\n`, `\r\n`, or `` on a last line without one. */
  eol: string;
}

/** A `key: value` line. */
export interface CstPair {
  /** Always `pair`. */
  type: 'pair';
  /** The line it is on. */
  line: CstLine;
  /** The text before the first colon, trimmed (`ring0_addr`). */
  key: string;
  /** Everything after the first colon, trimmed: IPv6 addresses need no quoting, quotes are literal. */
  value: string;
  /** Index of the value's first character in `line.text`, so an edit can replace just the value. */
  valueStart: number;
  /** Index just past the value's last character in `line.text`. */
  valueEnd: number;
}

/** A section: `name {`, its children, `}`. */
export interface CstSection {
  /** Always `section`. */
  type: 'section';
  /** The text before the `{`, trimmed (`totem`, `node`). */
  name: string;
  /** The `name {` line. */
  open: CstLine;
  /** What is inside, in file order (pairs, sections, blank lines, comments). */
  children: CstNode[];
  /** The `}` line; undefined only in a file with a missing brace. */
  close: CstLine | undefined;
}

/** A blank line, a comment, or a line corosync would reject (kept so nothing is lost). */
export interface CstTrivia {
  /** Always `trivia`. */
  type: 'trivia';
  /** The line itself; `line.kind` says which of the three it is. */
  line: CstLine;
}

/** One entry of a document or section: a pair, a section or trivia. */
export type CstNode = CstPair | CstSection | CstTrivia;

/**
 * A parsed corosync.conf: the concrete syntax tree, every byte of the source.
 * Edit operations change it in place; `serialize` prints it back.
 */
export interface CorosyncDocument {
  /** The file it was read from, as given to `parse` (named in findings). */
  file: string | undefined;
  /** The top-level entries in file order. */
  children: CstNode[];
  /** The line ending new lines get: the file's most common one. */
  eol: '\n' | '\r\n';
  /** One level of indentation as the file writes it (a tab, 4 spaces …). */
  indentUnit: string;
}

/** Options of `parse` and `safeParse`. */
export interface ParseOptions {
  /** Named in diagnostics and errors. */
  file?: string;
  /** Findings kept of one code before the rest are folded into one "and N more like it". Default 10. */
  keepPerCode?: number;
}

/** What `safeParse` returns: the document, and the syntax findings of the parse. */
export interface CorosyncParseResult {
  /** The document; it prints back to the parsed text whatever the findings. */
  document: CorosyncDocument;
  /** The syntax findings in file order, folded past `keepPerCode` of one code (`validate` finds them again, with the rest). */
  diagnostics: CorosyncDiagnostic[];
}

/**
 * Parses corosync.conf into a document, collecting problems as diagnostics
 * instead of throwing: the document always prints back to `text`. Findings
 * are folded past `keepPerCode` of one code, so garbage costs a few findings.
 *
 * @example
 * const { document, diagnostics } = safeParse(text, { file: 'corosync.conf' });
 */
export function safeParse(text: string, options: ParseOptions = {}): CorosyncParseResult {
  const { file, keepPerCode } = options;
  const findings = new DiagnosticCollector<CorosyncCode>({ text, file, keepPerCode, breaks: 'lf' });
  const root: CstNode[] = [];
  const open: CstSection[] = [];
  const into = () => (open.length > 0 ? (open[open.length - 1] as CstSection).children : root);
  let crlf = 0;
  let lf = 0;
  const count = (line: CstLine) => {
    if (line.eol === '\r\n') crlf++;
    else if (line.eol === '\n') lf++;
  };
  lex(
    text,
    {
      pair(line, key, value, valueStart, valueEnd) {
        count(line);
        into().push({ type: 'pair', line, key, value, valueStart, valueEnd });
      },
      open(name, line) {
        count(line);
        const section: CstSection = { type: 'section', name, open: line, children: [], close: undefined };
        into().push(section);
        open.push(section);
      },
      close(line) {
        count(line);
        (open.pop() as CstSection).close = line;
      },
      trivia(line) {
        count(line);
        into().push({ type: 'trivia', line });
      },
    },
    findings,
  );
  const document: CorosyncDocument = {
    file,
    children: root,
    eol: crlf > lf ? '\r\n' : '\n',
    indentUnit: detectIndentUnit(root),
  };
  return { document, diagnostics: findings.diagnostics() };
}

/**
 * Parses corosync.conf; throws a `ParseError` (file, line, column, and the
 * finding's code as `reason`) on the first syntax error.
 *
 * @example
 * const document = parse(await readFile(path, 'utf8'), { file: path });
 */
export function parse(text: string, options: ParseOptions = {}): CorosyncDocument {
  const { document, diagnostics } = safeParse(text, options);
  throwOnErrors(diagnostics);
  return document;
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
