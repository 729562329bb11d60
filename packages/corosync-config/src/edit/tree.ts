import type { CorosyncDocument, CstLine, CstNode, CstPair, CstSection } from '../parse/cst.js';

/** Where a node sits, for edits: its parent's children and its section path. */
export type Container = CstNode[];

/** Sections named `name` directly in `container`. */
export function sectionsNamed(container: Container, name: string): CstSection[] {
  return container.filter((node): node is CstSection => node.type === 'section' && node.name === name);
}

/** Pairs with `key` directly in `container` (corosync keeps the last). */
export function pairsNamed(container: Container, key: string): CstPair[] {
  return container.filter((node): node is CstPair => node.type === 'pair' && node.key === key);
}

/** The value corosync would use for `key` in `container`: the last one. */
export function lastValue(container: Container, key: string): string | undefined {
  return pairsNamed(container, key).at(-1)?.value;
}

/** The first section at a dotted path (`quorum.device.net`), or undefined. */
export function findSection(document: CorosyncDocument, path: string): CstSection | undefined {
  let container: Container = document.children;
  let found: CstSection | undefined;
  for (const name of path.split('.')) {
    found = sectionsNamed(container, name)[0];
    if (!found) return undefined;
    container = found.children;
  }
  return found;
}

/** The indentation of lines directly inside `section` (or at the top level). */
export function childIndent(document: CorosyncDocument, section: CstSection | undefined, depth: number): string {
  const sample = section?.children.find((node) => node.type !== 'trivia' || node.line.kind === 'comment');
  if (sample) return leadingBlank(sample.type === 'section' ? sample.open.text : sample.line.text);
  return section ? leadingBlank(section.open.text) + document.indentUnit : document.indentUnit.repeat(depth);
}

export function leadingBlank(text: string): string {
  return /^[ \t]*/.exec(text)?.[0] ?? '';
}

export function newLine(document: CorosyncDocument, kind: CstLine['kind'], text: string): CstLine {
  return { kind, offset: -1, text, eol: document.eol };
}

/** A new `key: value` line, written the way the file's other pairs are (`key: value` when there are none). */
export function newPair(
  document: CorosyncDocument,
  indent: string,
  key: string,
  value: string,
  like?: CstPair,
): CstPair {
  const separator = like ? like.line.text.slice(like.line.text.indexOf(':'), like.valueStart) : ': ';
  const text = `${indent}${key}${separator.length > 0 ? separator : ': '}${value}`;
  return {
    type: 'pair',
    line: newLine(document, 'pair', text),
    key,
    value,
    valueStart: text.length - value.length,
    valueEnd: text.length,
  };
}

/** A new, empty section `name { }` at `indent`. */
export function newSection(document: CorosyncDocument, indent: string, name: string): CstSection {
  return {
    type: 'section',
    name,
    open: newLine(document, 'open', `${indent}${name} {`),
    children: [],
    close: newLine(document, 'close', `${indent}}`),
  };
}

/** Replaces a pair's value in place, keeping its indentation, key and separator. */
export function setPairValue(pair: CstPair, value: string): void {
  const text = pair.line.text;
  pair.line = { ...pair.line, text: `${text.slice(0, pair.valueStart)}${value}${text.slice(pair.valueEnd)}` };
  pair.valueEnd = pair.valueStart + value.length;
  pair.value = value;
}

/** Inserts after the last non-trivia child (so trailing comments and blank lines stay last). */
export function appendChild(container: Container, node: CstNode): void {
  let index = container.length;
  while (
    index > 0 &&
    container[index - 1]?.type === 'trivia' &&
    (container[index - 1] as { line: CstLine }).line.kind === 'blank'
  )
    index--;
  container.splice(index, 0, node);
}
