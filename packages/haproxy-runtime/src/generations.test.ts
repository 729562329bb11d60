import { describe, expect, it } from 'vitest';
import { answer, fixture } from '../test/fixtures.js';
import { classifyAnswer } from './classify-answer.js';
import { PermissionDeniedError, RuntimeCommandError } from './errors.js';
import { parseInfo, parseProc, parseServersState } from './parse/dumps.js';
import { parseStatCsv } from './parse/stat.js';

// Answers of the lab's HAProxy on each generation (Debian 12's 2.6.12, Debian 13's 3.0.11), recorded
// after some traffic with srv2 draining and srv3's process killed (tools/lab/scripts/record-fixtures.mjs).
const generations = ['2.6.12', '3.0.11'];

describe.each(generations)('answers of HAProxy %s', (version) => {
  it('reads show stat: srv1 UP, srv2 draining, srv3 DOWN', () => {
    const rows = parseStatCsv(fixture(version, 'show-stat.csv'));
    const servers = Object.fromEntries(
      rows.filter((row) => row.kind === 'server' && row.pxname === 'servers').map((row) => [row.svname, row.status]),
    );
    expect(servers).toMatchObject({ srv1: 'UP', srv2: 'DRAIN', srv3: 'DOWN' });
    expect(rows.some((row) => row.kind === 'frontend' && row.pxname === 'web')).toBe(true);
  });

  it('reads show info and show servers state', () => {
    const info = parseInfo(answer(version, 'show-info.txt'));
    expect(info.Name).toBe('HAProxy');
    expect(String(info.Version).startsWith(version)).toBe(true);
    const states = parseServersState(answer(version, 'show-servers-state.txt')).filter(
      (row) => row.be_name === 'servers',
    );
    expect(states.map((row) => row.srv_name)).toEqual(['srv1', 'srv2', 'srv3']);
  });

  // The refusals of changes are in classify-answer.test.ts, for both versions.
  it('takes a refused read for a refusal, and a read for data', () => {
    for (const [line, file] of [
      ['get weight servers/nope', 'get-weight-no-such-server.txt'],
      ['show servers state nope', 'show-servers-state-unknown-backend.txt'],
      ['show table nope', 'show-table-unknown.txt'],
      ['show map nope', 'show-map-unknown.txt'],
    ] as const)
      expect(classifyAnswer(line, answer(version, file)), `${version}: ${line}`).toBeInstanceOf(RuntimeCommandError);
    expect(
      classifyAnswer('set server servers/srv1 state maint', answer(version, 'permission-denied.txt')),
    ).toBeInstanceOf(PermissionDeniedError);
    for (const [line, file] of [
      ['get weight servers/srv1', 'get-weight.txt'],
      ['help', 'help.txt'],
      ['show cli level', 'show-cli-level.txt'],
    ] as const)
      expect(classifyAnswer(line, answer(version, file)), `${version}: ${line}`).toBeUndefined();
  });
});

describe('what HAProxy 3.0 says differently', () => {
  it('confirms an address change in its own words', () => {
    for (const text of [
      'nothing changed',
      "port changed from '2' to '8080' by 'stats socket command'",
      "IP changed from '127.0.0.2' to '127.0.0.3', port changed from '8080' to '9' by 'stats socket command'",
    ])
      expect(classifyAnswer('set server servers/srv2 addr 127.0.0.3 port 9', text), text).toBeUndefined();
    expect(classifyAnswer('set server servers/srv2 addr 127.0.0.x', "Invalid addr '127.0.0.x'")).toBeInstanceOf(
      RuntimeCommandError,
    );
  });

  it("reads the master CLI's show proc, and its reload answer", () => {
    const processes = parseProc(fixture('3.0.11', 'master-show-proc.txt'));
    expect(processes.map((process) => process.type)).toEqual(['master', 'worker']);
    expect(processes[0]).toMatchObject({ reloads: 0, failedReloads: 0, version: '3.0.11-1+deb13u4' });
    expect(fixture('3.0.11', 'master-reload.txt')).toMatch(/^Success=1\n--\n/);
  });
});
