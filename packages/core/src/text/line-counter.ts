/** A 1-based line and column. Columns count UTF-16 code units from the line start. */
export interface LinePosition {
  /** 1-based line number. */
  line: number;
  /** 1-based column: UTF-16 code units from the start of the line, plus one. */
  column: number;
}

/**
 * Turns offsets into line/column on demand. Parsers keep offsets (cheap, exact)
 * and only ask for lines when a human needs one.
 */
export class LineCounter {
  /** Offset at which each line starts; the first is always 0. */
  readonly lineStarts: readonly number[];
  /** Length of the text, in UTF-16 code units: the largest offset `linePosition` accepts. */
  readonly length: number;

  constructor(text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const char = text.charCodeAt(i);
      // \r\n counts once; a lone \r (old Mac) also ends a line.
      if (char === 10) starts.push(i + 1);
      else if (char === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
    }
    this.lineStarts = starts;
    this.length = text.length;
  }

  /** The line and column of `offset` (clamped to the text). */
  linePosition(offset: number): LinePosition {
    const target = Math.max(0, Math.min(offset, this.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.lineStarts[middle] as number) <= target) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: target - (this.lineStarts[low] as number) + 1 };
  }

  /** The offset of a 1-based line and column (clamped). */
  offsetOf(position: LinePosition): number {
    const index = Math.max(0, Math.min(position.line - 1, this.lineStarts.length - 1));
    return Math.min(this.length, (this.lineStarts[index] as number) + Math.max(0, position.column - 1));
  }

  /** How many lines the text has; a final line ending starts an empty last line, so `'a\n'` has 2. */
  get lineCount(): number {
    return this.lineStarts.length;
  }
}
