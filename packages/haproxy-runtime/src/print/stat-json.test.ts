import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HaError } from '@ha/core';
import { answer } from '../../test/fixtures.js';
import { parseStatCsv } from '../parse/stat.js';
import { StatJsonByteEncoder } from './stat-json-bytes.js';
import { printStatJson } from './stat-json.js';

function printed(text: string): string[] {
  const lines: string[] = [];
  printStatJson(text, (json) => lines.push(json));
  return lines;
}

const expected = (text: string) => parseStatCsv(text).map((row) => JSON.stringify(row));

describe('printStatJson', () => {
  it('prints exactly JSON.stringify of the parsed rows, for real answers', () => {
    for (const [version, file] of [
      ['2.6.12', 'show-stat.csv'],
      ['3.4-format', 'show-stat.csv'],
    ] as const) {
      const text = answer(version, file);
      expect(printed(text)).toEqual(expected(text));
    }
  });

  it('prints exactly JSON.stringify of the parsed rows, for any answer (property)', () => {
    const column = fc.constantFrom(
      'scur',
      'status',
      'weight',
      'check_desc',
      'addr',
      'lastchg',
      'mystery_col',
      'other_new',
    );
    const cell = fc.oneof(
      fc.constant(''),
      fc.nat(1_000_000).map(String),
      fc.string({ maxLength: 8 }).filter((text) => !/[\n\r]/.test(text)),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(column, { maxLength: 6 }),
        fc.boolean(),
        fc.array(fc.array(cell, { minLength: 12, maxLength: 12 }), { maxLength: 10 }),
        (columns, withModules, rows) => {
          const header = [
            'pxname',
            'svname',
            'type',
            ...columns,
            ...(withModules ? ['-', 'ssl_sess', 'h1_bytes_in'] : []),
          ];
          const lines = rows.map((cells, i) => {
            const values = header.map((name, k) =>
              name === 'type' ? String(i % 4) : name === 'pxname' ? 'be' : name === '-' ? '-' : (cells[k] ?? ''),
            );
            // Some rows are cut short: HAProxy's rows are whole, but the printer must agree with the parser anyway.
            return values
              .slice(0, i % 5 === 4 ? i % 3 : values.length)
              .map((value) => (/[",]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value))
              .join(',');
          });
          const text = `# ${header.join(',')},\n${lines.join('\n')}\n`;
          let parsed: string[] | HaError;
          try {
            parsed = expected(text);
          } catch (error) {
            expect(error).toBeInstanceOf(HaError);
            // The same error, naming the same line.
            expect(() => printed(text)).toThrow(error as Error);
            return;
          }
          expect(printed(text)).toEqual(parsed);
        },
      ),
    );
  });
});

describe('StatJsonByteEncoder', () => {
  function encoded(text: string, chunkSize: number): string {
    const parts: Uint8Array[] = [];
    const encoder = new StatJsonByteEncoder((bytes) => parts.push(bytes));
    const bytes = new TextEncoder().encode(text);
    for (let i = 0; i < bytes.length; i += chunkSize) encoder.push(bytes.subarray(i, i + chunkSize));
    encoder.end();
    return Buffer.concat(parts).toString('utf8');
  }

  // A cell as HAProxy writes it: quoted when it holds a quote or a comma.
  const csvCell = (value: string) => (/[",]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

  // The encoder gives what the parser gives, or throws where the parser throws.
  function expectSameAsParser(header: readonly string[], lines: readonly string[], chunkSize: number): void {
    const text = `# ${header.join(',')},\n${lines.join('\n')}\n`;
    let wanted: string;
    try {
      wanted = expected(text).join(',\n');
    } catch (error) {
      expect(error).toBeInstanceOf(HaError);
      expect(() => encoded(text, chunkSize)).toThrow(error as Error);
      return;
    }
    expect(encoded(text, chunkSize)).toBe(wanted);
  }

  it('gives the same bytes as the string printer, for real answers cut into any chunks', () => {
    for (const [version, file] of [
      ['2.6.12', 'show-stat.csv'],
      ['3.4-format', 'show-stat.csv'],
    ] as const) {
      const text = answer(version, file);
      for (const size of [1, 7, 64, 100_000]) expect(encoded(text, size)).toBe(expected(text).join(',\n'));
    }
  });

  it('gives the same bytes as JSON.stringify of the parsed rows, for any answer (property)', () => {
    const cell = fc.oneof(
      fc.constant(''),
      fc.integer({ min: -5, max: 1_000_000 }).map(String),
      fc.constantFrom('-0', '007', '1e3', '12345678901234567890', 'é', 'a\\b', 'UP 1/3', '-'),
      fc.string({ maxLength: 6 }).filter((text) => !/[\n\r]/.test(text)),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom('scur', 'status', 'weight', 'lastsess', 'addr', 'new_col'), { maxLength: 6 }),
        fc.array(fc.array(cell, { minLength: 12, maxLength: 12 }), { maxLength: 8 }),
        fc.integer({ min: 1, max: 50 }),
        (columns, rows, chunkSize) => {
          const header = ['pxname', 'svname', 'type', ...columns, '-', 'ssl_sess'];
          const lines = rows.map((cells, i) =>
            header
              .map((name, k) => (name === 'type' ? String(i % 5) : name === '-' ? '-' : (cells[k] ?? '')))
              .map(csvCell)
              .join(','),
          );
          expectSameAsParser(header, lines, chunkSize);
        },
      ),
    );
  });

  it('does not take the kind, extra or module cells of a row cut short from the row before', () => {
    const text =
      '# pxname,svname,type,scur,new_col,-,ssl_sess,\nbe,BACKEND,1,5,x,-,7,\nbe,s1\nbe,s2,\nbe,BACKEND,1,5,x,-,7,\nbe,BACKEND,1,5,\n';
    for (const size of [1, 5, 1000]) expect(encoded(text, size)).toBe(expected(text).join(',\n'));
    expect(JSON.parse(`[${encoded(text, 1000)}]`).map((row: { kind: string }) => row.kind)).toEqual([
      'backend',
      'server',
      'server',
      'backend',
      'backend',
    ]);
  });

  it('gives the same bytes for rows that differ from the one before in a few cells (property)', () => {
    // The encoder copies the JSON of unchanged cells from an earlier row: rows alike but for a few
    // cells (longer, shorter, emptied, quoted, another type, module or extra), or cut short, or longer.
    const header = [
      'pxname',
      'svname',
      'type',
      'scur',
      'status',
      'weight',
      'check_desc',
      'addr',
      'new_col',
      '-',
      'ssl_sess',
      'h1_bytes_in',
    ];
    const cell = fc.oneof(
      fc.constant(''),
      fc.integer({ min: -5, max: 100_000 }).map(String),
      fc.constantFrom('0', '1', '2', '3', '10', '-0', '007', 'UP', 'UP 1/3', 'be1', 'é', 'a,b', '"q"'),
    );
    const change = fc.record({ column: fc.nat(header.length + 1), value: cell });
    const row = fc.record({
      changes: fc.array(change, { maxLength: 3 }),
      cut: fc.option(fc.integer({ min: 1, max: header.length }), { freq: 6 }),
    });
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 80 }),
        (rows, chunkSize) => {
          let cells = ['be0', 's0', '2', '0', 'UP', '1', 'Layer4 check passed', '127.0.0.1:80', 'x', '-', '0', '0'];
          const lines = rows.map(({ changes, cut }) => {
            cells = [...cells];
            for (const { column, value } of changes) cells[column] = value;
            const values = cut === null ? cells : cells.slice(0, cut);
            return `${values.map((value) => csvCell(value ?? '')).join(',')},`;
          });
          expectSameAsParser(header, lines, chunkSize);
        },
      ),
      { numRuns: 500 },
    );
  });
});
