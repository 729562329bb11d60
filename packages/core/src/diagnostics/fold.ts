import type { Diagnostic } from './diagnostic.js';

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
  readonly #counts = new Map<Code, number>();
  readonly #lastKept = new Map<Code, Diagnostic<Code>>();

  constructor(options: { keepPerCode?: number | undefined } = {}) {
    const keep = options.keepPerCode ?? DEFAULT_KEEP_PER_CODE;
    if (!Number.isSafeInteger(keep) || keep < 1) throw new TypeError(`keepPerCode must be a whole number ≥ 1, not ${String(keep)}`);
    this.#keepPerCode = keep;
  }

  /** Adds one finding (kept, or counted when its code already has `keepPerCode`). */
  push(diagnostic: Diagnostic<Code>): void {
    const count = (this.#counts.get(diagnostic.code) ?? 0) + 1;
    this.#counts.set(diagnostic.code, count);
    if (count <= this.#keepPerCode) {
      this.#kept.push(diagnostic);
      this.#lastKept.set(diagnostic.code, diagnostic);
    }
  }

  /** How many findings were pushed in all, folded ones included. */
  get total(): number {
    let total = 0;
    for (const count of this.#counts.values()) total += count;
    return total;
  }

  /** True when any pushed finding (kept or folded) is an error. */
  get hasErrors(): boolean {
    return this.#kept.some((diagnostic) => diagnostic.severity === 'error');
  }

  /** The kept findings in the order pushed, each folded code followed by its "and N more like it". */
  diagnostics(): Diagnostic<Code>[] {
    const result: Diagnostic<Code>[] = [];
    for (const diagnostic of this.#kept) {
      result.push(diagnostic);
      const count = this.#counts.get(diagnostic.code) ?? 0;
      if (count > this.#keepPerCode && this.#lastKept.get(diagnostic.code) === diagnostic) {
        result.push(foldedDiagnostic(diagnostic, count - this.#keepPerCode));
      }
    }
    return result;
  }
}

/** Folds a finished list the way `DiagnosticCollector` folds as it goes. */
export function foldDiagnostics<Code extends string>(diagnostics: readonly Diagnostic<Code>[], options: { keepPerCode?: number | undefined } = {}): Diagnostic<Code>[] {
  // Already folded findings are passed through as they are.
  if (diagnostics.some((diagnostic) => diagnostic.folded !== undefined)) return [...diagnostics];
  const collector = new DiagnosticCollector<Code>(options);
  for (const diagnostic of diagnostics) collector.push(diagnostic);
  return collector.diagnostics();
}

function foldedDiagnostic<Code extends string>(last: Diagnostic<Code>, more: number): Diagnostic<Code> {
  return {
    ...last,
    message: `and ${more.toLocaleString('en-US')} more like it (${last.code})`,
    folded: more,
  };
}
