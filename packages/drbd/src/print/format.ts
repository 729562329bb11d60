import type { CstNode, CstToken, DrbdDocument } from '../parse/cst.js';

/** One level of indentation: four spaces, as `drbdadm dump` prints resource files. */
const indentUnit = '    ';

interface Comment {
  /** `# …`, without the line ending or trailing blanks. */
  text: string;
  /** Line breaks between the previous token (or comment) and this comment. */
  newlinesBefore: number;
}

// The comments of a token's leading trivia, and the line breaks after the last of them.
function splitTrivia(leading: string): { comments: Comment[]; newlinesAfter: number } {
  const comments: Comment[] = [];
  let newlines = 0;
  for (let index = 0; index < leading.length; index++) {
    const char = leading[index];
    if (char === '\n') newlines++;
    else if (char === '#') {
      const end = leading.indexOf('\n', index);
      const stop = end === -1 ? leading.length : end;
      comments.push({ text: leading.slice(index, stop).trimEnd(), newlinesBefore: newlines });
      newlines = 0;
      index = stop - 1;
    }
  }
  return { comments, newlinesAfter: newlines };
}

/** Builds the formatted text a line at a time. */
class Layout {
  readonly lines: string[] = [];
  private current: string | undefined;
  // The current line ends in a comment: the next token goes on a line of its own.
  private closed = false;
  // Nothing but a `{` (and maybe a comment) is on the lines since the block opened: no blank line yet.
  private afterOpen = false;
  // The next line starts after a blank one (what follows a top-level section).
  private blankNext = false;

  constructor(private readonly eol: string) {}

  /** Places the comments of a token's trivia; returns how many line breaks come before the token itself. */
  comments(leading: string, depth: number): number {
    const { comments, newlinesAfter } = splitTrivia(leading);
    for (const comment of comments) {
      if (comment.newlinesBefore === 0 && this.current !== undefined && !this.closed)
        this.current += ` ${comment.text}`;
      else this.startLine(depth, comment.newlinesBefore >= 2, comment.text);
      this.closed = true;
    }
    return comments.length > 0 ? newlinesAfter : splitCount(leading);
  }

  /** A token that begins a line (a statement's keyword, a closing brace). */
  first(token: CstToken, depth: number, commentDepth = depth, blankAllowed = true): void {
    const newlines = this.comments(token.leading, commentDepth);
    this.startLine(depth, blankAllowed && newlines >= 2, token.text);
  }

  /** A token that follows on the line (an argument, `{`, `;`); on a line of its own, one level in, after a comment. */
  next(token: CstToken, depth: number, separator: string): void {
    this.comments(token.leading, depth + 1);
    if (this.current === undefined || this.closed) this.startLine(depth + 1, false, token.text);
    else this.current += `${separator}${token.text}`;
  }

  /** Text that goes on the current line exactly as it is (a `skip` block's body). */
  raw(text: string): void {
    this.current = `${this.current ?? ''}${text}`;
    if (text.includes('\n')) this.afterOpen = false;
  }

  /** Marks the line just placed as the one that opens a block. */
  opened(): void {
    this.afterOpen = true;
  }

  /** Puts a blank line before whatever line comes next. */
  separate(): void {
    this.blankNext = true;
  }

  /** The formatted text: one final line ending, none when there is nothing to print. */
  finish(): string {
    this.endLine();
    while (this.lines.at(-1) === '') this.lines.pop();
    return this.lines.length === 0 ? '' : `${this.lines.join(this.eol)}${this.eol}`;
  }

  private startLine(depth: number, blank: boolean, text: string): void {
    this.endLine();
    // At most one blank line in a row, none at the top of the file nor just inside a `{`.
    if ((blank || this.blankNext) && this.lines.length > 0 && !this.afterOpen && this.lines.at(-1) !== '')
      this.lines.push('');
    this.current = `${indentUnit.repeat(depth)}${text}`;
    this.closed = false;
    this.afterOpen = false;
    this.blankNext = false;
  }

  private endLine(): void {
    if (this.current !== undefined) this.lines.push(this.current.trimEnd());
    this.current = undefined;
  }
}

function splitCount(leading: string): number {
  let newlines = 0;
  for (let index = leading.indexOf('\n'); index !== -1; index = leading.indexOf('\n', index + 1)) newlines++;
  return newlines;
}

/**
 * The canonical layout of a resource file, the one `drbdadm dump` prints: one
 * statement per line, four spaces per level, words separated by one space,
 * `name {` and `}` on lines of their own, a blank line after each top-level
 * section. Comments are kept: one on a line of
 * its own stays so (re-indented), one after a token stays after it. Blank lines
 * between statements are kept, at most one in a row, none just inside braces.
 * Words are printed as written (quoted ones keep their quotes), and a `skip { … }`
 * body is kept as it is. `format(parse(format(document)))` is `format(document)`.
 *
 * ```ts
 * await writeFile(path, format(parse(await readFile(path, 'utf8'), { file: path })));
 * ```
 */
export function format(document: DrbdDocument): string {
  const layout = new Layout(document.eol);
  const visit = (node: CstNode, depth: number) => {
    const [head, ...rest] = node.words;
    if (head) layout.first(head, depth);
    for (const word of rest) layout.next(word, depth, ' ');
    if (node.type === 'statement') {
      if (node.semicolon && head) layout.next(node.semicolon, depth, '');
      else if (node.semicolon) layout.first(node.semicolon, depth);
      return;
    }
    if (head) layout.next(node.open, depth, ' ');
    else layout.first(node.open, depth);
    layout.opened();
    if (node.skipped !== undefined) {
      layout.raw(node.skipped);
      if (node.close) layout.raw(node.close.text);
      return;
    }
    for (const child of node.children) visit(child, depth + 1);
    if (node.close) layout.first(node.close, depth, depth + 1, false);
  };
  for (const node of document.children) {
    visit(node, 0);
    // Top-level sections stand apart, as drbdadm dump prints them.
    if (node.type === 'block') layout.separate();
  }
  layout.comments(document.trailing, 0);
  return layout.finish();
}
