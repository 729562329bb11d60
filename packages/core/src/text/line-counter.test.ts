import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineCounter } from './line-counter.js';

describe('LineCounter', () => {
  it('gives 1-based lines and columns for LF, CRLF and lone CR line ends', () => {
    const lines = new LineCounter('ab\ncd\r\nef\rgh');
    expect(lines.linePosition(0)).toEqual({ line: 1, column: 1 });
    expect(lines.linePosition(3)).toEqual({ line: 2, column: 1 });
    expect(lines.linePosition(5)).toEqual({ line: 2, column: 3 });
    expect(lines.linePosition(7)).toEqual({ line: 3, column: 1 });
    expect(lines.linePosition(10)).toEqual({ line: 4, column: 1 });
    expect(lines.lineCount).toBe(4);
  });

  it('clamps offsets outside the text', () => {
    const lines = new LineCounter('x\ny');
    expect(lines.linePosition(-5)).toEqual({ line: 1, column: 1 });
    expect(lines.linePosition(99)).toEqual({ line: 2, column: 2 });
  });

  it('maps every offset to a position and back (property)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', ' ', '\n', '\r', '\t', 'é', '#') });
    fc.assert(
      fc.property(text, fc.nat(), (source, seed) => {
        const lines = new LineCounter(source);
        const offset = source.length === 0 ? 0 : seed % (source.length + 1);
        const position = lines.linePosition(offset);
        expect(lines.offsetOf(position)).toBe(offset);
        expect(position.line).toBeLessThanOrEqual(lines.lineCount);
      }),
    );
  });
});

describe('LineCounter scans lazily and agrees with a full scan', () => {
  const naive = (text: string, lfOnly: boolean) => {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '\n' || (!lfOnly && text[i] === '\r' && text[i + 1] !== '\n')) starts.push(i + 1);
    }
    return starts;
  };

  it('gives every offset the line and column of a full scan, asked in any order, for both kinds of line break', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', '\n', '\r', ' '), maxLength: 60 }),
        fc.array(fc.nat({ max: 70 })),
        fc.boolean(),
        (text, offsets, lfOnly) => {
          const starts = naive(text, lfOnly);
          const lines = new LineCounter(text, lfOnly ? { breaks: 'lf' } : {});
          for (const offset of offsets) {
            const target = Math.min(offset, text.length);
            let line = 0;
            while (line + 1 < starts.length && (starts[line + 1] as number) <= target) line++;
            expect(lines.linePosition(offset)).toEqual({
              line: line + 1,
              column: target - (starts[line] as number) + 1,
            });
          }
          expect(lines.lineStarts).toEqual(starts);
          expect(
            new LineCounter(text, lfOnly ? { breaks: 'lf' } : {}).offsetOf({ line: starts.length, column: 1 }),
          ).toBe(starts.at(-1));
        },
      ),
    );
  });

  it('scans only as far as asked: positions near the top of a large text cost a small part of a full scan', () => {
    const text = 'x\n'.repeat(5_000_000);
    const cpu = (work: () => unknown) => {
      const before = process.cpuUsage();
      work();
      const used = process.cpuUsage(before);
      return used.user + used.system;
    };
    const top = new LineCounter(text);
    const near = cpu(() => {
      for (let i = 0; i < 1000; i++) top.linePosition(i);
    });
    const full = cpu(() => new LineCounter(text).lineCount);
    // A counter that scanned the whole text first would cost at least a full scan here.
    expect(near, `${near} µs near the top, ${full} µs for a full scan`).toBeLessThan(full / 10);
    expect(top.linePosition(text.length - 1)).toEqual({ line: 5_000_000, column: 2 });
  });
});
