import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError } from '@ha/core';
import { answer } from '../../test/fixtures.js';
import { parseStatCsv, parseStatTyped, statFilterWords } from './stat.js';

describe('parseStatCsv', () => {
  it('reads only the columns asked for, the same values as a full read', () => {
    const text = answer('2.6.12', 'show-stat.csv');
    const columns = ['status', 'scur', 'addr', 'check_status'] as const;
    const full = parseStatCsv(text);
    const some = parseStatCsv(text, { columns });
    expect(some).toEqual(
      full.map((row) => {
        const kept: Record<string, unknown> = { pxname: row.pxname, svname: row.svname };
        for (const key of ['scur', 'status', 'type', 'check_status', 'addr'] as const)
          if (row[key] !== undefined) kept[key] = row[key];
        return { ...kept, kind: row.kind, extra: {}, modules: {} };
      }),
    );
  });

  it('reads the real 2.6 answer: every row typed by the header, module columns apart', () => {
    const rows = parseStatCsv(answer('2.6.12', 'show-stat.csv'));
    expect(rows.map((row) => `${row.pxname}/${row.svname}:${row.kind}:${row.status}`)).toEqual([
      'web/FRONTEND:frontend:OPEN',
      'servers/srv1:server:UP',
      'servers/srv2:server:DRAIN',
      'servers/srv3:server:DOWN',
      'servers/BACKEND:backend:UP',
    ]);
    const [frontend, srv1, , srv3, backend] = rows;
    expect(frontend).toMatchObject({ slim: 2000, mode: 'http', type: 0 });
    expect(frontend?.modules).toMatchObject({ ssl_sess: 0, h1_open_connections: expect.any(Number) });
    expect(srv1).toMatchObject({
      check_status: 'L7OK',
      check_code: 200,
      weight: 1,
      act: 1,
      bck: 0,
      addr: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
    });
    expect(srv1?.scur).toBe(1);
    expect(srv3).toMatchObject({
      check_status: 'L4CON',
      last_chk: 'Connection refused',
      check_desc: 'Layer4 connection problem',
    });
    expect(backend).toMatchObject({ algo: 'roundrobin', slim: 200 });
    // An empty cell is absent, never 0 or ''.
    expect('qcur' in (frontend as object)).toBe(false);
    expect(srv1?.extra).toEqual({});
  });

  it('reads the 3.4 format: new columns typed, the module columns after "-" kept', () => {
    const rows = parseStatCsv(answer('3.4-format', 'show-stat.csv'));
    expect(rows).toHaveLength(5);
    const api1 = rows.find((row) => row.svname === 'api1');
    expect(api1).toMatchObject({ kind: 'server', reqbin: 1200, resbout: 4400, srid: 1, uweight: 100 });
    const api3 = rows.find((row) => row.svname === 'api3');
    expect(api3).toMatchObject({ status: 'MAINT (via shop-api/api1)', tracked: 'shop-api/api1' });
    expect(rows[0]?.modules).toEqual({
      ssl_sess: 300,
      h1_open_connections: 11,
      h1_bytes_in: 1203344,
      h1_bytes_out: 99482223,
    });
  });

  it('keys columns by name, never by position, and keeps unknown columns as text', () => {
    const text = '# svname,pxname,type,status,flux_capacitor,scur\nsrv1,be,2,UP,88 GW,3\n';
    const [row] = parseStatCsv(text.replace('# svname,pxname', '# pxname,svname').replace('srv1,be', 'be,srv1'));
    expect(row).toMatchObject({
      pxname: 'be',
      svname: 'srv1',
      status: 'UP',
      scur: 3,
      extra: { flux_capacitor: '88 GW' },
    });
  });

  it('reads quoted cells with commas and doubled quotes', () => {
    const [row] = parseStatCsv('# pxname,svname,type,check_desc,scur\nbe,s1,2,"Layer7 wrong status, ""503""",0\n');
    expect(row?.check_desc).toBe('Layer7 wrong status, "503"');
  });

  it('any order of documented columns gives the same rows (property)', () => {
    const columns = ['scur', 'status', 'weight', 'type', 'addr', 'check_status'] as const;
    fc.assert(
      fc.property(
        fc.shuffledSubarray([...columns], { minLength: columns.length }),
        fc.array(
          fc.record({
            scur: fc.nat(10_000),
            weight: fc.nat(256),
            status: fc.constantFrom('UP', 'DOWN', 'MAINT', 'DRAIN', 'UP 1/3'),
            type: fc.constantFrom(0, 1, 2),
          }),
          { maxLength: 20 },
        ),
        (order, servers) => {
          const header = `# pxname,svname,${order.join(',')}`;
          const lines = servers.map((server, i) => {
            const cells: Record<string, string> = {
              scur: String(server.scur),
              status: server.status,
              weight: String(server.weight),
              type: String(server.type),
              addr: `10.0.0.${i % 250}:80`,
              check_status: 'L7OK',
            };
            return `be,s${i},${order.map((column) => cells[column]).join(',')}`;
          });
          const rows = parseStatCsv(`${header}\n${lines.join('\n')}\n`);
          rows.forEach((row, i) => {
            const server = servers[i] as (typeof servers)[number];
            expect(row).toMatchObject({
              svname: `s${i}`,
              scur: server.scur,
              weight: server.weight,
              status: server.status,
              kind: ['frontend', 'backend', 'server'][server.type],
            });
          });
        },
      ),
    );
  });

  it('refuses what is not show stat output with a typed error', () => {
    expect(() => parseStatCsv('Unknown command, but maybe one of the following ones is a better match:\n')).toThrow(
      ParseError,
    );
    expect(() => parseStatCsv('# svname,pxname,type\n')).toThrow(
      expect.objectContaining({ reason: 'BAD_STAT_HEADER', line: 1 }),
    );
    expect(() => parseStatCsv('Permission denied\n')).toThrow(ParseError);
    expect(() => parseStatCsv('# pxname,svname,type,scur\nbe,s1,2,1\n\nbe,s2,2,lots\n')).toThrow(
      new ParseError('NOT_A_NUMBER', "show stat: column scur is not a number: 'lots'", { line: 4, column: 1 }),
    );
    fc.assert(
      fc.property(fc.string(), (junk) => {
        try {
          parseStatCsv(junk);
        } catch (error) {
          expect(error).toBeInstanceOf(ParseError);
        }
      }),
    );
  });
});

describe('parseStatTyped', () => {
  it('reads every field of the real 2.6 answer with its type and tags', () => {
    const fields = parseStatTyped(answer('2.6.12', 'show-stat-typed.txt'));
    expect(fields.length).toBeGreaterThan(300);
    expect(fields.find((field) => field.objectType === 'S' && field.id === 1 && field.name === 'status')).toMatchObject(
      { proxyId: 3, type: 'str', value: 'UP', tags: 'SGP' },
    );
    expect(fields.find((field) => field.objectType === 'F' && field.name === 'slim')).toMatchObject({
      type: 'u32',
      value: 2000,
    });
  });

  it('keeps 64-bit counters beyond 2^53 exact', () => {
    const [field] = parseStatTyped('B.3.0.8.bin.1:MCP:u64:18446744073709551608\n');
    expect(field?.value).toBe(18446744073709551608n);
  });

  it('refuses a line that is not a typed field', () => {
    expect(() => parseStatTyped('web,FRONTEND,,\n')).toThrow(ParseError);
  });
});

describe('statFilterWords', () => {
  it('renders the proxy id, type mask and server id show stat takes', () => {
    expect(statFilterWords(undefined)).toEqual([]);
    expect(statFilterWords({ types: 4 })).toEqual(['-1', '4', '-1']);
    expect(statFilterWords({ proxyId: 3, types: 7, serverId: 2 })).toEqual(['3', '7', '2']);
  });
});
