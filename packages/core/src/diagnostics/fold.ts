import { LineCounter, type LineCounterOptions } from '../text/line-counter.js';
import type { Diagnostic, Severity, SourceRange } from './diagnostic.js';

/** How many findings of one code are kept before the rest are folded into one. */
export const DEFAULT_KEEP_PER_CODE = 10;

/**
 * Collects diagnostics with bounded memory: the first `keepPerCode` of each
 * code are kept, the rest only counted, and `diagnostics()` ends each folded
 * code with one finding "and N more like it". A 50 MB file with a warning on
 * every line then costs a few findings, not millions.
 */
export class DiagnosticCollector<Code extends string = string> {
  readonly #keepPerCode: number;
  readonly #kept: Diagnostic<Code>[] = [];
  // Keyed by code and severity: an error is never folded away among warnings of the same code.
  readonly #counts = new Map<string, number>();
  readonly #lastKept = new Map<string, Diagnostic<Code>>();
  #errors = 0;
  readonly #text: string | undefined;
  readonly #file: string | undefined;
  #lines: LineCounter | undefined;
  readonly #breaks: LineCounterOptions['breaks'];

  /**
   * `text` (and its `file`) is the source `report` places findings in; a collector
   * that is only pushed ready-made diagnostics needs neither.
   */
  constructor(
    options: {
      keepPerCode?: number | undefined;
      text?: string | undefined;
      file?: string | undefined;
      breaks?: LineCounterOptions['breaks'];
    } = {},
  ) {
    const keep = options.keepPerCode ?? DEFAULT_KEEP_PER_CODE;
    if (!Number.isSafeInteger(keep) || keep < 1)
      throw new TypeError(`keepPerCode must be a whole number ≥ 1, not ${String(keep)}`);
    this.#keepPerCode = keep;
    this.#text = options.text;
    this.#file = options.file;
    this.#breaks = options.breaks;
  }

  /**
   * Records a finding at a range of offsets into the collector's text. Line and
   * column are worked out only for a finding that is kept (one line counter,
   * built on the first), so a parser keeps offsets alone until then.
   */
  report(code: Code, message: string | (() => string), range: SourceRange, severity: Severity = 'error'): void {
    if (!this.keeps(code, severity)) {
      this.count(code, severity);
      return;
    }
    if (this.#text === undefined)
      throw new TypeError('report() needs the collector to be made with the text its ranges point into');
    this.#lines ??= new LineCounter(this.#text, this.#breaks === undefined ? {} : { breaks: this.#breaks });
    const { line, column } = this.#lines.linePosition(range.start);
    const text = typeof message === 'function' ? message() : message;
    this.push({ code, severity, message: text, file: this.#file, range, line, column });
  }

  /** The line counter of the collector's text (built once, shared with the parser that reports). */
  get lineCounter(): LineCounter {
    if (this.#text === undefined) throw new TypeError('the collector was made without a text');
    this.#lines ??= new LineCounter(this.#text, this.#breaks === undefined ? {} : { breaks: this.#breaks });
    return this.#lines;
  }

  /** Adds one finding (kept, or counted when its code and severity already have `keepPerCode`). */
  push(diagnostic: Diagnostic<Code>): void {
    const key = foldKey(diagnostic.code, diagnostic.severity);
    const count = (this.#counts.get(key) ?? 0) + 1;
    this.#counts.set(key, count);
    if (diagnostic.severity === 'error') this.#errors++;
    if (count <= this.#keepPerCode) {
      this.#kept.push(diagnostic);
      this.#lastKept.set(key, diagnostic);
    }
  }

  /**
   * True while a finding of this code and severity would still be kept: a validator
   * can skip building the finding (its message, its position) when it would only be counted.
   */
  keeps(code: Code, severity: Severity = 'error'): boolean {
    return (this.#counts.get(foldKey(code, severity)) ?? 0) < this.#keepPerCode;
  }

  /** Counts `times` findings of this code and severity that are not built (see `keeps`); they fold after the kept ones. */
  count(code: Code, severity: Severity, times = 1): void {
    const key = foldKey(code, severity);
    const before = this.#counts.get(key) ?? 0;
    if (before < this.#keepPerCode)
      throw new RangeError(`count(${code}): only findings past the first ${this.#keepPerCode} may be counted unbuilt`);
    this.#counts.set(key, before + times);
    if (severity === 'error') this.#errors += times;
  }

  /** How many findings were pushed in all, folded ones included. */
  get total(): number {
    let total = 0;
    for (const count of this.#counts.values()) total += count;
    return total;
  }

  /** True when any pushed or counted finding (kept or folded) is an error. */
  get hasErrors(): boolean {
    return this.#errors > 0;
  }

  /** The kept findings in the order pushed, each folded code followed by its "and N more like it". */
  diagnostics(): Diagnostic<Code>[] {
    const result: Diagnostic<Code>[] = [];
    for (const diagnostic of this.#kept) {
      result.push(diagnostic);
      const key = foldKey(diagnostic.code, diagnostic.severity);
      const count = this.#counts.get(key) ?? 0;
      if (count > this.#keepPerCode && this.#lastKept.get(key) === diagnostic) {
        result.push(foldedDiagnostic(diagnostic, count - this.#keepPerCode));
      }
    }
    return result;
  }
}

/** Folds a finished list the way `DiagnosticCollector` folds as it goes. */
export function foldDiagnostics<Code extends string>(
  diagnostics: readonly Diagnostic<Code>[],
  options: { keepPerCode?: number | undefined } = {},
): Diagnostic<Code>[] {
  // Already folded findings are passed through as they are.
  if (diagnostics.some((diagnostic) => diagnostic.folded !== undefined)) return [...diagnostics];
  const collector = new DiagnosticCollector<Code>(options);
  for (const diagnostic of diagnostics) collector.push(diagnostic);
  return collector.diagnostics();
}

function foldKey(code: string, severity: Severity): string {
  return `${severity} ${code}`;
}

function foldedDiagnostic<Code extends string>(last: Diagnostic<Code>, more: number): Diagnostic<Code> {
  return {
    ...last,
    message: `and ${more.toLocaleString('en-US')} more like it (${last.code})`,
    folded: more,
  };
}
