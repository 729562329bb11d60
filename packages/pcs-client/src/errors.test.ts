import { describe, expect, it } from 'vitest';
import { CommandError } from '@ha/core';
import { errorShape, recordedResult } from '@ha/core/testing';
import { fixture, thrown } from '../test/fixtures.js';
import { assertId, clusterSetupArgs } from './client/args.js';
import { PcsCommandError } from './errors.js';
import { parseConstraints } from './status/constraints.js';
import { parseClusterStatus } from './status/parse.js';

// Every error this package throws, pinned as data: a field renamed, added or lost shows here first.
describe('the shape of every error', () => {
  it("Pacemaker not there: core ServiceUnavailableError for pacemaker, with the exit code and the tool's first error", () => {
    expect(errorShape(thrown(() => parseClusterStatus(fixture('crm_mon/2.1.5/failures/not-connected.xml')))))
      .toMatchInlineSnapshot(`
      {
        "code": "SERVICE_UNAVAILABLE",
        "exitCode": 102,
        "message": "the cluster is not available: Not connected (error: Could not connect to launcher: Connection refused)",
        "name": "ServiceUnavailableError",
        "service": "pacemaker",
      }
    `);
  });

  it('a failure a tool reports in its XML: PacemakerToolError', () => {
    expect(
      errorShape(
        thrown(() => parseClusterStatus(fixture('crm_resource/2.1.5/no-such-resource.xml'), { file: 'out.xml' })),
      ),
    ).toMatchInlineSnapshot(`
      {
        "code": "COMMAND_FAILED",
        "errors": [
          "crm_resource: Resource 'nope' not found
      Error performing operation: No such object",
        ],
        "message": "out.xml: crm_resource: Resource 'nope' not found",
        "name": "PacemakerToolError",
        "request": "crm_resource --resource nope --query-xml --output-as=xml",
        "source": "out.xml",
        "statusCode": 105,
        "statusMessage": "No such object",
        "tool": "crm_resource",
      }
    `);
  });

  it('not a status: ParseError with a reason of PcsParseReason, placed where it has a place', () => {
    expect(errorShape(thrown(() => parseClusterStatus('<cib/>', { file: 'cib.xml' })))).toMatchInlineSnapshot(`
      {
        "code": "PARSE_ERROR",
        "column": 6,
        "detail": "not Pacemaker status XML (root element <cib>, expected <pacemaker-result> or <crm_mon>)",
        "file": "cib.xml",
        "line": 1,
        "message": "cib.xml:1:6: not Pacemaker status XML (root element <cib>, expected <pacemaker-result> or <crm_mon>)",
        "name": "ParseError",
        "reason": "NOT_STATUS_XML",
      }
    `);
    expect(errorShape(thrown(() => parseClusterStatus('', { file: 'empty.xml' })))).toMatchInlineSnapshot(`
      {
        "code": "PARSE_ERROR",
        "column": undefined,
        "detail": "empty input: no XML at all",
        "file": "empty.xml",
        "line": undefined,
        "message": "empty.xml: empty input: no XML at all",
        "name": "ParseError",
        "reason": "EMPTY_INPUT",
      }
    `);
    expect(
      errorShape(
        thrown(() => parseClusterStatus('<pacemaker-result api-version="2.25"><status code="x"/></pacemaker-result>')),
      ),
    ).toMatchInlineSnapshot(`
      {
        "code": "PARSE_ERROR",
        "column": 55,
        "detail": "<status code="x"> is not a number",
        "file": undefined,
        "line": 1,
        "message": "<input>:1:55: <status code="x"> is not a number",
        "name": "ParseError",
        "reason": "BAD_STATUS_CODE",
      }
    `);
    expect(errorShape(thrown(() => parseConstraints('<cib/>')))).toMatchInlineSnapshot(`
      {
        "code": "PARSE_ERROR",
        "column": 6,
        "detail": "no <constraints> section (root element <cib>)",
        "file": undefined,
        "line": 1,
        "message": "<input>:1:6: no <constraints> section (root element <cib>)",
        "name": "ParseError",
        "reason": "NO_CONSTRAINTS",
      }
    `);
  });

  it('a status API version this package cannot vouch for: UnsupportedApiVersionError', () => {
    expect(errorShape(thrown(() => parseClusterStatus('<pacemaker-result api-version="3.0"/>', { file: 'next.xml' }))))
      .toMatchInlineSnapshot(`
      {
        "code": "UNSUPPORTED_VERSION",
        "message": "next.xml: unsupported Pacemaker status API version '3.0' (this package reads pacemaker-result 2.x and the legacy crm_mon 1.1 format)",
        "name": "UnsupportedApiVersionError",
        "version": "3.0",
      }
    `);
  });

  it("pcs refused: PcsCommandError, the runner's CommandError with pcs's own Error: lines", () => {
    const outcome = recordedResult('pcs', ['resource', 'delete', 'nope'], {
      exitCode: 1,
      stderr:
        "Error: Resource 'nope' does not exist.\nError: Errors have occurred, therefore pcs is unable to continue\n",
      durationMs: 412,
    });
    const error = new PcsCommandError(outcome, { cause: new CommandError(outcome) });
    expect(error).toBeInstanceOf(CommandError);
    expect(errorShape(error)).toMatchInlineSnapshot(`
      {
        "args": [
          "resource",
          "delete",
          "nope",
        ],
        "cause": "CommandError: pcs resource delete nope exited with code 1: Error: Resource 'nope' does not exist.",
        "code": "COMMAND_FAILED",
        "command": "pcs resource delete nope",
        "durationMs": 412,
        "exitCode": 1,
        "file": "pcs",
        "message": "pcs resource delete nope: Resource 'nope' does not exist.; Errors have occurred, therefore pcs is unable to continue",
        "name": "PcsCommandError",
        "pcsErrors": [
          "Resource 'nope' does not exist.",
          "Errors have occurred, therefore pcs is unable to continue",
        ],
        "signal": undefined,
        "stderr": "Error: Resource 'nope' does not exist.
      Error: Errors have occurred, therefore pcs is unable to continue
      ",
        "stdout": "",
        "timedOut": false,
      }
    `);
  });

  it('a bad argument: UnsafeArgumentError for a value that would reach pcs, TypeError for options that exclude each other', () => {
    expect(errorShape(thrown(() => assertId('--force', 'resource id')))).toMatchInlineSnapshot(`
      {
        "code": "UNSAFE_ARGUMENT",
        "message": "resource id '--force' is not a valid id: start with a letter or '_', then use letters, digits, '_', '.' or '-'",
        "name": "UnsafeArgumentError",
        "value": "--force",
      }
    `);
    expect(
      errorShape(
        thrown(() =>
          clusterSetupArgs({ name: 'c', nodes: [{ name: 'a' }], corosyncConfFile: '/tmp/c.conf', start: true }),
        ),
      ),
    ).toMatchInlineSnapshot(`
      {
        "message": "corosyncConfFile (--corosync_conf) only writes the file: start and enable need pcsd",
        "name": "TypeError",
      }
    `);
  });
});
