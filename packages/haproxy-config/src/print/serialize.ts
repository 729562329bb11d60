import { allLines, type HaproxyDocument } from '../parse/cst.js';

/**
 * Prints a document back: unchanged lines byte for byte, edited and new lines
 * as the edits wrote them, in the file's own line ending.
 */
export function serialize(document: HaproxyDocument): string {
  const parts: string[] = [];
  let previous: { eol: string } | undefined;
  for (const line of allLines(document)) {
    // A line that ended the file without a newline is no longer the last one.
    if (previous && previous.eol === '') parts.push(document.eol);
    parts.push(line.text, line.eol);
    previous = line;
  }
  return parts.join('');
}
