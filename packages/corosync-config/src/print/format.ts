import type { CorosyncDocument, CstNode } from '../parse/cst.js';

/**
 * The canonical layout, as pcs writes files: four spaces per level,
 * `key: value`, no trailing blanks, no blank line just inside braces, at most
 * one blank line in a row, one final newline. Comments are kept, re-indented.
 */
export function format(document: CorosyncDocument, indentUnit = '    '): string {
  const out: string[] = [];
  const blankAllowed = () =>
    out.length > 0 && out[out.length - 1] !== '' && !(out[out.length - 1] as string).endsWith('{');
  const visit = (nodes: CstNode[], depth: number) => {
    const indent = indentUnit.repeat(depth);
    for (const node of nodes) {
      if (node.type === 'section') {
        out.push(`${indent}${node.name} {`);
        visit(node.children, depth + 1);
        while (out[out.length - 1] === '') out.pop();
        out.push(`${indent}}`);
      } else if (node.type === 'pair') {
        out.push(`${indent}${node.key}: ${node.value}`);
      } else if (node.line.kind === 'blank') {
        if (blankAllowed()) out.push('');
      } else {
        out.push(`${indent}${node.line.text.trim()}`);
      }
    }
  };
  visit(document.children, 0);
  while (out[out.length - 1] === '') out.pop();
  return out.length === 0 ? '' : `${out.join(document.eol)}${document.eol}`;
}
