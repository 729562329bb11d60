import { DEFAULT_KEEP_PER_CODE, DiagnosticCollector, type Severity } from '@ha/core';
import type { CorosyncCode, CorosyncDiagnostic } from './codes.js';

/** A finding on one line: `from`/`to` are 0-based indexes into the line, `offset` where the line starts. */
export function diagnosticAt(
  code: CorosyncCode,
  severity: Severity,
  message: string,
  file: string | undefined,
  offset: number,
  lineNumber: number,
  from: number,
  to: number,
): CorosyncDiagnostic {
  return { severity, code, message, file, range: { start: offset + from, end: offset + to }, line: lineNumber, column: from + 1 };
}

/**
 * Findings of one read, through core's `DiagnosticCollector`. A finding is
 * built only while its code is still kept: past `keepPerCode` it is only
 * counted, so a file with a warning on each of its 3 million lines costs
 * 3 million counts, not 3 million objects.
 */
export class FindingSink {
  readonly file: string | undefined;
  /** Findings kept of one code; past them, findings are only counted. */
  readonly keepPerCode: number;
  readonly #collector: DiagnosticCollector<CorosyncCode>;
  readonly #counts = new Map<CorosyncCode, number>();
  readonly #standIns = new Map<string, CorosyncDiagnostic>();

  constructor(file: string | undefined, keepPerCode: number | undefined) {
    this.file = file;
    this.#collector = new DiagnosticCollector<CorosyncCode>({ keepPerCode });
    this.keepPerCode = keepPerCode ?? DEFAULT_KEEP_PER_CODE;
  }

  /** Whether a finding of `code` would still be kept; when not, `add` only counts it. */
  keeps(code: CorosyncCode): boolean {
    return (this.#counts.get(code) ?? 0) < this.keepPerCode;
  }

  add(code: CorosyncCode, severity: Severity, message: string, offset: number, lineNumber: number, from: number, to: number): void {
    const count = (this.#counts.get(code) ?? 0) + 1;
    this.#counts.set(code, count);
    // The collector only counts a finding past its kept ones: one shared stand-in per code will do.
    this.#collector.push(count > this.keepPerCode ? this.#standIn(code, severity) : diagnosticAt(code, severity, message, this.file, offset, lineNumber, from, to));
  }

  /** Counts `times` more findings of `code` past its kept ones (they are not built). */
  count(code: CorosyncCode, severity: Severity, times: number): void {
    for (let i = 0; i < times; i++) this.add(code, severity, '', 0, 1, 0, 0);
  }

  /** The kept findings in the order added, each folded code followed by its "and N more like it". */
  diagnostics(): CorosyncDiagnostic[] {
    return this.#collector.diagnostics();
  }

  #standIn(code: CorosyncCode, severity: Severity): CorosyncDiagnostic {
    const key = `${severity} ${code}`;
    let standIn = this.#standIns.get(key);
    if (!standIn) {
      standIn = diagnosticAt(code, severity, '', this.file, 0, 1, 0, 0);
      this.#standIns.set(key, standIn);
    }
    return standIn;
  }
}
