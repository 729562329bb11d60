import type { CorosyncDocument, CstLine, CstNode } from '../parse/cst.js';

/** Prints a document back to text: the source byte for byte, plus exactly the edits made to it. */
export function serialize(document: CorosyncDocument): string {
  const parts: string[] = [];
  const emit = (line: CstLine) => parts.push(line.text, line.eol);
  const visit = (nodes: CstNode[]) => {
    for (const node of nodes) {
      if (node.type === 'section') {
        emit(node.open);
        visit(node.children);
        if (node.close) emit(node.close);
      } else {
        emit(node.line);
      }
    }
  };
  visit(document.children);
  return parts.join('');
}
