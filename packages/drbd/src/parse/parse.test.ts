import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineCounter, ParseError } from '@ha/core';
import { corpusFiles } from '../../test/fixtures.js';
import { serialize } from '../print/serialize.js';
import { parse, safeParse, wordsOf, type CstNode, type CstToken } from './cst.js';

describe('drbd.conf, losslessly', () => {
  it(`prints all ${corpusFiles.length} corpus files back byte for byte, without a diagnostic`, () => {
    expect(corpusFiles.length).toBe(46);
    for (const { name, text } of corpusFiles) {
      const { document, diagnostics } = safeParse(text, { file: name });
      expect(serialize(document), name).toBe(text);
      expect(diagnostics, name).toEqual([]);
    }
  });

  it('reads statements, nested sections, quoted strings, comments and skip blocks', () => {
    const text =
      '# top\nglobal { usage-count no; } # trailing\nresource "r 0" {\n' +
      '  net { shared-secret "a \\"b\\" c"; } # net\n  skip { anything { at all } ;; }\n' +
      '  on node1 { address ipv4 10.0.0.1:7789; }\n}\n';
    const document = parse(text);
    expect(serialize(document)).toBe(text);
    const [global, resource] = document.children;
    expect(global?.type === 'block' && wordsOf(global.children[0]!)).toEqual(['usage-count', 'no']);
    expect(resource?.words[1]?.value).toBe('r 0');
    const blocks = resource?.type === 'block' ? resource.children : [];
    expect(blocks.map((node) => wordsOf(node).join(' '))).toEqual(['net', 'skip', 'on node1']);
    const net = blocks[0];
    expect(net?.type === 'block' && wordsOf(net.children[0]!)).toEqual(['shared-secret', 'a "b" c']);
    expect(blocks[1]?.type === 'block' && blocks[1].skipped).toBe(' anything { at all } ;; ');
  });

  it('keeps CRLF files, tabs and a file without a final newline', () => {
    const text = 'resource r0 {\r\n\tprotocol C;\r\n\ton a { address 10.0.0.1:7789; }\r\n}';
    expect(serialize(parse(text))).toBe(text);
  });
});

describe('syntax errors, with file, line and column', () => {
  const first = (text: string) => safeParse(text, { file: 'r0.res' }).diagnostics[0];

  it('a missing final brace, which drbdadm itself would accept', () => {
    expect(first('resource r0 {\n  on a {\n    address 10.0.0.1:7789;\n  }\n')).toMatchObject({
      code: 'MISSING_CLOSE_BRACE',
      file: 'r0.res',
      line: 1,
      column: 1,
    });
  });

  it('a missing semicolon, an extra brace, an unterminated quote, binary junk', () => {
    // drbdadm says the same: "r1.res:3: Parse error: ';' expected, but got '}'"; the resource is then left open too.
    expect(
      safeParse('resource r1 {\n  on a { address 1.2.3.4:7789 \n}\n', { file: 'r1.res' }).diagnostics.map(
        (finding) => `${finding.line}:${finding.column} ${finding.code}`,
      ),
    ).toEqual(['1:1 MISSING_CLOSE_BRACE', '3:1 MISSING_SEMICOLON']);
    expect(first('global { }\n}\n')).toMatchObject({ code: 'UNEXPECTED_CLOSE_BRACE', line: 2, column: 1 });
    const unterminated = safeParse('resource r0 {\n  net { shared-secret "abc; }\n}\n').diagnostics.find(
      (finding) => finding.code === 'UNTERMINATED_QUOTE',
    );
    expect(unterminated).toMatchObject({ line: 2, column: 23 });
    expect(first('resource r0 { disk /dev/x\0y; }')).toMatchObject({ code: 'BINARY_CONTENT' });
    expect(() => parse('{ }', { file: 'x.res' })).toThrow(ParseError);
  });

  it('random damage to real files only ever gives diagnostics or a ParseError (property)', () => {
    const samples = corpusFiles.filter((file) => file.name.endsWith('.res') || file.name.endsWith('.conf'));
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.nat(),
        fc.nat(30),
        fc.constantFrom('{', '}', ';', '"', '#', ' ', 'x', '\n', ''),
        (file, at, cut, insert) => {
          const position = at % Math.max(1, file.text.length);
          const damaged = file.text.slice(0, position) + insert + file.text.slice(position + cut);
          expect(serialize(safeParse(damaged).document)).toBe(damaged);
          try {
            parse(damaged);
          } catch (error) {
            expect(error).toBeInstanceOf(ParseError);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('generated files round-trip (property)', () => {
    const word = fc.oneof(
      fc.stringMatching(/^[a-z0-9_./:-]{1,8}$/),
      fc.string({ maxLength: 6 }).map((text) => `"${text.replace(/["\\\n]/g, '')}"`),
    );
    const statement = fc.array(word, { minLength: 1, maxLength: 4 }).map((words) => `${words.join(' ')};`);
    const block: fc.Arbitrary<string> = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, statement, tie('block')),
      block: fc
        .tuple(
          fc.array(word, { minLength: 1, maxLength: 2 }),
          fc.array(tie('node'), { maxLength: 3 }),
          fc.constantFrom('\n', ' ', '\n\t', ' # c\n'),
        )
        .map(([head, body, gap]) => `${head.join(' ')} {${gap}${body.join(gap)}${gap}}`),
    })).block as fc.Arbitrary<string>;
    fc.assert(
      fc.property(fc.array(block, { maxLength: 3 }), (blocks) => {
        const text = `${blocks.join('\n')}\n`;
        const { document, diagnostics } = safeParse(text);
        expect(serialize(document)).toBe(text);
        expect(diagnostics.filter((finding) => finding.severity === 'error')).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('positions', () => {
  it('every token is at its offset, and every finding has the line and column LineCounter gives its offset, whatever the line endings (property)', () => {
    const piece = fc.constantFrom(
      'resource',
      'r0',
      '{',
      '}',
      ';',
      ' ',
      '\t',
      '\n',
      '\r\n',
      '\r',
      '# c\n',
      '"q',
      '"',
      '\\',
      '\\\n',
      'skip',
      'x\ry',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join('');
        const { document, diagnostics } = safeParse(text);
        const lines = new LineCounter(text);
        const tokens: CstToken[] = [];
        const visit = (node: CstNode) => {
          tokens.push(...node.words);
          if (node.type === 'statement') {
            if (node.semicolon && node.semicolon.text !== '') tokens.push(node.semicolon);
          } else {
            tokens.push(node.open);
            node.children.forEach(visit);
            if (node.close) tokens.push(node.close);
          }
        };
        document.children.forEach(visit);
        for (const token of tokens)
          expect(text.slice(token.offset, token.offset + token.text.length), JSON.stringify(text)).toBe(token.text);
        for (const finding of diagnostics)
          if (finding.folded === undefined)
            expect({ line: finding.line, column: finding.column }).toEqual(lines.linePosition(finding.range.start));
      }),
      { numRuns: 500 },
    );
  });

  it('repeated findings are folded: a file of a million stray semicolons gives a dozen findings', () => {
    const { diagnostics } = safeParse(';\n'.repeat(1_000_000), { file: 'semi.res' });
    expect(diagnostics).toHaveLength(11);
    expect(diagnostics.at(-1)).toMatchObject({
      code: 'EMPTY_STATEMENT',
      folded: 999_990,
      message: 'and 999,990 more like it (EMPTY_STATEMENT)',
    });
  });
});
