import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '@ha/core';
import { expectLinearCosts, fillToSize as fill, measureSizes } from '@ha/core/testing';
import { command } from './cli.js';
import { safeParse } from './parse/cst.js';
import { format } from './print/format.js';
import { evaluateDrbdHealth } from './status/health.js';
import { parseDrbdStatusText } from './status/read.js';
import { validate } from './validate/rules.js';

// Parsing, validation, formatting and the status readers are linear in their input: each step of
// sizes 1 : 10 : 50 of a base small enough for a unit run costs at most 3 times its share of the
// size ratio (a quadratic step costs the square of it). The cost is the process's CPU time, which
// other work on a busy machine disturbs less than the clock (core's test kit measures it).

const scratch = await mkdtemp(join(tmpdir(), 'ha-drbd-linear-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const resourceFile = (bytes: number) =>
  fill(
    bytes,
    (i) =>
      `resource r${i} {\n` +
      `  device /dev/drbd${i}; disk /dev/vg/lv${i}; meta-disk internal;\n` +
      `  on node1 { node-id 0; address ${ip(i)}:7789; }\n` +
      `  on node2 { node-id 1; address ${ip(i + 1)}:7790; }\n` +
      '}\n',
  );
// One resource with a host and a connection per line: a check per host that scans every connection is quadratic here.
const oneBigResource = (bytes: number) =>
  fill(
    bytes,
    (i) => `  on h${i} { node-id ${i}; address ${ip(i)}:7789; }\n  connection { host h${i}; host h${i + 1}; }\n`,
    'resource big {\n  device minor 1; disk /dev/sdb1; meta-disk internal;\n',
    '}\n',
  );
const drbdadmText = (bytes: number) => fill(bytes, (i) => `r${i} role:Primary\n  disk:UpToDate\n`);
const jsonResource = (i: number) =>
  `{"name":"r${i}","role":"Primary","devices":[{"volume":0,"disk-state":"UpToDate","size":18446744073709551608}],` +
  '"connections":[{"name":"b","connection-state":"Connected","peer-role":"Secondary",' +
  '"peer_devices":[{"volume":0,"replication-state":"Established","peer-disk-state":"UpToDate"}]}]}\n';
const json = (bytes: number) => fill(bytes, (i) => `${i === 0 ? '' : ','}${jsonResource(i)}`, '[\n', ']\n');
const procDevice = (i: number) =>
  ` ${i}: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----\n` +
  '    ns:1048508 nr:0 dw:0 dr:1050620 al:8 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0\n';
const proc = (bytes: number) => fill(bytes, procDevice, 'version: 8.4.11 (api:1/proto:86-101)\n');
const events2Resource = (i: number) =>
  `exists resource name:r${i} role:Primary\nexists device name:r${i} volume:0 minor:${i} disk:UpToDate\n` +
  `exists connection name:r${i} peer-node-id:1 conn-name:b connection:Connected role:Secondary\n` +
  `exists peer-device name:r${i} peer-node-id:1 conn-name:b volume:0 replication:Established peer-disk:UpToDate\n`;
const events2 = (bytes: number) => fill(bytes, events2Resource, '', 'exists -\n');

let fileNumber = 0;
const cases: { name: string; base: number; make: (bytes: number) => string; run: (text: string) => unknown }[] = [
  {
    name: 'validate, many resources',
    base: 40_000,
    make: resourceFile,
    run: (text) => validate(text, { host: 'node1' }),
  },
  {
    name: 'validate, one resource with many hosts and connections',
    base: 40_000,
    make: oneBigResource,
    run: (text) => validate(text, { host: 'h1' }),
  },
  {
    name: 'safeParse + format, many resources',
    base: 40_000,
    make: resourceFile,
    run: (text) => format(safeParse(text).document),
  },
  {
    name: 'safeParse of damaged text (a finding per line, folded)',
    base: 40_000,
    make: (bytes) => fill(bytes, (i) => `stray${i} }\n;\n`),
    run: (text) => safeParse(text),
  },
  {
    name: 'drbdsetup status --json (with exact u64 counters) + health',
    base: 40_000,
    make: json,
    run: (text) => evaluateDrbdHealth(parseDrbdStatusText(text)),
  },
  {
    name: '/proc/drbd + health',
    base: 40_000,
    make: proc,
    run: (text) => evaluateDrbdHealth(parseDrbdStatusText(text)),
  },
  {
    name: 'an events2 capture + health',
    base: 40_000,
    make: events2,
    run: (text) => evaluateDrbdHealth(parseDrbdStatusText(text)),
  },
  {
    // Through the CLI: read, parse, health, and one printed block per resource.
    name: 'ha-drbd status --from (drbdadm status text)',
    base: 40_000,
    make: drbdadmText,
    run: async (text) => {
      const file = join(scratch, `status-${fileNumber++}.txt`);
      await writeFile(file, text);
      const result = await runCliCaptured(command, ['status', '--from', file]);
      expect(result.code).toBe(0);
    },
  },
  {
    name: 'ha-drbd validate --no-real-check',
    base: 40_000,
    make: resourceFile,
    run: async (text) => {
      const file = join(scratch, `validate-${fileNumber++}.res`);
      await writeFile(file, text);
      const result = await runCliCaptured(command, ['validate', file, '--host', 'node1', '--no-real-check']);
      expect(result).toMatchObject({ code: 0, err: '' });
    },
  },
];

describe('time is linear in the input (1 : 10 : 50)', () => {
  for (const { name, base, make, run } of cases) {
    it(name, async () => expectLinearCosts(await measureSizes([base, base * 10, base * 50], make, run), 3), 120_000);
  }
});
