import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '@ha/core';
import { fixturesDirectory } from '../test/fixtures.js';
import { command } from './cli.js';

const scratch = await mkdtemp(join(tmpdir(), 'ha-drbd-cli-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const run = (argv: string[]) => runCliCaptured(command, argv);

const capture = (name: string) => join(fixturesDirectory, name);

describe('ha-drbd status --from', () => {
  it('healthy: exit 0', async () => {
    const result = await run(['status', '--from', capture('drbd-9/status-connected.json')]);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toBe('r0 Primary (node-id 0): healthy\n  volume 0 minor 0: UpToDate\n  node2 Connected Secondary\n    volume 0: Established, peer UpToDate\n');
  });

  it('a resync shows a progress bar and the ETA, and is not healthy: exit 1', async () => {
    const result = await run(['status', '--from', capture('drbd-9/status-sync-source.json')]);
    expect(result.code).toBe(1);
    expect(result.out).toContain('    volume 0: SyncSource, peer Inconsistent [========>           ] 42.7% eta 31s\n');
    expect(result.out).toContain('  - SyncSource with node2: 42.7% in sync\n');
  });

  it('reads drbdadm status text and /proc/drbd captures too; one resource by name', async () => {
    expect((await run(['status', '--from', capture('drbd-9/drbdadm-status-standalone.txt'), 'r1'])).out).toBe('r1 Secondary: degraded\n  volume 0: Outdated\n  node2 Connecting Unknown\n  - the local disk is Outdated\n  - connection to node2 is Connecting\n');
    const proc = await run(['status', '--from', capture('drbd-8.4/proc-drbd.txt'), '--json']);
    expect(proc.code).toBe(1);
    const parsed = JSON.parse(proc.out) as { source: string; health: { state: string }; resources: { connections: { peerDevices: { outOfSync: unknown }[] }[] }[] };
    expect(parsed).toMatchObject({ source: 'proc-drbd', health: { state: 'diskless' } });
    // Beyond 2^53: written exactly, as a string.
    expect(parsed.resources[2]?.connections[0]?.peerDevices[0]?.outOfSync).toBe('18446744073709551608');
  });

  it('split brain and errors: exit 1 and exit 2 with one line', async () => {
    const missing = await run(['status', '--from', join(scratch, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.err.trim().split('\n')).toHaveLength(1);
    const truncated = join(scratch, 'truncated.json');
    await writeFile(truncated, (await readFile(capture('drbd-9/status-connected.json'), 'utf8')).slice(0, 200));
    const bad = await run(['status', '--from', truncated]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(new RegExp(`^ha-drbd: ${truncated}:\\d+:\\d+: not valid JSON`));
    expect((await run(['status', '--from', capture('drbd-9/status-connected.json'), 'r9'])).err).toMatch(/no DRBD resource 'r9'/);
  });

  it('live, on this machine: DRBD is unavailable, one line, exit 2', async () => {
    const result = await run(['status']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^ha-drbd: DRBD is not available here: the drbd kernel module is not loaded/);
    expect(result.err.trim().split('\n')).toHaveLength(1);
  });
});

describe('ha-drbd gen, show, validate', () => {
  it("generates the seed's resource, which shows and validates clean", async () => {
    const file = join(scratch, 'drbd0.res');
    expect((await run(['gen', '--name', 'drbd0', '--device', '/dev/drbd0', '--disk', '/dev/sdb1', '--meta-disk', 'internal', '--node', 'node1=10.213.0.1:7789', '--node', 'node2=10.213.0.2:7789', '-o', file])).code).toBe(0);
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(/^resource drbd0 \{/);
    expect((await run(['show', file])).out).toBe('resource drbd0\n  volume 0: /dev/drbd0 on /dev/sdb1, meta-disk internal\n  node1 node-id 0 ipv4 10.213.0.1:7789\n  node2 node-id 1 ipv4 10.213.0.2:7789\n');
    const shown = JSON.parse((await run(['show', file, '--json'])).out) as { resources: { name: string }[] };
    expect(shown.resources.map((resource) => resource.name)).toEqual(['drbd0']);
    // Validated as node1 (this machine is not in the resource); the real drbdadm dump agrees.
    expect(await run(['validate', file, '--host', 'node1'])).toMatchObject({ code: 0, out: '' });
  });

  it('validate: findings with FILE:LINE:COL; 1 for an error, warnings only with --strict, 2 unparsable', async () => {
    const file = join(scratch, 'bad.res');
    await writeFile(file, 'resource r0 {\n  device /dev/drbd0; disk /dev/sdb1; meta-disk internal;\n  on a { address 10.0.0.1:7789; }\n  on b { }\n}\n');
    const bad = await run(['validate', file, '--host', 'a', '--no-real-check']);
    expect(bad).toMatchObject({ code: 1, out: `${file}:4:3: error MISSING_ADDRESS: host b of 'r0' has no address\n` });

    const warned = join(scratch, 'warned.res');
    await writeFile(warned, 'resource r0 {\n  device /dev/drbd0; disk /dev/sdb1; meta-disk internal;\n  on a { address 10.0.0.1:7789; }\n  on b { address 10.0.0.2:7789; }\n}\n');
    expect((await run(['validate', warned, '--host', 'z', '--no-real-check'])).code).toBe(0);
    expect((await run(['validate', warned, '--host', 'z', '--no-real-check', '--strict'])).code).toBe(1);

    const broken = join(scratch, 'broken.res');
    await writeFile(broken, 'resource r0 {\n  on a { address 10.0.0.1:7789; }\n');
    const result = await run(['validate', broken]);
    expect(result.code).toBe(2);
    expect(result.err).toBe(`ha-drbd: ${broken}:1:1: error MISSING_CLOSE_BRACE: 'resource r0' is never closed (missing '}'; drbdadm would not notice)\n`);
    expect((await run(['validate', scratch])).code).toBe(2);
  });

  it("the real drbdadm's complaint becomes a finding", async () => {
    const file = join(scratch, 'unknown-option.res');
    await writeFile(file, 'global { disable-ip-verification; }\nresource r0 {\n  device /dev/drbd0; disk /dev/sdb1; meta-disk internal;\n  net { no-such-option yes; }\n  on a { node-id 0; address 10.0.0.1:7789; }\n  on b { node-id 1; address 10.0.0.2:7789; }\n}\n');
    const result = await run(['validate', file, '--host', 'a']);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(new RegExp(`^${file}:4:1: error DRBDADM_ERROR: drbdadm: `, 'm'));
  });
});

describe('ha-drbd verbs', () => {
  it('--dry-run prints what drbdadm would run', async () => {
    const file = join(scratch, 'verbs.res');
    await writeFile(file, 'global { disable-ip-verification; }\nresource r0 {\n  device /dev/drbd0; disk /dev/sdb1; meta-disk internal;\n  on node1 { node-id 0; address 10.213.0.1:7789; }\n  on node2 { node-id 1; address 10.213.0.2:7789; }\n}\n');
    expect(await run(['primary', 'r0', '--force', '--dry-run', '--config', file, '--node', 'node1'])).toMatchObject({ code: 0, out: 'drbdsetup primary r0 --force\n' });
    expect(await run(['create-md', 'r0', '--force', '--dry-run', '--config', file, '--node', 'node2'])).toMatchObject({ code: 0, out: 'drbdmeta 0 v09 /dev/sdb1 internal create-md 1 --force\n' });
    const refused = await run(['up', '--all', '--dry-run', '--config', file]);
    expect(refused.code).toBe(2);
  });
});
