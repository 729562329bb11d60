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

describe('ha-haproxy certs and cert replace', () => {
  // A stats socket answering the ssl reads with the recorded 3.0 answers, one command a connection.
  const dir = '/tmp/sslrec/30';
  const answers: Record<string, string> = {
    'show ssl cert': fixture('3.0.11', 'show-ssl-cert.txt'),
    [`show ssl cert ${dir}/site.pem`]: fixture('3.0.11', 'show-ssl-cert-detail.txt'),
    [`show ssl cert ${dir}/other.pem`]: fixture('3.0.11', 'show-ssl-cert-detail.txt').replace(/site\.pem/, 'other.pem'),
    'show ssl crt-list': fixture('3.0.11', 'show-ssl-crt-list.txt'),
    [`show ssl crt-list -n ${dir}/crt.list`]: fixture('3.0.11', 'show-ssl-crt-list-numbered.txt'),
  };
  const sslSocket = join(scratch, 'ssl.sock');
  let sslPeer: Server;
  beforeAll(async () => {
    sslPeer = createServer((connection) => {
      let text = '';
      connection.on('data', (data: Buffer) => {
        text += data.toString();
        if (text.includes('\n')) connection.end(answers[text.trim()] ?? 'Unknown command.\n\n');
      });
    });
    await new Promise<void>((resolve) => sslPeer.listen(sslSocket, resolve));
  });
  afterAll(() => {
    sslPeer.close();
  });

  it('lists file, subject, SANs, not-after and days left; the crt-lists in JSON', async () => {
    const { code, out } = await runCliCaptured(command, ['certs', '--socket', sslSocket]);
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^FILE\s+SUBJECT\s+SANS\s+NOT AFTER\s+DAYS LEFT$/);
    expect(lines[2]).toMatch(
      /^\/tmp\/sslrec\/30\/site\.pem\s+\/CN=site\.example\/O=HA Toolkit\s+DNS:site\.example,DNS:www\.site\.example\s+2027-01-01T13:21:31\.000Z\s+-?\d+$/,
    );
    const json = await runCliCaptured(command, ['certs', '--json', '--socket', sslSocket]);
    const parsed = JSON.parse(json.out) as { file: string; crtLists: string[]; notAfter: string; daysLeft: number }[];
    expect(parsed.map((entry) => [entry.file, entry.crtLists])).toEqual([
      [`${dir}/other.pem`, [`${dir}/crt.list`]],
      [`${dir}/site.pem`, []],
    ]);
    expect(parsed[1]?.notAfter).toBe('2027-01-01T13:21:31.000Z');
    expect(typeof parsed[1]?.daysLeft).toBe('number');
  });

  it('cert replace: a missing --cert, or a file that is no PEM, is one line and exit 2, before connecting', async () => {
    const nowhere = ['--socket', join(scratch, 'absent.sock')];
    const missing = await runCliCaptured(command, ['cert', 'replace', `${dir}/site.pem`, ...nowhere]);
    expect(missing).toMatchObject({ code: 2, err: 'ha-haproxy: cert replace needs --cert PEMFILE\n' });
    const notPem = join(scratch, 'not.pem');
    await writeFile(notPem, 'hello\n');
    const bad = await runCliCaptured(command, ['cert', 'replace', `${dir}/site.pem`, '--cert', notPem, ...nowhere]);
    expect(bad).toMatchObject({
      code: 2,
      err: `ha-haproxy: ${dir}/site.pem: no PEM block (-----BEGIN …-----) in it\n`,
    });
  });
});
