import { CstLine, type HaproxyDocument } from '../parse/cst.js';

/**
 * Prints a document back: unchanged lines byte for byte, edited and new lines
 * as the edits wrote them, in the file's own line ending.
 */
export function serialize(document: HaproxyDocument): string {
  const source = document.source;
  const parts: string[] = [];
  // Lines still where they were parsed from, one after the other, are printed as one slice of the source
  // (a document no edit changed is its source itself).
  let runStart = 0;
  let runEnd = -1;
  let previousEol: string | undefined;
  const print = (line: CstLine) => {
    // A line that ended the file without a newline is no longer the last one.
    const afterLast = previousEol === '';
    previousEol = line.eol;
    const end = afterLast ? -1 : CstLine.extentIn(line, source);
    if (end !== -1 && line.offset === runEnd) {
      runEnd = end;
      return;
    }
    if (runEnd !== -1) parts.push(source.slice(runStart, runEnd));
    if (afterLast) parts.push(document.eol);
    if (end !== -1) {
      runStart = line.offset;
      runEnd = end;
    } else {
      runEnd = -1;
      parts.push(line.text, line.eol);
    }
  };
  for (const line of document.preamble) print(line);
  for (const section of document.sections) {
    print(section.header);
    for (const line of section.lines) print(line);
  }
  if (runEnd !== -1) {
    if (parts.length === 0) return source.slice(runStart, runEnd);
    parts.push(source.slice(runStart, runEnd));
  }
  return parts.join('');
}
