import { describe, expect, it } from 'vitest';
import { ParseError } from '@ha/core';
import { answer } from '../../test/fixtures.js';
import {
  parseColonLines,
  parseEnv,
  parseInfo,
  parseMapEntries,
  parseMapList,
  parseProc,
  parseServersState,
  parseTableEntries,
  parseTableList,
} from './dumps.js';

const v26 = (name: string) => answer('2.6.12', name);

describe('recorded 2.6 answers', () => {
  it('show info: numbers typed, versions kept as text, unknown keys kept', () => {
    const info = parseInfo(v26('show-info.txt'));
    expect(info).toMatchObject({
      Name: 'HAProxy',
      Version: '2.6.12-1+deb12u4',
      Nbthread: 2,
      Maxconn: 2000,
      Stopping: 0,
    });
    expect(info.Pid).toBeGreaterThan(1);
    expect(info['Unstoppable Jobs']).toBe(1);
    expect(info.Release_date).toBe('2026/10/17');
  });

  it('show info with fields of later versions keeps them', () => {
    const info = parseInfo(
      'Name: HAProxy\nVersion: 3.2.4\nPid: 7\nTotalWarnings: 3\nBuild info: 3.2.4-1\nTainted: 0x0\n',
    );
    expect(info).toMatchObject({ Version: '3.2.4', Pid: 7, TotalWarnings: 3, 'Build info': '3.2.4-1', Tainted: '0x0' });
  });

  it('show info refuses an answer that is not one', () => {
    expect(() => parseInfo('Permission denied')).toThrow(ParseError);
    expect(() => parseInfo('Permission denied')).toThrow(expect.objectContaining({ reason: 'NOT_INFO_OUTPUT' }));
  });

  it('show servers state: rows keyed by the header, numbers typed', () => {
    const rows = parseServersState(v26('show-servers-state.txt'));
    expect(rows.map((row) => row.srv_name)).toEqual(['srv1', 'srv2', 'srv3']);
    expect(rows[0]).toMatchObject({
      be_name: 'servers',
      srv_id: 1,
      srv_addr: '127.0.0.1',
      srv_op_state: 2,
      srv_admin_state: 0,
      srv_uweight: 1,
      srv_fqdn: '-',
    });
    expect(rows[1]?.srv_admin_state).toBe(8); // drain
    expect(rows[2]?.srv_op_state).toBe(0); // stopped: its process was killed
    expect(() => parseServersState('No such backend.')).toThrow(ParseError);
  });

  it("the master CLI's show proc: master with failed reloads, workers", () => {
    const processes = parseProc(v26('show-proc.txt'));
    expect(processes.map((process) => process.type)).toEqual(['master', 'worker']);
    expect(processes[0]).toMatchObject({ reloads: 0, failedReloads: 0, version: '2.6.12-1+deb12u4', old: false });
    expect(() => parseProc('Unknown command')).toThrow(ParseError);
  });

  it('show proc after a reload lists the old worker apart', () => {
    const text = [
      '#<PID>          <type>          <reloads>       <uptime>        <version>      ',
      '100             master          1 [failed: 0]   0d00h01m31s     2.6.12-1+deb12u4',
      '# workers',
      '201             worker          0               0d00h00m01s     2.6.12-1+deb12u4',
      '# old workers',
      '150             worker          1               0d00h01m31s     2.6.12-1+deb12u4',
      '# programs',
      '',
    ].join('\n');
    expect(parseProc(text).map((process) => [process.pid, process.type, process.old])).toEqual([
      [100, 'master', false],
      [201, 'worker', false],
      [150, 'worker', true],
    ]);
  });

  it('show map: the maps with their versions and entry counts, and the entries', () => {
    expect(parseMapList(v26('show-map.txt'))).toEqual([
      {
        id: 0,
        file: '/var/lib/ha-lab/haproxy/routes.map',
        description: expect.stringContaining('pattern loaded from file'),
        currentVersion: 0,
        nextVersion: 0,
        entries: 2,
      },
    ]);
    expect(parseMapEntries(v26('show-map-entries.txt')).map((entry) => [entry.key, entry.value])).toEqual([
      ['/api', 'api'],
      ['/static', 'static'],
    ]);
  });

  it('show table: tables and entries with their data', () => {
    expect(parseTableList(v26('show-table.txt'))).toEqual([{ name: 'web', type: 'ip', size: 1024, used: 1 }]);
    const [entry] = parseTableEntries(v26('show-table-web.txt'));
    expect(entry).toMatchObject({
      key: '127.0.0.1',
      data: { use: '1', http_req_cnt: '13', 'http_req_rate(10000)': '13' },
    });
  });

  it('show env and show activity', () => {
    expect(parseEnv(v26('show-env.txt'))).toMatchObject({
      HAPROXY_MWORKER: '1',
      HAPROXY_MASTER_CLI: 'unix@/var/lib/ha-lab/haproxy/master.sock',
    });
    expect(parseColonLines(v26('show-activity.txt'))).toMatchObject({
      thread_id: '2 (1..2)',
      loops: expect.stringMatching(/^\d+ \[/),
    });
  });
});
