import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corpusFiles } from '../../test/fixtures.js';
import { parse, safeParse, type CstNode, type DrbdDocument } from '../parse/cst.js';
import { format } from './format.js';

// Every token's text in order, and the comments: what formatting must never change.
function tokensOf(document: DrbdDocument): string[] {
  const texts: string[] = [];
  const comments = (leading: string) =>
    texts.push(...(leading.match(/#[^\n]*/g) ?? []).map((comment) => comment.trimEnd()));
  const visit = (node: CstNode) => {
    for (const word of node.words) {
      comments(word.leading);
      texts.push(word.text);
    }
    if (node.type === 'statement') {
      if (node.semicolon) texts.push(node.semicolon.text);
      return;
    }
    comments(node.open.leading);
    texts.push('{', node.skipped ?? '');
    node.children.forEach(visit);
    if (node.close) comments(node.close.leading);
    texts.push('}');
  };
  document.children.forEach(visit);
  comments(document.trailing);
  return texts;
}

describe('format: the layout drbdadm dump prints', () => {
  it('one statement a line, four spaces a level, a blank line after each top-level section; comments kept where they were', () => {
    const text = [
      '# the seed',
      'global { usage-count no; } # trailing',
      'resource   r0 {',
      '\tdevice /dev/drbd0;   disk /dev/sdb1;',
      '',
      '',
      '',
      '\t  # own line',
      '\ton a {address 10.0.0.1:7789;}',
      '  on b {',
      '',
      '    address "10.0.0.2:7789"; }',
      '}',
    ].join('\n');
    expect(format(parse(text))).toBe(
      [
        '# the seed',
        'global {',
        '    usage-count no;',
        '} # trailing',
        '',
        'resource r0 {',
        '    device /dev/drbd0;',
        '    disk /dev/sdb1;',
        '',
        '    # own line',
        '    on a {',
        '        address 10.0.0.1:7789;',
        '    }',
        '    on b {',
        '        address "10.0.0.2:7789";',
        '    }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('a comment inside a statement ends its line: the rest follows one level in', () => {
    expect(format(parse('resource r0 {\n  device /dev/drbd0 # the device\n  minor 0;\n}\n'))).toBe(
      'resource r0 {\n    device /dev/drbd0 # the device\n        minor 0;\n}\n',
    );
  });

  it('keeps a skip block as written, CRLF line endings, and prints nothing for an empty file', () => {
    expect(format(parse('skip {\n   anything { at all }\n}\nresource r0 { }\n'))).toBe(
      'skip {\n   anything { at all }\n}\n\nresource r0 {\n}\n',
    );
    expect(format(parse('global {\r\n\tusage-count no;\r\n}\r\n'))).toBe('global {\r\n    usage-count no;\r\n}\r\n');
    expect(format(parse(''))).toBe('');
    expect(format(parse('\n\n# only a comment\n\n'))).toBe('# only a comment\n');
  });

  it('formats every corpus file idempotently, changing no token and no comment', () => {
    for (const { name, text } of corpusFiles) {
      const { document, diagnostics } = safeParse(text, { file: name });
      if (diagnostics.some((finding) => finding.severity === 'error')) continue;
      const once = format(document);
      const again = parse(once);
      expect(format(again), name).toBe(once);
      expect(tokensOf(again), name).toEqual(tokensOf(document));
    }
  });

  it('is idempotent and keeps every token of generated files (property)', () => {
    const word = fc.oneof(
      fc.stringMatching(/^[a-z0-9_./:-]{1,8}$/),
      fc.string({ maxLength: 6 }).map((text) => `"${text.replace(/["\\\n]/g, '')}"`),
    );
    const gap = fc.constantFrom(' ', '\n', '\n\n\n', '\t', ' # c\n', '\n# own\n', '\r\n');
    const statement = fc
      .tuple(fc.array(word, { minLength: 1, maxLength: 4 }), gap)
      .map(([words, space]) => `${words.join(space.includes('#') ? ' ' : space)};`);
    const tree: fc.Arbitrary<string> = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, statement, tie('block')),
      block: fc
        .tuple(fc.array(word, { minLength: 1, maxLength: 2 }), fc.array(tie('node'), { maxLength: 3 }), gap)
        .map(([head, body, space]) => `${head.join(' ')} {${space}${body.join(space)}${space}}`),
    })).block as fc.Arbitrary<string>;
    fc.assert(
      fc.property(fc.array(tree, { maxLength: 3 }), gap, (blocks, space) => {
        const document = parse(`${blocks.join(space)}\n`);
        const once = format(document);
        expect(format(parse(once))).toBe(once);
        expect(tokensOf(parse(once))).toEqual(tokensOf(document));
      }),
      { numRuns: 300 },
    );
  });
});
