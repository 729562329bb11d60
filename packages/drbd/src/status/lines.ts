/**
 * Calls `visit` with each line of `text` (without its `\n` or `\r\n`) and its
 * 1-based number. Unlike `text.split('\n')`, no array of every line is held:
 * a large capture costs its text and what is read from it.
 */
export function forEachLine(text: string, visit: (line: string, number: number) => void): void {
  let start = 0;
  let number = 0;
  while (start <= text.length) {
    const end = text.indexOf('\n', start);
    const stop = end === -1 ? text.length : end;
    number++;
    visit(
      text.charCodeAt(stop - 1) === 13 && stop > start ? text.slice(start, stop - 1) : text.slice(start, stop),
      number,
    );
    if (end === -1) break;
    start = end + 1;
  }
}
