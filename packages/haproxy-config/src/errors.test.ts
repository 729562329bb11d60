import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withFileLock } from '@ha/core';
import { errorShape, rejection, thrown } from '@ha/core/testing';
import { ConfigBuilder } from './build/builder.js';
import { addServer, requireBackend } from './edit/edits.js';
import { readConfig } from './io/read.js';
import { install, writeConfig } from './io/write.js';
import { parse } from './parse/cst.js';

// The shape of every error this package throws, pinned: a change to one is a change of the API.
const scratch = await mkdtemp(join(tmpdir(), 'ha-haproxy-errors-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const seed = 'global\n    stats socket /run/haproxy/ha-errors-test.sock\n';
// Scratch paths and process ids differ from run to run.
const shape = (error: unknown) =>
  JSON.parse(
    JSON.stringify(errorShape(error))
      .replaceAll(scratch, '<scratch>')
      .replace(/process \d+/g, 'process <pid>'),
  ) as unknown;
const seeded = async (name: string) => {
  const path = join(scratch, name);
  await writeFile(path, seed);
  return path;
};

describe('error shapes', () => {
  it('ParseError: the first syntax error, its code as the reason', async () => {
    expect(shape(thrown(() => parse('global\n    log "127.0.0.1 local0\n', { file: 'haproxy.cfg' }))))
      .toMatchInlineSnapshot(`
      {
        "code": "PARSE_ERROR",
        "column": 9,
        "detail": "unterminated double quote",
        "file": "haproxy.cfg",
        "line": 2,
        "message": "haproxy.cfg:2:9: unterminated double quote",
        "name": "ParseError",
        "reason": "UNTERMINATED_QUOTE",
      }
    `);
    expect(shape(thrown(() => parse('maxconn 1\n')))).toMatchInlineSnapshot(`
      {
        "code": "PARSE_ERROR",
        "column": 1,
        "detail": "'maxconn' before any section",
        "line": 1,
        "message": "<input>:1:1: 'maxconn' before any section",
        "name": "ParseError",
        "reason": "DIRECTIVE_OUTSIDE_SECTION",
      }
    `);
    expect(shape(thrown(() => new ConfigBuilder().section(['global'], [['.endif']]).toDocument())))
      .toMatchInlineSnapshot(`
      {
        "code": "PARSE_ERROR",
        "column": 5,
        "detail": "'.endif' without an '.if'",
        "line": 2,
        "message": "<input>:2:5: '.endif' without an '.if'",
        "name": "ParseError",
        "reason": "UNMATCHED_CONDITIONAL",
      }
    `);
  });

  it('ConfigRejectedError at each stage of writeConfig and install', async () => {
    const rules = await seeded('rules.cfg');
    expect(
      shape(
        await rejection(
          writeConfig(rules, `${seed}frontend fe\n    bind 127.0.0.1:18411\n    default_backend ghost\n`),
        ),
      ),
    ).toMatchInlineSnapshot(`
      {
        "code": "CONFIG_REJECTED",
        "findings": [
          {
            "code": "UNKNOWN_BACKEND",
            "column": 21,
            "file": "<scratch>/rules.cfg",
            "line": 5,
            "message": "no backend named 'ghost'",
            "range": {
              "end": 119,
              "start": 114,
            },
            "severity": "error",
          },
        ],
        "message": "<scratch>/rules.cfg:5:21: no backend named 'ghost' (not written)",
        "name": "ConfigRejectedError",
        "path": "<scratch>/rules.cfg",
        "rolledBack": false,
        "stage": "validate",
      }
    `);
    const check = await seeded('check.cfg');
    expect(
      shape(
        await rejection(writeConfig(check, `${seed}backend b\n    server s 127.0.0.1:notaport\n`, { validate: false })),
      ),
    ).toMatchInlineSnapshot(`
      {
        "code": "CONFIG_REJECTED",
        "findings": [
          {
            "code": "HAPROXY_ALERT",
            "column": 1,
            "file": "<scratch>/check.cfg",
            "line": 4,
            "message": "haproxy -c: 'server b/s' : invalid character 'n' in port number 'notaport' in '127.0.0.1:notaport'",
            "range": {
              "end": 0,
              "start": 0,
            },
            "severity": "error",
          },
        ],
        "message": "<scratch>/check.cfg:4:1: haproxy -c: 'server b/s' : invalid character 'n' in port number 'notaport' in '127.0.0.1:notaport' (not written)",
        "name": "ConfigRejectedError",
        "path": "<scratch>/check.cfg",
        "rolledBack": false,
        "stage": "check",
      }
    `);
    const stale = await seeded('stale.cfg');
    expect(shape(await rejection(writeConfig(stale, `${seed}# new\n`, { expectedSha256: null, check: false }))))
      .toMatchInlineSnapshot(`
      {
        "code": "CONFIG_REJECTED",
        "detail": "was created since it was read; read it again and redo the change",
        "findings": [],
        "message": "<scratch>/stale.cfg: was created since it was read; read it again and redo the change (not written)",
        "name": "ConfigRejectedError",
        "path": "<scratch>/stale.cfg",
        "rolledBack": false,
        "stage": "stale",
      }
    `);
    const locked = await seeded('locked.cfg');
    expect(
      await withFileLock(locked, async () =>
        shape(await rejection(writeConfig(locked, `${seed}# new\n`, { check: false, lock: { timeoutMs: 100 } }))),
      ),
    ).toMatchInlineSnapshot(`
      {
        "cause": "HaError: <scratch>/locked.cfg: locked by process <pid> (<scratch>/locked.cfg.lock) for longer than 100 ms",
        "code": "CONFIG_REJECTED",
        "detail": "locked by process <pid> (<scratch>/locked.cfg.lock) for longer than 100 ms",
        "findings": [],
        "message": "<scratch>/locked.cfg: locked by process <pid> (<scratch>/locked.cfg.lock) for longer than 100 ms (not written)",
        "name": "ConfigRejectedError",
        "path": "<scratch>/locked.cfg",
        "rolledBack": false,
        "stage": "lock",
      }
    `);
    const reload = await seeded('reload.cfg');
    const refuse = async () => {
      throw new Error('refused');
    };
    expect(shape(await rejection(install(reload, `${seed}# new\n`, { check: false, reload: refuse }))))
      .toMatchInlineSnapshot(`
      {
        "cause": "Error: refused",
        "code": "CONFIG_REJECTED",
        "detail": "the reload failed: refused",
        "findings": [],
        "message": "<scratch>/reload.cfg: the reload failed: refused (previous file restored)",
        "name": "ConfigRejectedError",
        "path": "<scratch>/reload.cfg",
        "rolledBack": true,
        "stage": "reload",
      }
    `);
    const confirm = await seeded('confirm.cfg');
    expect(
      shape(
        await rejection(
          install(confirm, `${seed}# new\n`, { check: false, reload: async () => undefined, confirm: refuse }),
        ),
      ),
    ).toMatchInlineSnapshot(`
      {
        "cause": "Error: refused",
        "code": "CONFIG_REJECTED",
        "detail": "the new configuration did not serve: refused; the previous file is reloaded",
        "findings": [],
        "message": "<scratch>/confirm.cfg: the new configuration did not serve: refused; the previous file is reloaded (previous file restored)",
        "name": "ConfigRejectedError",
        "path": "<scratch>/confirm.cfg",
        "rolledBack": true,
        "stage": "confirm",
      }
    `);
  });

  it('HaError NOT_FOUND and PRECONDITION_FAILED, TypeError for a bad argument', async () => {
    const document = parse('backend servers\n    server web1 10.0.0.1:80\n', { file: 'haproxy.cfg' });
    expect(shape(thrown(() => requireBackend(document, 'ghost')))).toMatchInlineSnapshot(`
      {
        "code": "NOT_FOUND",
        "message": "no backend named 'ghost' in haproxy.cfg",
        "name": "HaError",
      }
    `);
    expect(shape(await rejection(readConfig(join(scratch, 'missing.cfg'))))).toMatchInlineSnapshot(`
      {
        "cause": "Error: ENOENT: no such file or directory, stat '<scratch>/missing.cfg'",
        "code": "NOT_FOUND",
        "message": "<scratch>/missing.cfg: cannot read: ENOENT: no such file or directory, stat '<scratch>/missing.cfg'",
        "name": "HaError",
      }
    `);
    expect(shape(thrown(() => addServer(document, 'servers', { name: 'web1', address: '10.0.0.2:80' }))))
      .toMatchInlineSnapshot(`
      {
        "code": "PRECONDITION_FAILED",
        "message": "backend 'servers' already has a server named 'web1'",
        "name": "HaError",
      }
    `);
    expect(shape(thrown(() => addServer(document, 'servers', { name: 'web 2', address: '10.0.0.2:80' }))))
      .toMatchInlineSnapshot(`
      {
        "message": "'web 2' is not a server name (letters, digits, '_', '.', ':', '-')",
        "name": "TypeError",
      }
    `);
  });
});
