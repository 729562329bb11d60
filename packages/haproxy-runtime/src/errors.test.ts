import { createServer, type Server } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ParseError } from '@ha/core';
import { errorShape } from '@ha/core/testing';
import { answer } from '../test/fixtures.js';
import { classifyAnswer } from './classify-answer.js';
import { HaproxyRuntime, splitServer } from './client.js';
import { runtimeParseError, type HaproxyRuntimeParseReason } from './errors.js';
import { parseInfo, parseProc, parseServersState } from './parse/dumps.js';
import { parseStatCsv, parseStatTyped } from './parse/stat.js';
import { parseProfiles } from './profile.js';
import { parseSocketAddress } from './transport/address.js';

const scratch = await mkdtemp(join(tmpdir(), 'ha-runtime-errors-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const serversStateHeader =
  '# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight';

function thrown(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('nothing was thrown');
}

// A peer that answers every command with `Done.` (a confirmation, not `New version created: N`).
async function confirmingPeer(): Promise<{ path: string; server: Server }> {
  const path = join(scratch, 'done.sock');
  const server = createServer((socket) => socket.once('data', () => socket.end('Done.\n\n')));
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { path, server };
}

describe('error shapes', () => {
  it('HAProxy refusals: RuntimeCommandError and its subclasses', () => {
    expect(errorShape(classifyAnswer('set server servers/srv1 weight 5x', 'Trailing garbage in weight string.')))
      .toMatchInlineSnapshot(`
      {
        "code": "REJECTED",
        "command": "set server servers/srv1 weight 5x",
        "message": "haproxy refused 'set server servers/srv1 weight 5x': Trailing garbage in weight string.",
        "name": "RuntimeCommandError",
        "response": "Trailing garbage in weight string.",
      }
    `);
    expect(errorShape(classifyAnswer('disable server servers/srv1', answer('2.6.12', 'permission-denied.txt'))))
      .toMatchInlineSnapshot(`
      {
        "code": "PERMISSION_DENIED",
        "command": "disable server servers/srv1",
        "message": "haproxy refused 'disable server servers/srv1': Permission denied",
        "name": "PermissionDeniedError",
        "response": "Permission denied",
      }
    `);
    const unknown = errorShape(classifyAnswer('frobnicate', answer('2.6.12', 'unknown-command.txt')));
    expect({ ...unknown, response: '…', suggestions: (unknown['suggestions'] as string[]).slice(0, 2) })
      .toMatchInlineSnapshot(`
      {
        "code": "UNKNOWN_COMMAND",
        "command": "frobnicate",
        "message": "haproxy refused 'frobnicate': Unknown command, but maybe one of the following ones is a better match:",
        "name": "UnknownCommandError",
        "response": "…",
        "suggestions": [
          "clear table <table> [<filter>]*",
          "disable frontend <frontend>",
        ],
      }
    `);
  });

  it('a ParseError for every reason, each from the call that gives it', async () => {
    const peer = await confirmingPeer();
    const noMapVersion = await new HaproxyRuntime(peer.path, { mode: 'oneshot' })
      .prepare('#0')
      .catch((error: unknown) => error);
    peer.server.close();
    // Typed as a Record so that a reason added to the union without a case here fails to compile.
    const cases: Record<HaproxyRuntimeParseReason, () => unknown> = {
      NOT_STAT_OUTPUT: () => thrown(() => parseStatCsv('Permission denied\n')),
      BAD_STAT_HEADER: () => thrown(() => parseStatCsv('# svname,pxname,type\n')),
      NOT_A_NUMBER: () => thrown(() => parseStatCsv('# pxname,svname,type,scur\nbe,s1,2,lots\n')),
      NOT_A_FIELD_LINE: () => thrown(() => parseStatTyped('web,FRONTEND,,\n')),
      NOT_INFO_OUTPUT: () => thrown(() => parseInfo('Permission denied')),
      NO_HEADER: () => thrown(() => parseServersState('No such backend.')),
      BAD_ROW: () => thrown(() => parseServersState(`1\n${serversStateHeader}\n3 be x s1 10.0.0.1 2 0 1 1\n`)),
      NO_MASTER: () => thrown(() => parseProc('Unknown command')),
      NO_MAP_VERSION: () => noMapVersion,
      OUTSIDE_SECTION: () => thrown(() => parseProfiles('socket = /x\n', 'p.ini')),
      INVALID_PROFILE: () => thrown(() => parseProfiles('[edge]\nsokcet = /x\n', 'p.ini')),
      INVALID_DURATION: () => thrown(() => parseProfiles('[edge]\nsocket = /x\ntimeout = soon\n', 'p.ini')),
      INVALID_SOCKET_ADDRESS: () => thrown(() => parseSocketAddress('admin.sock:x')),
    };
    const shapes = Object.entries(cases).map(([reason, make]) => {
      const error = make();
      expect(error, reason).toBeInstanceOf(ParseError);
      expect((error as ParseError).reason).toBe(reason);
      return errorShape(error);
    });
    expect(shapes).toMatchInlineSnapshot(`
      [
        {
          "code": "PARSE_ERROR",
          "column": undefined,
          "detail": "not show stat output (no '# pxname,…' header): "Permission denied\\n"",
          "file": undefined,
          "line": undefined,
          "message": "not show stat output (no '# pxname,…' header): "Permission denied\\n"",
          "name": "ParseError",
          "reason": "NOT_STAT_OUTPUT",
        },
        {
          "cause": "ValidationError: invalid show stat header: the header starts with pxname,svname",
          "code": "PARSE_ERROR",
          "column": 1,
          "detail": "invalid show stat header: the header starts with pxname,svname",
          "file": undefined,
          "line": 1,
          "message": "<input>:1:1: invalid show stat header: the header starts with pxname,svname",
          "name": "ParseError",
          "reason": "BAD_STAT_HEADER",
        },
        {
          "code": "PARSE_ERROR",
          "column": 1,
          "detail": "show stat: column scur is not a number: 'lots'",
          "file": undefined,
          "line": 2,
          "message": "<input>:2:1: show stat: column scur is not a number: 'lots'",
          "name": "ParseError",
          "reason": "NOT_A_NUMBER",
        },
        {
          "code": "PARSE_ERROR",
          "column": 1,
          "detail": "show stat typed: not a field line: "web,FRONTEND,,"",
          "file": undefined,
          "line": 1,
          "message": "<input>:1:1: show stat typed: not a field line: "web,FRONTEND,,"",
          "name": "ParseError",
          "reason": "NOT_A_FIELD_LINE",
        },
        {
          "cause": "ValidationError: invalid show info at Name: Invalid input: expected string, received undefined (and 1 more)",
          "code": "PARSE_ERROR",
          "column": undefined,
          "detail": "invalid show info at Name: Invalid input: expected string, received undefined (and 1 more)",
          "file": undefined,
          "line": undefined,
          "message": "invalid show info at Name: Invalid input: expected string, received undefined (and 1 more)",
          "name": "ParseError",
          "reason": "NOT_INFO_OUTPUT",
        },
        {
          "code": "PARSE_ERROR",
          "column": undefined,
          "detail": "show servers state: no '# be_id be_name …' header: "No such backend."",
          "file": undefined,
          "line": undefined,
          "message": "show servers state: no '# be_id be_name …' header: "No such backend."",
          "name": "ParseError",
          "reason": "NO_HEADER",
        },
        {
          "cause": "ValidationError: invalid show servers state row at srv_id: Invalid input: expected number, received string",
          "code": "PARSE_ERROR",
          "column": 1,
          "detail": "invalid show servers state row at srv_id: Invalid input: expected number, received string",
          "file": undefined,
          "line": 3,
          "message": "<input>:3:1: invalid show servers state row at srv_id: Invalid input: expected number, received string",
          "name": "ParseError",
          "reason": "BAD_ROW",
        },
        {
          "code": "PARSE_ERROR",
          "column": undefined,
          "detail": "not the master CLI's show proc (no master line): "Unknown command"",
          "file": undefined,
          "line": undefined,
          "message": "not the master CLI's show proc (no master line): "Unknown command"",
          "name": "ParseError",
          "reason": "NO_MASTER",
        },
        {
          "code": "PARSE_ERROR",
          "column": undefined,
          "detail": "prepare map #0: no 'New version created: N' in the answer: "Done."",
          "file": undefined,
          "line": undefined,
          "message": "prepare map #0: no 'New version created: N' in the answer: "Done."",
          "name": "ParseError",
          "reason": "NO_MAP_VERSION",
        },
        {
          "code": "PARSE_ERROR",
          "column": undefined,
          "detail": "'socket' is outside any [section]",
          "file": "p.ini",
          "line": undefined,
          "message": "p.ini: 'socket' is outside any [section]",
          "name": "ParseError",
          "reason": "OUTSIDE_SECTION",
        },
        {
          "code": "PARSE_ERROR",
          "column": undefined,
          "detail": "[edge] socket: missing; sokcet: unknown key (known: socket, timeout, mode)",
          "file": "p.ini",
          "line": undefined,
          "message": "p.ini: [edge] socket: missing; sokcet: unknown key (known: socket, timeout, mode)",
          "name": "ParseError",
          "reason": "INVALID_PROFILE",
        },
        {
          "cause": "ParseError: [edge] timeout: 'soon' is not a duration (e.g. 500ms, 5s, 2m, 1h, PT5M)",
          "code": "PARSE_ERROR",
          "column": undefined,
          "detail": "[edge] timeout: 'soon' is not a duration (e.g. 500ms, 5s, 2m, 1h, PT5M)",
          "file": "p.ini",
          "line": undefined,
          "message": "p.ini: [edge] timeout: 'soon' is not a duration (e.g. 500ms, 5s, 2m, 1h, PT5M)",
          "name": "ParseError",
          "reason": "INVALID_DURATION",
        },
        {
          "code": "PARSE_ERROR",
          "column": undefined,
          "detail": "'admin.sock:x' is not a socket address (a path, ipv4@HOST:PORT or ipv6@[HOST]:PORT, port 1 to 65535)",
          "file": undefined,
          "line": undefined,
          "message": "'admin.sock:x' is not a socket address (a path, ipv4@HOST:PORT or ipv6@[HOST]:PORT, port 1 to 65535)",
          "name": "ParseError",
          "reason": "INVALID_SOCKET_ADDRESS",
        },
      ]
    `);
  });

  it('a bad argument from library code is a TypeError', async () => {
    expect(errorShape(thrown(() => splitServer('srv1')))).toMatchInlineSnapshot(`
      {
        "message": "'srv1' is not BACKEND/SERVER",
        "name": "TypeError",
      }
    `);
    const runtime = new HaproxyRuntime('/nonexistent.sock', { mode: 'oneshot' });
    expect(errorShape(await runtime.setServerWeight('be/s1', 300).catch((error: unknown) => error)))
      .toMatchInlineSnapshot(`
      {
        "message": "weight 300 is out of range (0 to 256)",
        "name": "TypeError",
      }
    `);
  });

  it('reasons are a closed list', () => {
    // @ts-expect-error: not one of HaproxyRuntimeParseReason
    expect(runtimeParseError('SOMETHING_ELSE', 'x')).toBeInstanceOf(ParseError);
  });
});
