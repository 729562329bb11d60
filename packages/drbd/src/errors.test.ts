import { describe, expect, it } from 'vitest';
import { CommandError } from '@ha/core';
import { errorShape, thrown } from '@ha/core/testing';
import type { DrbdParseReason } from './codes.js';
import { requireResource } from './edit/edits.js';
import { drbdUnavailableFrom } from './errors.js';
import { parse } from './parse/cst.js';
import { parseDrbdStatusText } from './status/read.js';
import { buildResource } from './build/builder.js';

// The shapes of the errors the package throws, pinned: callers branch on their class and fields.
describe('error shapes', () => {
  it('a syntax error: ParseError, the finding code as reason, file, line and column', () => {
    const error = thrown(() => parse('resource r0 {\n  on a { address 10.0.0.1:7789 }\n}\n', { file: 'r0.res' }));
    expect((error as { reason: DrbdParseReason }).reason).toBe('MISSING_SEMICOLON');
    expect(errorShape(error)).toMatchInlineSnapshot(`
      {
        "code": "PARSE_ERROR",
        "column": 32,
        "detail": "'address' is not ended by ';' ('}' came first)",
        "file": "r0.res",
        "line": 2,
        "message": "r0.res:2:32: 'address' is not ended by ';' ('}' came first)",
        "name": "ParseError",
        "reason": "MISSING_SEMICOLON",
      }
    `);
  });

  it('a text that is no DRBD status: ParseError, the file only, or the line and column where a format broke', () => {
    expect(errorShape(thrown(() => parseDrbdStatusText('', { file: 'c.txt' })))).toMatchInlineSnapshot(`
      {
        "code": "PARSE_ERROR",
        "column": undefined,
        "detail": "not a DRBD status: the text is empty (expected drbdsetup status --json, drbdadm status, /proc/drbd or drbdsetup events2 output)",
        "file": "c.txt",
        "line": undefined,
        "message": "c.txt: not a DRBD status: the text is empty (expected drbdsetup status --json, drbdadm status, /proc/drbd or drbdsetup events2 output)",
        "name": "ParseError",
        "reason": "BAD_STATUS",
      }
    `);
    expect(errorShape(thrown(() => parseDrbdStatusText('hello world\n', { file: 'capture.txt' }))))
      .toMatchInlineSnapshot(`
      {
        "code": "PARSE_ERROR",
        "column": 7,
        "detail": "not drbdadm status output: expected key:value, got 'world'",
        "file": "capture.txt",
        "line": 1,
        "message": "capture.txt:1:7: not drbdadm status output: expected key:value, got 'world'",
        "name": "ParseError",
        "reason": "BAD_STATUS",
      }
    `);
    expect(errorShape(thrown(() => parseDrbdStatusText('[{"name":"r0"}]', { file: 'status.json' }))))
      .toMatchInlineSnapshot(`
      {
        "code": "PARSE_ERROR",
        "column": undefined,
        "detail": "not drbdsetup status --json: resources[0]."role" should be a string (it is missing)",
        "file": "status.json",
        "line": undefined,
        "message": "status.json: not drbdsetup status --json: resources[0]."role" should be a string (it is missing)",
        "name": "ParseError",
        "reason": "BAD_STATUS",
      }
    `);
    expect(
      errorShape(thrown(() => parseDrbdStatusText('exists resource name:r0\nbogus line\n', { file: 'events.txt' }))),
    ).toMatchInlineSnapshot(`
      {
        "code": "PARSE_ERROR",
        "column": 1,
        "detail": "not drbdsetup events2 output: not an events2 line (expected VERB OBJECT key:value …)",
        "file": "events.txt",
        "line": 2,
        "message": "events.txt:2:1: not drbdsetup events2 output: not an events2 line (expected VERB OBJECT key:value …)",
        "name": "ParseError",
        "reason": "BAD_EVENT",
      }
    `);
  });

  it('no kernel module: ServiceUnavailableError for drbd, with the exit code and the CommandError as cause', () => {
    const stderr = 'Failed to modprobe drbd\n';
    const failure = new CommandError({
      file: 'drbdsetup',
      args: ['status'],
      command: 'drbdsetup status',
      exitCode: 20,
      signal: undefined,
      stdout: '',
      stderr,
      timedOut: false,
      durationMs: 3,
    });
    expect(errorShape(drbdUnavailableFrom(failure))).toMatchInlineSnapshot(`
      {
        "cause": "CommandError: drbdsetup status exited with code 20: Failed to modprobe drbd",
        "code": "SERVICE_UNAVAILABLE",
        "exitCode": 20,
        "message": "DRBD is not available here: the drbd kernel module is not loaded (drbdsetup status exited with code 20: Failed to modprobe drbd)",
        "name": "ServiceUnavailableError",
        "service": "drbd",
      }
    `);
  });

  it('a resource that is not there: HaError NOT_FOUND; a bad argument: TypeError', () => {
    expect(errorShape(thrown(() => requireResource(parse('resource r0 { }\n', { file: 'r0.res' }), 'r9'))))
      .toMatchInlineSnapshot(`
      {
        "code": "NOT_FOUND",
        "message": "no resource 'r9' in r0.res",
        "name": "HaError",
      }
    `);
    expect(errorShape(thrown(() => buildResource({ name: 'r0', nodes: [] })))).toMatchInlineSnapshot(`
      {
        "message": "a resource needs its nodes",
        "name": "TypeError",
      }
    `);
  });
});
