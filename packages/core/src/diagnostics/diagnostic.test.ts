import { describe, expect, it } from 'vitest';
import { ParseError } from '../errors/ha-error.js';
import { LineCounter } from '../text/line-counter.js';
import { createDiagnostic, formatDiagnostic, hasErrors, prettifyDiagnostic, throwOnErrors } from './diagnostic.js';

const text = 'global\n\tmaxconn abc\n';
const lines = new LineCounter(text);
const diagnostic = createDiagnostic(lines, {
  code: 'BAD_NUMBER',
  message: "'abc' is not a number",
  file: '/etc/haproxy/haproxy.cfg',
  range: { start: 16, end: 19 },
});

describe('diagnostics', () => {
  it('derives line and column from the offset', () => {
    expect(diagnostic).toMatchObject({ line: 2, column: 10, severity: 'error' });
  });

  it('formats as file:line:column on one line', () => {
    expect(formatDiagnostic(diagnostic)).toBe("/etc/haproxy/haproxy.cfg:2:10: error BAD_NUMBER: 'abc' is not a number");
  });

  it('puts a caret under the problem, keeping tabs aligned', () => {
    expect(prettifyDiagnostic(diagnostic, text)).toBe(
      "/etc/haproxy/haproxy.cfg:2:10: error BAD_NUMBER: 'abc' is not a number\n  \tmaxconn abc\n  \t        ^^^",
    );
  });

  it('throws the first error as a ParseError naming file, line and column', () => {
    const warning = { ...diagnostic, severity: 'warning' as const, code: 'UNKNOWN_KEY' };
    expect(hasErrors([warning])).toBe(false);
    expect(() => throwOnErrors([warning])).not.toThrow();
    try {
      throwOnErrors([warning, diagnostic]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ParseError);
      expect(error).toMatchObject({
        code: 'PARSE_ERROR',
        reason: 'BAD_NUMBER',
        file: '/etc/haproxy/haproxy.cfg',
        line: 2,
        column: 10,
      });
      expect((error as Error).message).toBe("/etc/haproxy/haproxy.cfg:2:10: 'abc' is not a number");
    }
  });
});
