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
