/**
 * The lines an edit removed and added: what lies between the longest common
 * head and tail of the two texts (an edit of one place, as every change of
 * `applyChange` is).
 */
export function lineChanges(before: string, after: string): { removed: string[]; added: string[] } {
  if (before === after) return { removed: [], added: [] };
  const old = splitLines(before);
  const next = splitLines(after);
  let head = 0;
  while (head < old.length && head < next.length && old[head] === next[head]) head++;
  let tail = 0;
  while (
    tail < old.length - head &&
    tail < next.length - head &&
    old[old.length - 1 - tail] === next[next.length - 1 - tail]
  )
    tail++;
  return { removed: old.slice(head, old.length - tail), added: next.slice(head, next.length - tail) };
}

function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
