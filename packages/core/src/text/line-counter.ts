/** A 1-based line and column. Columns count UTF-16 code units from the line start. */
export interface LinePosition {
  /** 1-based line number. */
  line: number;
  /** 1-based column: UTF-16 code units from the start of the line, plus one. */
  column: number;
}

/** Options of `LineCounter`. */
export interface LineCounterOptions {
  /**
   * What ends a line: `any` (default) is `\n`, `\r\n` and a lone `\r` (old Mac);
   * `lf` is `\n` alone, for formats whose tool counts lines so (corosync).
   */
  breaks?: 'any' | 'lf';
}

/**
 * Turns offsets into line/column on demand. Parsers keep offsets (cheap, exact)
 * and only ask for lines when a human needs one; the text is scanned only as far
 * as the largest offset asked for, so a few findings near the top of a 50 MB
 * file cost a few lines of scanning, not the whole file.
 */
export class LineCounter {
  /** Length of the text, in UTF-16 code units: the largest offset `linePosition` accepts. */
  readonly length: number;
  readonly #text: string;
  readonly #lfOnly: boolean;
  // Offsets at which each known line starts; complete up to #scanned.
  readonly #starts: number[] = [0];
  #scanned = 0;
  // The next lone-CR candidate at or after #scanned (-1: none left), so the scan stays linear.
  #nextCr = -2;

  constructor(text: string, options: LineCounterOptions = {}) {
    this.#text = text;
    this.length = text.length;
    this.#lfOnly = options.breaks === 'lf';
  }

  /** Offset at which each line starts; the first is always 0. (Scans the whole text.) */
  get lineStarts(): readonly number[] {
    this.#scanTo(this.length);
    return this.#starts;
  }

  /** The line and column of `offset` (clamped to the text). */
  linePosition(offset: number): LinePosition {
    const target = Math.max(0, Math.min(offset, this.length));
    this.#scanTo(target);
    const starts = this.#starts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((starts[middle] as number) <= target) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: target - (starts[low] as number) + 1 };
  }

  /** The offset of a 1-based line and column (clamped). */
  offsetOf(position: LinePosition): number {
    while (this.#starts.length < position.line && this.#scanned < this.length) this.#scanTo(this.#scanned);
    const index = Math.max(0, Math.min(position.line - 1, this.#starts.length - 1));
    return Math.min(this.length, (this.#starts[index] as number) + Math.max(0, position.column - 1));
  }

  /** How many lines the text has; a final line ending starts an empty last line, so `'a\n'` has 2. (Scans the whole text.) */
  get lineCount(): number {
    return this.lineStarts.length;
  }

  // Records every line start up to and including the first one past `offset`.
  #scanTo(offset: number): void {
    const text = this.#text;
    let position = this.#scanned;
    while (position <= offset && position < text.length) {
      let end = text.indexOf('\n', position);
      if (end === -1) end = text.length;
      if (!this.#lfOnly) {
        if (this.#nextCr !== -1 && this.#nextCr < position) this.#nextCr = text.indexOf('\r', position);
        // A CR before the LF ends the line itself unless it is the CR of a CRLF.
        if (this.#nextCr !== -1 && this.#nextCr < end && text.charCodeAt(this.#nextCr + 1) !== 10) end = this.#nextCr;
      }
      if (end >= text.length) {
        position = text.length;
        break;
      }
      position = end + 1;
      this.#starts.push(position);
    }
    this.#scanned = Math.max(this.#scanned, position);
  }
}
