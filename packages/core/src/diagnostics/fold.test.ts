import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from './diagnostic.js';
import { DiagnosticCollector, foldDiagnostics } from './fold.js';

function finding(code: string, line: number): Diagnostic {
  return {
    code,
    severity: 'warning',
    message: `${code} at ${line}`,
    range: { start: line, end: line + 1 },
    line,
    column: 1,
  };
}

describe('folding repeated findings', () => {
  it('keeps the first of each code and says how many more', () => {
    const collector = new DiagnosticCollector({ keepPerCode: 2 });
    for (let line = 1; line <= 5; line++) collector.push(finding('A', line));
    collector.push(finding('B', 6));
    expect(collector.total).toBe(6);
    expect(collector.diagnostics().map((d) => d.message)).toEqual([
      'A at 1',
      'A at 2',
      'and 3 more like it (A)',
      'B at 6',
    ]);
    expect(collector.diagnostics()[2]).toMatchObject({ code: 'A', folded: 3, line: 2 });
  });

  it('holds bounded memory for millions of findings', () => {
    const collector = new DiagnosticCollector();
    for (let line = 1; line <= 3_280_000; line++) collector.push(finding('REPEATED', line));
    const shown = collector.diagnostics();
    expect(shown).toHaveLength(11);
    expect(shown.at(-1)?.message).toBe('and 3,279,990 more like it (REPEATED)');
  });

  it('knows an error among folded warnings', () => {
    const collector = new DiagnosticCollector({ keepPerCode: 1 });
    collector.push(finding('W', 1));
    collector.push({ ...finding('E', 2), severity: 'error' });
    expect(collector.hasErrors).toBe(true);
  });

  it('never folds a list with at most keepPerCode of each code, and is idempotent', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('A', 'B', 'C'), { maxLength: 60 }), (codes) => {
        const list = codes.map((code, index) => finding(code, index + 1));
        const folded = foldDiagnostics(list, { keepPerCode: 3 });
        for (const code of ['A', 'B', 'C']) {
          const count = codes.filter((c) => c === code).length;
          const shown = folded.filter((d) => d.code === code);
          expect(shown.length).toBe(Math.min(count, 3) + (count > 3 ? 1 : 0));
          if (count > 3) expect(shown.at(-1)?.folded).toBe(count - 3);
        }
        expect(foldDiagnostics(folded, { keepPerCode: 3 })).toEqual(folded);
      }),
    );
  });

  it('never folds an error away among warnings of its code, and counts findings it was spared building', () => {
    const collector = new DiagnosticCollector({ keepPerCode: 1 });
    collector.push(finding('X', 1));
    collector.push(finding('X', 2));
    collector.push({ ...finding('X', 3), severity: 'error' });
    expect(collector.diagnostics().map((d) => `${d.severity} ${d.message}`)).toEqual([
      'warning X at 1',
      'warning and 1 more like it (X)',
      'error X at 3',
    ]);
    expect(collector.keeps('X', 'warning')).toBe(false);
    expect(collector.keeps('Y', 'warning')).toBe(true);
    collector.count('X', 'warning', 1000);
    expect(collector.total).toBe(1003);
    expect(collector.diagnostics()[1]?.message).toBe('and 1,001 more like it (X)');
    expect(() => collector.count('Y', 'warning')).toThrow(RangeError);
    const errors = new DiagnosticCollector({ keepPerCode: 1 });
    errors.push({ ...finding('E', 1), severity: 'error' });
    errors.count('E', 'error', 5);
    expect(errors.hasErrors).toBe(true);
  });

  it('refuses a nonsensical keepPerCode', () => {
    expect(() => new DiagnosticCollector({ keepPerCode: 0 })).toThrow(TypeError);
  });
});

describe('DiagnosticCollector.report', () => {
  it('places kept findings by offset, builds no position for folded ones, and calls a lazy message only when kept', () => {
    const text = 'a\nbb\nccc\n';
    const collector = new DiagnosticCollector<'X'>({ text, file: 'f.conf', keepPerCode: 2 });
    let built = 0;
    const message = () => `message ${++built}`;
    collector.report('X', message, { start: 2, end: 4 });
    collector.report('X', message, { start: 6, end: 7 }, 'error');
    collector.report('X', message, { start: 8, end: 9 });
    expect(built).toBe(2);
    expect(
      collector.diagnostics().map(({ line, column, message: words, folded }) => ({ line, column, words, folded })),
    ).toEqual([
      { line: 2, column: 1, words: 'message 1', folded: undefined },
      { line: 3, column: 2, words: 'message 2', folded: undefined },
      { line: 3, column: 2, words: 'and 1 more like it (X)', folded: 1 },
    ]);
    expect(collector.hasErrors).toBe(true);
  });

  it('needs the text to place a finding', () => {
    expect(() => new DiagnosticCollector().report('X', 'm', { start: 0, end: 0 })).toThrow(TypeError);
  });
});
