import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError } from '@ha/core';
import { errorShape } from '@ha/core/testing';
import { serialize } from '../print/serialize.js';
import { parse, safeParse, type CstNode } from './cst.js';

// The corpus round trip and the mutation fuzzing of real files are in test/contract.test.ts (core's config contract).
describe('lossless round trip', () => {
  it('keeps CRLF, a missing final newline, tabs, no-break spaces and trailing blanks', () => {
    const text = 'totem {\r\n\tversion:\u00a02 \t\r\n  cluster_name : x\r\n}';
    const document = parse(text);
    expect(serialize(document)).toBe(text);
    expect(document.eol).toBe('\r\n');
    const totem = document.children[0] as Extract<CstNode, { type: 'section' }>;
    expect(totem.children.map((node) => node.type === 'pair' && [node.key, node.value])).toEqual([
      ['version', '2'],
      ['cluster_name', 'x'],
    ]);
  });

  it('reads keys and values the way corosync does (first colon splits, the value keeps the rest)', () => {
    const document = parse('nodelist {\n node {\n  ring0_addr: fd00::1\n  name:n1\n }\n}\n');
    const node = (document.children[0] as Extract<CstNode, { type: 'section' }>).children[0] as Extract<
      CstNode,
      { type: 'section' }
    >;
    expect(node.children.map((child) => child.type === 'pair' && `${child.key}=${child.value}`)).toEqual([
      'ring0_addr=fd00::1',
      'name=n1',
    ]);
  });
});

describe('bad input gives findings with line and column, never a crash', () => {
  it.each([
    ['an unclosed section', 'totem {\n version: 2\n', 'MISSING_CLOSE_BRACE', 1, 1],
    ['a stray closing brace', 'totem {\n}\n}\n', 'UNEXPECTED_CLOSE_BRACE', 3, 1],
    ['text after an opening brace', 'totem { version: 2\n}\n', 'TEXT_AFTER_OPEN_BRACE', 1, 9],
    ['text around a closing brace', 'totem {\n version: 2 }\n}\n', 'TEXT_AFTER_OPEN_BRACE', 0, 0],
    ['a section without a name', '  {\n}\n', 'MISSING_SECTION_NAME', 1, 3],
    ['a line that is nothing', 'totem {\n  just words\n}\n', 'NOT_A_STATEMENT', 2, 3],
    ['an empty key', 'totem {\n  : 2\n}\n', 'EMPTY_KEY', 2, 3],
    ['binary junk', 'totem {\n\u0000\u0001\u0002\n}\n', 'BINARY_CONTENT', 2, 1],
    ['a line longer than corosync reads', `totem {\n cluster_name: ${'x'.repeat(600)}\n}\n`, 'LINE_TOO_LONG', 2, 1],
  ])('%s', (_what, text, code, line, column) => {
    const { document, diagnostics } = safeParse(text, { file: 'corosync.conf' });
    expect(serialize(document)).toBe(text);
    if (line === 0) return;
    expect(diagnostics).toContainEqual(
      expect.objectContaining({ code, line, column, file: 'corosync.conf', severity: 'error' }),
    );
    expect(() => parse(text, { file: 'corosync.conf' })).toThrow(ParseError);
  });

  it('numbers lines as corosync does: by \\n alone, a lone \\r is part of its line', () => {
    const { diagnostics } = safeParse('totem {\n cluster_name: a\rb\n just words\n}\n');
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'NOT_A_STATEMENT', line: 3, column: 2 })]);
  });

  it('reads "}" after a value as part of the value, as corosync does', () => {
    expect(safeParse('totem {\n version: 2 }\n}\n').diagnostics).toEqual([]);
  });

  it('warns about an unterminated quote, which corosync takes literally', () => {
    const text = 'totem {\n cluster_name: "web\n}\n';
    expect(() => parse(text)).not.toThrow();
    expect(safeParse(text).diagnostics).toEqual([
      expect.objectContaining({ code: 'UNTERMINATED_QUOTE', severity: 'warning', line: 2, column: 16 }),
    ]);
  });

  it('throws a ParseError naming file, line and column', () => {
    try {
      parse('totem {\n', { file: '/etc/corosync/corosync.conf' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ParseError);
      expect(errorShape(error)).toMatchInlineSnapshot(`
        {
          "code": "PARSE_ERROR",
          "column": 1,
          "detail": "section 'totem' is not closed",
          "file": "/etc/corosync/corosync.conf",
          "line": 1,
          "message": "/etc/corosync/corosync.conf:1:1: section 'totem' is not closed",
          "name": "ParseError",
          "reason": "MISSING_CLOSE_BRACE",
        }
      `);
    }
  });

  it('handles an empty file and a 10 MB file', () => {
    expect(safeParse('')).toMatchObject({ document: { children: [] }, diagnostics: [] });
    const big = `totem {\n${' token: 3000\n'.repeat(800_000)}}\n`;
    expect(big.length).toBeGreaterThan(10_000_000);
    const { document, diagnostics } = safeParse(big);
    expect(diagnostics).toEqual([]);
    expect(serialize(document)).toBe(big);
    const oneLine = safeParse(`# ${'x'.repeat(10_000_000)}`);
    expect(oneLine.diagnostics[0]).toMatchObject({ code: 'LINE_TOO_LONG', line: 1, column: 1 });
  });
});

// Generated corosync.conf text: sections, pairs, comments, blank lines, any indentation and line ending.
const word = fc.stringMatching(/^[a-z_][a-z0-9_.]{0,11}$/);
const value = fc.stringMatching(/^[A-Za-z0-9_./@:-][A-Za-z0-9_./@:" -]{0,15}$/).map((v) => v.trimEnd());
const indentation = fc.constantFrom('', ' ', '  ', '\t', '    ', '\t\t', ' \u00a0');
const eol = fc.constantFrom('\n', '\r\n');
type Item =
  | { kind: 'pair'; key: string; value: string }
  | { kind: 'comment'; text: string }
  | { kind: 'blank' }
  | { kind: 'section'; name: string; items: Item[] };
const item: fc.Memo<Item> = fc.memo((depth) =>
  depth <= 1
    ? fc.oneof(
        fc.record({ kind: fc.constant('pair' as const), key: word, value }),
        fc.record({
          kind: fc.constant('comment' as const),
          text: fc.string({ maxLength: 20 }).map((t) => t.replace(/[\r\n]/g, '')),
        }),
        fc.constant({ kind: 'blank' as const }),
      )
    : fc.oneof(
        { weight: 3, arbitrary: fc.record({ kind: fc.constant('pair' as const), key: word, value }) },
        {
          weight: 1,
          arbitrary: fc.record({
            kind: fc.constant('comment' as const),
            text: fc.string({ maxLength: 20 }).map((t) => t.replace(/[\r\n]/g, '')),
          }),
        },
        { weight: 1, arbitrary: fc.constant({ kind: 'blank' as const }) },
        {
          weight: 2,
          arbitrary: fc.record({
            kind: fc.constant('section' as const),
            name: word,
            items: fc.array(item(depth - 1), { maxLength: 5 }),
          }),
        },
      ),
);
const render = (items: Item[], indents: string[], eols: string[], counter = { i: 0 }): string =>
  items
    .map((entry) => {
      const indent = indents[counter.i % indents.length] as string;
      const end = eols[counter.i++ % eols.length] as string;
      if (entry.kind === 'pair') return `${indent}${entry.key}:${indent}${entry.value}${end}`;
      if (entry.kind === 'comment') return `${indent}#${entry.text}${end}`;
      if (entry.kind === 'blank') return `${indent}${end}`;
      return `${indent}${entry.name} {${end}${render(entry.items, indents, eols, counter)}${indent}}${end}`;
    })
    .join('');
const collect = (nodes: CstNode[]): unknown[] =>
  nodes.flatMap((node) =>
    node.type === 'pair'
      ? [[node.key, node.value]]
      : node.type === 'section'
        ? [[node.name, collect(node.children)]]
        : [],
  );
const expected = (items: Item[]): unknown[] =>
  items.flatMap((entry) =>
    entry.kind === 'pair'
      ? [[entry.key, entry.value.replace(/^[ \t\u00a0]+/, '')]]
      : entry.kind === 'section'
        ? [[entry.name, expected(entry.items)]]
        : [],
  );

describe('properties', () => {
  it('round-trips generated configs and reads back their structure', () => {
    fc.assert(
      fc.property(
        fc.array(item(4), { maxLength: 8 }),
        fc.array(indentation, { minLength: 1, maxLength: 4 }),
        fc.array(eol, { minLength: 1, maxLength: 3 }),
        (items, indents, eols) => {
          const text = render(items, indents, eols);
          const { document, diagnostics } = safeParse(text);
          expect(serialize(document)).toBe(text);
          expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
          expect(collect(document.children)).toEqual(expected(items));
        },
      ),
      { numRuns: 300 },
    );
  });
});
