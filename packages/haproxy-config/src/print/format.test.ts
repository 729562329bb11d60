import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corpusFiles } from '../../test/corpus.js';
import { toConfig } from '../model/config.js';
import { parse, safeParse } from '../parse/cst.js';
import { encodeWord, lexLine } from '../parse/lexer.js';
import { format } from './format.js';

describe('format', () => {
  it('lays a file out canonically, keeping every comment and word as written', () => {
    const messy =
      '# top\n\n\nglobal   # g\n  maxconn    100\n\t\tlog "127.0.0.1:514"   local0  \n' +
      'backend  be\n# inside\n      server s1 10.0.0.1:80    check   # first\n\n\n\n';
    expect(format(parse(messy))).toBe(
      '# top\n\nglobal  # g\n    maxconn 100\n    log "127.0.0.1:514" local0\n\nbackend be\n    # inside\n    server s1 10.0.0.1:80 check  # first\n',
    );
  });

  it('is idempotent, and changes no meaning, on the whole corpus', () => {
    for (const { name, text } of corpusFiles) {
      const { document, diagnostics } = safeParse(text, { file: name });
      if (diagnostics.some((finding) => finding.severity === 'error')) continue;
      const once = format(document);
      expect(format(safeParse(once).document), name).toBe(once);
      expect(
        JSON.stringify(toConfig(safeParse(once, { file: name }).document), (key, value) =>
          key === 'line' ? undefined : value,
        ),
        name,
      ).toBe(JSON.stringify(toConfig(document), (key, value) => (key === 'line' ? undefined : value)));
    }
  });

  it('keeps the line ending of the file', () => {
    expect(format(parse('global\r\n maxconn 1\r\n'))).toBe('global\r\n    maxconn 1\r\n');
  });
});

describe('words', () => {
  it('any value, encoded, lexes back to itself (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }).filter((value) => !value.includes('\0') && !value.includes('\r')),
        (value) => {
          const { words, commentStart, unterminatedQuote } = lexLine(`    ${encodeWord(value)}`);
          expect(unterminatedQuote).toBe(-1);
          expect(commentStart).toBe(-1);
          expect(words.map((word) => word.value)).toEqual([value]);
        },
      ),
      { numRuns: 500 },
    );
  });
});
