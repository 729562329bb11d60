import type { CstNode, CstToken, DrbdDocument } from '../parse/cst.js';

/**
 * Prints a document: the source byte for byte, with the edits made to it
 * (`serialize(safeParse(text).document) === text` for every text).
 */
export function serialize(document: DrbdDocument): string {
  const parts: string[] = [];
  const emit = (token: CstToken | undefined) => {
    if (token) parts.push(token.leading, token.text);
  };
  const visit = (node: CstNode) => {
    for (const word of node.words) emit(word);
    if (node.type === 'statement') emit(node.semicolon);
    else {
      emit(node.open);
      if (node.skipped !== undefined) parts.push(node.skipped);
      node.children.forEach(visit);
      emit(node.close);
    }
  };
  document.children.forEach(visit);
  parts.push(document.trailing);
  return parts.join('');
}
