import type { CstLine, HaproxyDocument } from '../parse/cst.js';

/**
 * The document in canonical layout: section headers unindented, directives
 * (and comments, conditionals inside sections) indented by four spaces,
 * words separated by one space (each word's own quoting kept), a trailing
 * comment after two spaces, no trailing blanks, one blank line between
 * sections and never two in a row.
 */
export function format(document: HaproxyDocument): string {
  const out: string[] = [];
  let blank = true;
  const emit = (line: CstLine, indent: string) => {
    const words = line.words;
    if (words.length === 0) {
      if (line.commentStart === -1) {
        if (!blank) out.push('');
        blank = true;
        return;
      }
      out.push(`${indent}${line.text.slice(line.commentStart).trimEnd()}`);
    } else {
      const body = words.map((word) => line.text.slice(word.start, word.end)).join(' ');
      const comment = line.commentStart === -1 ? '' : `  ${line.text.slice(line.commentStart).trimEnd()}`;
      out.push(`${indent}${body}${comment}`);
    }
    blank = false;
  };
  for (const line of document.preamble) emit(line, '');
  for (const section of document.sections) {
    if (!blank && out.length > 0) out.push('');
    blank = true;
    emit(section.header, '');
    for (const line of section.lines) emit(line, '    ');
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.length === 0 ? '' : `${out.join(document.eol)}${document.eol}`;
}
