/**
 * The lines an edit removed and added: the common head and tail set aside,
 * what differs in between by a longest common subsequence of lines (edits in
 * a few places, as `applyChange` makes; a middle too large for that is
 * reported whole).
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
  const removed = old.slice(head, old.length - tail);
  const added = next.slice(head, next.length - tail);
  if (removed.length * added.length > 1_000_000) return { removed, added };
  return middleChanges(removed, added);
}

function middleChanges(removed: string[], added: string[]): { removed: string[]; added: string[] } {
  // common[i][j]: the longest common subsequence of removed[i..] and added[j..].
  const common = Array.from({ length: removed.length + 1 }, () => new Array<number>(added.length + 1).fill(0));
  for (let i = removed.length - 1; i >= 0; i--)
    for (let j = added.length - 1; j >= 0; j--)
      (common[i] as number[])[j] =
        removed[i] === added[j]
          ? ((common[i + 1] as number[])[j + 1] as number) + 1
          : Math.max((common[i + 1] as number[])[j] as number, (common[i] as number[])[j + 1] as number);
  const result = { removed: [] as string[], added: [] as string[] };
  let i = 0;
  let j = 0;
  while (i < removed.length && j < added.length) {
    if (removed[i] === added[j]) {
      i++;
      j++;
    } else if (((common[i + 1] as number[])[j] as number) >= ((common[i] as number[])[j + 1] as number))
      result.removed.push(removed[i++] as string);
    else result.added.push(added[j++] as string);
  }
  result.removed.push(...removed.slice(i));
  result.added.push(...added.slice(j));
  return result;
}

function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
