import { createSocket } from 'node:dgram';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError } from '@ha/core';
import { HaproxyLogListener, parseHaproxyLogLine, parseLogListen } from './haproxy-log.js';

// Lines as HAProxy 2.6 sent them to a UDP log target (option log-health-checks), recorded here.
const recorded = [
  '<133>Dec  2 17:42:43 haproxy[1672]: Health check for server servers/srv2 failed, reason: Layer4 connection problem, ' +
    'info: "Connection refused", check duration: 0ms, status: 0/1 DOWN.\n',
  '<129>Dec  2 17:42:43 haproxy[1672]: Server servers/srv2 is DOWN. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.\n',
  '<128>Dec  2 17:42:44 haproxy[1672]: backend servers has no server available!\n',
  '<133>Dec  2 17:42:45 haproxy[1672]: Health check for server servers/srv1 succeeded, reason: Layer4 check passed, check duration: 0ms, status: 1/1 UP.\n',
  '<133>Dec  2 17:42:45 haproxy[1672]: Server servers/srv1 is UP. 1 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.\n',
];

describe('parseHaproxyLogLine', () => {
  it("reads HAProxy's health-check and state lines", () => {
    expect(recorded.map((line) => parseHaproxyLogLine(line))).toMatchObject([
      { kind: 'health-check', backend: 'servers', server: 'srv2' },
      {
        kind: 'server-state',
        backend: 'servers',
        server: 'srv2',
        message: expect.stringMatching(/^Server servers\/srv2 is DOWN/),
      },
      { kind: 'backend-down', backend: 'servers', server: undefined },
      { kind: 'health-check', backend: 'servers', server: 'srv1' },
      { kind: 'server-state', backend: 'servers', server: 'srv1' },
    ]);
  });

  it('reads the RFC 5424 format and a host name, and maintenance lines', () => {
    expect(
      parseHaproxyLogLine(
        '<133>1 2026-12-02T17:42:45.123456+00:00 lb1 haproxy 1672 - - Server web/srv1 is going DOWN for maintenance.',
      ),
    ).toMatchObject({ kind: 'server-state', backend: 'web', server: 'srv1' });
    expect(
      parseHaproxyLogLine('<133>Dec 12 07:02:05 lb1 haproxy[7]: Server web/a was DOWN and now enters maintenance.'),
    ).toMatchObject({
      kind: 'server-state',
      server: 'a',
    });
  });

  it('ignores other well-formed lines and calls the rest malformed', () => {
    expect(
      parseHaproxyLogLine(
        '<134>Dec  2 17:42:45 haproxy[1]: 127.0.0.1:5000 [02/Dec/2026:17:42:45.000] web servers/srv1 0/0/1 200',
      ),
    ).toBe('ignored');
    expect(parseHaproxyLogLine('<133>Dec  2 17:42:45 haproxy[1]: Proxy web started.')).toBe('ignored');
    for (const text of ['', 'Server servers/srv1 is DOWN.', '<1', '<133>', '\u0000\u00ff'])
      expect(parseHaproxyLogLine(text)).toBe('malformed');
  });

  it('never throws, on any text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.constantFrom(...recorded).chain((line) => fc.nat(line.length).map((n) => line.slice(0, n))),
        ),
        (text) => {
          const parsed = parseHaproxyLogLine(text);
          expect(typeof parsed === 'string' || typeof parsed.backend === 'string').toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('parseLogListen', () => {
  it('takes a loopback IP:PORT only', () => {
    expect(parseLogListen('127.0.0.1:5140')).toEqual({ host: '127.0.0.1', port: 5140 });
    expect(parseLogListen('[::1]:5140')).toEqual({ host: '::1', port: 5140 });
    for (const text of [
      '0.0.0.0:5140',
      '10.213.0.1:5140',
      'localhost:5140',
      '127.0.0.1',
      '127.0.0.1:0',
      '127.0.0.1:70000',
    ])
      expect(() => parseLogListen(text), text).toThrow(ParseError);
  });
});

describe('HaproxyLogListener', () => {
  it('a port already taken is a socket error naming the address', async () => {
    const taken = createSocket('udp4');
    await new Promise<void>((resolve) => taken.bind(0, '127.0.0.1', () => resolve()));
    const { port } = taken.address();
    try {
      await expect(new HaproxyLogListener(`127.0.0.1:${port}`, () => 'event').start()).rejects.toMatchObject({
        code: 'SOCKET_ERROR',
        message: expect.stringContaining(`127.0.0.1:${port}: EADDRINUSE`),
      });
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});
