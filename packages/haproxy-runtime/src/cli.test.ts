import { createServer, type Server } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '@ha/core';
import { fixture } from '../test/fixtures.js';
import { command } from './cli.js';
import { parseStatCsv } from './parse/stat.js';

// A stats socket that answers every one-shot command with the recorded 2.6 `show stat`.
const scratch = await mkdtemp(join(tmpdir(), 'ha-haproxy-cli-'));
const socket = join(scratch, 'admin.sock');
let peer: Server;
beforeAll(async () => {
  peer = createServer((connection) =>
    connection.once('data', () => connection.end(fixture('2.6.12', 'show-stat.csv'))),
  );
  await new Promise<void>((resolve) => peer.listen(socket, resolve));
});
afterAll(async () => {
  peer.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('ha-haproxy status', () => {
  it('prints the table, the health state and a line per reason, and exits 1 when something is down', async () => {
    const { code, out } = await runCliCaptured(command, ['status', '--socket', socket]);
    expect(code).toBe(1);
    expect(out).toMatch(/^ {2}srv3\s+DOWN\s+1\s+0\s+0\s+L4CON$/m);
    expect(out).toContain('health: degraded\nproblem: server servers/srv3 is DOWN (L4CON)\n');
  });

  it('prints the overview with its health as JSON', async () => {
    const { code, out } = await runCliCaptured(command, ['status', '--json', '--socket', socket]);
    expect(code).toBe(1);
    expect(JSON.parse(out).health).toEqual({
      healthy: false,
      state: 'degraded',
      reasons: [{ code: 'SERVER_DOWN', subject: 'servers/srv3', message: 'server servers/srv3 is DOWN (L4CON)' }],
    });
  });
});

describe('ha-haproxy stat --json', () => {
  it('prints exactly the rows the parser reads', async () => {
    const { code, out } = await runCliCaptured(command, ['stat', '--json', '--socket', socket]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(parseStatCsv(fixture('2.6.12', 'show-stat.csv')))));
  });
});

describe('a wrong call is one line and exit 2, found before connecting', () => {
  const nowhere = ['--socket', join(scratch, 'absent.sock')];
  it.each([
    [['weight', 'srv1', '5', ...nowhere], "'srv1' is not BACKEND/SERVER"],
    [['drain', 'servers', ...nowhere], "'servers' is not BACKEND/SERVER"],
    [['weight', 'be/s1', 'heavy', ...nowhere], "weight 'heavy' is not a whole number from 0 to 256 or a percentage"],
    [['weight', 'be/s1', '300', ...nowhere], "weight '300' is not a whole number from 0 to 256 or a percentage"],
    [
      ['drain', 'be/s1', '--wait', '--wait-timeout', 'soon', ...nowhere],
      "--wait-timeout: 'soon' is not a duration (e.g. 500ms, 5s, 2m, 1h, PT5M)",
    ],
    [['info', '--timeout', 'soon', ...nowhere], "--timeout: 'soon' is not a duration (e.g. 500ms, 5s, 2m, 1h, PT5M)"],
    [
      ['info', '--socket', 'admin.sock:x'],
      "'admin.sock:x' is not a socket address (a path, ipv4@HOST:PORT or ipv6@[HOST]:PORT, port 1 to 65535)",
    ],
  ])('%j', async (argv, message) => {
    const { code, out, err } = await runCliCaptured(command, argv);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe(`ha-haproxy: ${message}\n`);
  });

  it('a bad profile names its file, section and key', async () => {
    const file = join(scratch, 'bad.ini');
    await writeFile(file, '[default]\nsocket = /x.sock\ntimeout = soon\n');
    const { code, err } = await runCliCaptured(command, ['info', '--config', file]);
    expect(code).toBe(2);
    expect(err).toBe(
      `ha-haproxy: ${file}: [default] timeout: 'soon' is not a duration (e.g. 500ms, 5s, 2m, 1h, PT5M)\n`,
    );
    const json = await runCliCaptured(command, ['info', '--json', '--config', file]);
    expect(JSON.parse(json.out)).toMatchObject({ error: { code: 'PARSE_ERROR' } });
  });

  it('a batch file that cannot be read, or is too large', async () => {
    const missing = await runCliCaptured(command, ['batch', join(scratch, 'missing.txt'), ...nowhere]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^ha-haproxy: .*missing\.txt: cannot read: /);
    const file = join(scratch, 'batch.txt');
    await writeFile(file, 'show version\n'.repeat(10));
    const large = await runCliCaptured(command, ['batch', file, '--max-bytes', '100', ...nowhere]);
    expect(large.code).toBe(2);
    expect(large.err).toContain('130 bytes is more than the limit of 100 bytes');
  });
});
