import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineCounter, type ParseError } from '@ha/core';
import { fillToSize } from '@ha/core/testing';
import { corpusFiles } from '../../test/corpus.js';
import { serialize } from '../print/serialize.js';
import { allLines, CstLine, parse, safeParse } from './cst.js';
import { lexLine, lexLineIn, lexValues, lexValuesIn } from './lexer.js';

describe('lossless round trip', () => {
  it(`prints all ${corpusFiles.length} corpus files back byte for byte`, () => {
    expect(corpusFiles.length).toBe(309);
    for (const { name, text } of corpusFiles)
      expect(serialize(safeParse(text, { file: name }).document), name).toBe(text);
  });

  it('keeps CRLF endings, a missing final newline, tabs, trailing blanks and comments everywhere', () => {
    const text =
      'global\r\n\tmaxconn 100   # limit\r\n  \r\n# top comment\r\nbackend b\t# trailing\r\n    server s1 10.0.0.1:80 check\t';
    const document = parse(text);
    expect(serialize(document)).toBe(text);
    expect(document.eol).toBe('\r\n');
    expect(document.sections.map((section) => `${section.kind}:${section.name ?? ''}`)).toEqual([
      'global:',
      'backend:b',
    ]);
    expect(document.sections[1]?.lines[0]?.values).toEqual(['server', 's1', '10.0.0.1:80', 'check']);
  });

  it('reads every section kind, named defaults and from', () => {
    const kinds = [
      'global',
      'defaults base',
      'defaults strict from base',
      'frontend fe from base',
      'backend be',
      'listen li',
      'peers p',
      'resolvers dns',
      'userlist users',
      'mailers m',
      'program api',
      'http-errors errs',
      'ring r',
      'cache c',
      'fcgi-app php',
      'log-forward lf',
      'crt-store certs',
      'traces',
    ];
    const document = parse(kinds.join('\n') + '\n');
    expect(document.sections.map((section) => [section.kind, section.name, section.from])).toEqual([
      ['global', undefined, undefined],
      ['defaults', 'base', undefined],
      ['defaults', 'strict', 'base'],
      ['frontend', 'fe', 'base'],
      ['backend', 'be', undefined],
      ['listen', 'li', undefined],
      ['peers', 'p', undefined],
      ['resolvers', 'dns', undefined],
      ['userlist', 'users', undefined],
      ['mailers', 'm', undefined],
      ['program', 'api', undefined],
      ['http-errors', 'errs', undefined],
      ['ring', 'r', undefined],
      ['cache', 'c', undefined],
      ['fcgi-app', 'php', undefined],
      ['log-forward', 'lf', undefined],
      ['crt-store', 'certs', undefined],
      ['traces', undefined, undefined],
    ]);
    expect(document.sections.every((section) => section.known)).toBe(true);
  });

  it('keeps a section it does not know, with a warning, and accepts declared ones', () => {
    const text = 'frontend fe\n    bind :80\n\nquantum-tunnel qt\n    entangle yes\n';
    const { document, diagnostics } = safeParse(text);
    expect(document.sections.map((section) => `${section.kind}:${section.known}`)).toEqual([
      'frontend:true',
      'quantum-tunnel:false',
    ]);
    expect(diagnostics).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_SECTION', severity: 'warning', line: 4, column: 1 }),
    ]);
    expect(serialize(document)).toBe(text);
    expect(safeParse(text, { sections: ['quantum-tunnel'] }).diagnostics).toEqual([]);
  });

  it('keeps conditional blocks and messages, and knows which lines they guard', () => {
    const text =
      '.if defined(LOCAL)\nglobal\n    .notice "local build"\n    maxconn 10\n.elif streq("$ENV",prod)\n    maxconn 100\n.else\n    maxconn 1\n.endif\n';
    const document = parse(text);
    expect(serialize(document)).toBe(text);
    const lines = document.sections[0]?.lines ?? [];
    expect(lines.map((line) => [line.kind, line.values[0], line.conditions])).toEqual([
      ['message', '.notice', ['defined(LOCAL)']],
      ['directive', 'maxconn', ['defined(LOCAL)']],
      ['conditional', '.elif', ['defined(LOCAL)']],
      ['directive', 'maxconn', ['streq("$ENV",prod)']],
      ['conditional', '.else', ['streq("$ENV",prod)']],
      ['directive', 'maxconn', ['!(streq("$ENV",prod))']],
      ['conditional', '.endif', ['!(streq("$ENV",prod))']],
    ]);
  });

  it('reads words as HAProxy does: quotes, escapes, comments, inline ACL braces', () => {
    const document = parse(
      'frontend fe\n    http-request set-header X-Msg "hello world \\"x\\"" if { path_beg /a\\ b } # route\n    acl odd path \'#not a comment\' a\\#b\n',
    );
    const [rule, acl] = document.sections[0]?.lines ?? [];
    expect(rule?.values).toEqual([
      'http-request',
      'set-header',
      'X-Msg',
      'hello world "x"',
      'if',
      '{',
      'path_beg',
      '/a b',
      '}',
    ]);
    expect(rule?.commentStart).toBe(rule?.text.indexOf('# route'));
    expect(acl?.values).toEqual(['acl', 'odd', 'path', '#not a comment', 'a#b']);
  });
});

describe('syntax errors: typed, with file, line and column', () => {
  const error = (text: string) => {
    try {
      parse(text, { file: 'haproxy.cfg' });
    } catch (caught) {
      return caught as ParseError;
    }
    throw new Error('no error');
  };

  it('an unterminated quote', () => {
    expect(error('global\n    log "127.0.0.1 local0\n')).toMatchObject({
      reason: 'UNTERMINATED_QUOTE',
      file: 'haproxy.cfg',
      line: 2,
      column: 9,
    });
  });

  it('a directive before any section', () => {
    expect(error('# hi\nmaxconn 100\nglobal\n')).toMatchObject({
      reason: 'DIRECTIVE_OUTSIDE_SECTION',
      line: 2,
      column: 1,
    });
  });

  it('.if without .endif, and .endif without .if', () => {
    expect(error('.if defined(X)\nglobal\n')).toMatchObject({ reason: 'UNTERMINATED_CONDITIONAL', line: 1, column: 1 });
    expect(error('global\n  .endif\n')).toMatchObject({ reason: 'UNMATCHED_CONDITIONAL', line: 2, column: 3 });
  });

  it('binary junk: a NUL byte', () => {
    expect(error('global\n    maxconn 1\0\n')).toMatchObject({ reason: 'BINARY_CONTENT', line: 2, column: 14 });
  });

  // Its time against smaller ones is measured in test/size.test.ts.
  it('a 50 MB file parses and prints back', () => {
    const line = '    server s 10.0.0.1:80 check inter 2s fall 3 rise 2 weight 10\n';
    const big = fillToSize(50_000_000, () => line, 'backend b\n');
    const { document } = safeParse(big);
    expect(document.sections[0]?.lines.length).toBeGreaterThan(700_000);
    expect(serialize(document).length).toBe(big.length);
  }, 60_000);
});

describe('positions are offsets', () => {
  it('every line keeps only its offset into the text parsed; line and column come from a line counter', () => {
    const text = 'global\r\n    maxconn 1\n\n# c\nbackend b\n    server s 10.0.0.1:80\n';
    const { document } = safeParse(text);
    const lines = new LineCounter(document.source);
    expect(document.source).toBe(text);
    expect(
      [...allLines(document)].map((line) => [
        lines.linePosition(line.offset).line,
        text.slice(line.offset, line.offset + line.text.length),
      ]),
    ).toEqual([
      [1, 'global'],
      [2, '    maxconn 1'],
      [3, ''],
      [4, '# c'],
      [5, 'backend b'],
      [6, '    server s 10.0.0.1:80'],
    ]);
    expect(Object.keys(document.sections[0]?.lines[0] ?? {})).not.toContain('line');
  });

  it('counts lines as HAProxy does: a lone carriage return is a blank within a line, not a line break', () => {
    expect(() => parse('global\n    # a\rb\n    log "x\n')).toThrow(
      expect.objectContaining({ reason: 'UNTERMINATED_QUOTE', line: 3, column: 9 }),
    );
  });
});

describe('one tokeniser', () => {
  const lineText = fc
    .array(
      fc.oneof(
        fc.constantFrom(' ', '\t', '\r', '#', '"', "'", '\\', '$', '{', '}', 'a', 'bc', '\0'),
        fc.string({ maxLength: 4 }),
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join(''));

  it('lexValues is lexLine without the places; a first-word lex reads the same first word (property)', () => {
    fc.assert(
      fc.property(lineText, (text) => {
        const lexed = lexLine(text);
        expect(lexValues(text)).toEqual(lexed.words.map((word) => word.value));
        expect(lexLine(text, 1).words).toEqual(lexed.words.slice(0, 1));
      }),
      { numRuns: 1000 },
    );
  });

  it('lexing a line inside a longer text is lexing the line alone: places relative to its start (property)', () => {
    fc.assert(
      fc.property(lineText, lineText, lineText, (before, line, after) => {
        const text = `${before}${line}${after}`;
        const from = before.length;
        const to = from + line.length;
        expect(lexLineIn(text, from, to)).toEqual(lexLine(line));
        expect(lexValuesIn(text, from, to)).toEqual(lexValues(line));
      }),
      { numRuns: 1000 },
    );
  });

  it("the parser's lines read the same words, values, comments and line numbers as lexing each line alone (property)", () => {
    const lines = fc.array(
      fc.oneof(
        lineText,
        fc.constantFrom('backend be', '    server s1 10.0.0.1:80 check', 'frontend fe', '.if defined(X)', '.endif'),
      ),
      { maxLength: 10 },
    );
    fc.assert(
      fc.property(lines, fc.constantFrom('\n', '\r\n'), (list, eol) => {
        const text = list.join(eol);
        const { document } = safeParse(text);
        const counter = new LineCounter(text, { breaks: 'lf' });
        for (const line of allLines(document)) {
          const alone = lexLine(line.text);
          expect(line.words).toEqual(alone.words);
          expect(line.commentStart).toBe(alone.commentStart);
          expect(line.peekValues()).toEqual(alone.words.map((word) => word.value));
          expect(CstLine.lineNumber(line)).toBe(counter.linePosition(line.offset).line);
          expect(text.slice(line.offset, line.offset + line.text.length)).toBe(line.text);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('lines with a comment', () => {
  it('read their first word, conditions and findings as without it', () => {
    for (const text of ['.endif', '.else', '.if', '.if defined(X)', "    '.if'", '    maxconn 5']) {
      const plain = safeParse(`${text}\nglobal\n`);
      const commented = safeParse(`${text} # note\nglobal\n`);
      const strip = (diagnostics: readonly { message: string }[]) =>
        diagnostics.map((diagnostic) => ({ ...diagnostic, message: '' }));
      expect(strip(commented.diagnostics), text).toEqual(strip(plain.diagnostics));
      expect(commented.document.sections[0]?.header.conditions, text).toEqual(
        plain.document.sections[0]?.header.conditions,
      );
    }
  });
});

describe('plain lines', () => {
  // The parser reads a line without quotes, escapes, a comment or a NUL from its first word alone (the short way);
  // the same line with a comment goes through the lexer. Both must make the same document.
  const indent = fc.constantFrom('', ' ', '    ', '\t', '  \t', ' \r ', '        ');
  const firstWord = fc.constantFrom(
    'backend be',
    'frontend fe',
    'global',
    'defaults',
    'userlist u',
    'server s1 10.0.0.1:80',
    'maxconn 5',
    'bind :80',
    '.if defined(X)',
    '.else',
    '.endif',
    '.notice hi',
    'zzz',
    'backendx',
    'b',
  );
  const rest = fc.array(fc.constantFrom('check', 'inter 2s', 'a', 'x\ty', 'x\ry', ''), { maxLength: 3 });
  const line = fc.oneof(
    fc
      .tuple(indent, firstWord, rest, fc.constantFrom('', ' ', '\t', '\r'))
      .map(([before, first, words, after]) => `${before}${[first, ...words].join(' ')}${after}`),
    indent,
  );
  it('make the document the same lines with a comment make (property)', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 14 }), fc.constantFrom('\n', '\r\n'), (lines, eol) => {
        const plain = safeParse(lines.join(eol));
        // Before a CR that ends the line: with the line feed after it, it is the line's ending.
        const comment = (text: string) => text.replace(/\r?$/, (cr) => ` #c${cr}`);
        const commented = safeParse(lines.map((text) => (text.trim() === '' ? text : comment(text))).join(eol));
        const shape = ({ document, diagnostics }: ReturnType<typeof safeParse>) => ({
          lines: [...allLines(document)].map((each) => [each.kind, each.conditions, each.peekValues()]),
          sections: document.sections.map(({ kind, known, name, from, lines }) => [
            kind,
            known,
            name,
            from,
            lines.length,
          ]),
          preamble: document.preamble.length,
          eol: document.eol,
          indentUnit: document.indentUnit,
          diagnostics: diagnostics.map(({ code, severity, line, column }) => [code, severity, line, column]),
        });
        expect(shape(commented)).toEqual(shape(plain));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('serialize after edits', () => {
  // What serialize printed before it copied unchanged runs of lines as one slice: every line's text and ending.
  const naive = (document: ReturnType<typeof parse>) => {
    let out = '';
    let previous: CstLine | undefined;
    for (const line of allLines(document)) {
      if (previous && previous.eol === '') out += document.eol;
      out += line.text + line.eol;
      previous = line;
    }
    return out;
  };
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('text'), at: fc.nat(), text: fc.constantFrom('    maxconn 5', '', '# new') }),
    fc.record({ kind: fc.constant('eol'), at: fc.nat(), eol: fc.constantFrom('\n', '\r\n', '') }),
    fc.record({ kind: fc.constant('offset'), at: fc.nat() }),
    fc.record({ kind: fc.constant('remove'), at: fc.nat() }),
    fc.record({ kind: fc.constant('move'), at: fc.nat(), to: fc.nat() }),
    fc.record({ kind: fc.constant('insert'), at: fc.nat() }),
  );
  it('prints every line as it is now, whatever was changed, moved, removed or added (property)', () => {
    const text =
      'global\n    maxconn 10\n\nbackend be\n    server s1 10.0.0.1:80\r\n    server s2 10.0.0.2:80 # x\n# end';
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 6 }), (edits) => {
        const document = parse(text);
        const lines = (document.sections[1] as NonNullable<(typeof document.sections)[number]>).lines;
        for (const change of edits) {
          if (lines.length === 0) break;
          const line = lines[change.at % lines.length] as CstLine;
          if (change.kind === 'text') line.text = change.text;
          else if (change.kind === 'eol') line.eol = change.eol;
          else if (change.kind === 'offset') line.offset = -1;
          else if (change.kind === 'remove') lines.splice(change.at % lines.length, 1);
          else if (change.kind === 'move')
            lines.splice(change.to % lines.length, 0, ...lines.splice(change.at % lines.length, 1));
          else lines.splice(change.at % lines.length, 0, new CstLine('    added', '\n', -1, 'directive'));
        }
        expect(serialize(document)).toBe(naive(document));
      }),
      { numRuns: 500 },
    );
  });

  it('a document no edit changed prints as its source, the same string', () => {
    const text = 'global\n    maxconn 10\n';
    expect(serialize(parse(text))).toBe(text);
  });
});

describe('generated configurations round-trip (property)', () => {
  const word = fc.oneof(
    fc.stringMatching(/^[a-z0-9_.:/-]{1,10}$/),
    fc.string({ maxLength: 8 }).map((text) => `"${text.replace(/["\\]/g, '')}"`),
    fc.constant("'single q'"),
    fc.constant('a\\ b'),
  );
  const directive = fc
    .tuple(
      fc.constantFrom('    ', '\t', '  '),
      fc.array(word, { minLength: 1, maxLength: 5 }),
      fc.option(fc.constant(' # note')),
    )
    .map(([indent, words, comment]) => `${indent}${words.join(' ')}${comment ?? ''}`);
  const section = fc
    .tuple(
      fc.constantFrom('global', 'defaults', 'frontend fe', 'backend be', 'listen l', 'userlist u'),
      fc.array(fc.oneof(directive, fc.constant(''), fc.constant('# comment')), { maxLength: 6 }),
    )
    .map(([header, lines]) => [header, ...lines].join('\n'));
  it('serialize(parse(x)) === x for any mix of sections, words, quotes, comments and line endings', () => {
    fc.assert(
      fc.property(
        fc.array(section, { minLength: 1, maxLength: 5 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        (sections, eol, finalEol) => {
          const text = sections.join(eol).split('\n').join(eol) + (finalEol ? eol : '');
          const { document } = safeParse(text);
          expect(serialize(document)).toBe(text);
          expect(document.sections.length).toBe(sections.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
