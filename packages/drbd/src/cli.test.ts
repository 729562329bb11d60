import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '@ha/core';
import { fixture, fixturesDirectory } from '../test/fixtures.js';
import { command } from './cli.js';

const scratch = await mkdtemp(join(tmpdir(), 'ha-drbd-cli-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const run = (argv: string[]) => runCliCaptured(command, argv);

const capture = (name: string) => join(fixturesDirectory, name);

describe('ha-drbd status --from', () => {
  it('healthy: exit 0', async () => {
    const result = await run(['status', '--from', capture('drbd-9/status-connected.json')]);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toBe(
      'r0 Primary (node-id 0): healthy\n  volume 0 minor 0: UpToDate\n  node2 Connected Secondary\n' +
        '    volume 0: Established, peer UpToDate\n',
    );
  });

  it('a resync shows a progress bar and the ETA, and is not healthy: exit 1', async () => {
    const result = await run(['status', '--from', capture('drbd-9/status-sync-source.json')]);
    expect(result.code).toBe(1);
    expect(result.out).toContain('    volume 0: SyncSource, peer Inconsistent [========>           ] 42.7% eta 31s\n');
    expect(result.out).toContain('  - SyncSource with node2: 42.7% in sync\n');
  });

  it('reads drbdadm status text and /proc/drbd captures too; one resource by name', async () => {
    expect((await run(['status', '--from', capture('drbd-9/drbdadm-status-standalone.txt'), 'r1'])).out).toBe(
      'r1 Secondary: degraded\n  volume 0: Outdated\n  node2 Connecting Unknown\n' +
        '  - the local disk is Outdated\n  - connection to node2 is Connecting\n',
    );
    const proc = await run(['status', '--from', capture('drbd-8.4/proc-drbd.txt'), '--json']);
    expect(proc.code).toBe(1);
    const parsed = JSON.parse(proc.out) as {
      source: string;
      health: { state: string };
      resources: { connections: { peerDevices: { outOfSync: unknown }[] }[] }[];
    };
    expect(parsed).toMatchObject({
      source: 'proc-drbd',
      health: {
        healthy: false,
        state: 'diskless',
        reasons: expect.arrayContaining([
          { code: 'DISKLESS', message: 'drbd4: the local disk is gone (Diskless)', subject: 'drbd4' },
        ]),
      },
    });
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
    expect((await run(['status', '--from', capture('drbd-9/status-connected.json'), 'r9'])).err).toMatch(
      /no DRBD resource 'r9'/,
    );
  });

  it('live, on this machine: DRBD is unavailable, one line, exit 2', async () => {
    const result = await run(['status']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^ha-drbd: DRBD is not available here: the drbd kernel module is not loaded/);
    expect(result.err.trim().split('\n')).toHaveLength(1);
  });
});

describe('ha-drbd status: wrong input is an error, never a verdict', () => {
  it('--from /etc/hosts (or any text not a DRBD status): exit 2, one line naming where', async () => {
    const hosts = join(scratch, 'hosts');
    await writeFile(hosts, '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n');
    // It once printed `127.0.0.1 Unknown: healthy` and exited 0.
    const result = await run(['status', '--from', hosts]);
    expect(result).toMatchObject({
      code: 2,
      out: '',
      err: `ha-drbd: ${hosts}:1:11: not drbdadm status output: expected key:value, got 'localhost'\n`,
    });
    if (existsSync('/etc/hosts'))
      expect(await run(['status', '--from', '/etc/hosts'])).toMatchObject({ code: 2, out: '' });
    const empty = join(scratch, 'empty.txt');
    await writeFile(empty, '');
    expect((await run(['status', '--from', empty])).err).toMatch(
      /^ha-drbd: .*empty\.txt: not a DRBD status: the text is empty/,
    );
  });

  it('a value DRBD does not report is not healthy: exit 1, and the reason says which', async () => {
    const truncated = join(scratch, 'truncated.txt');
    await writeFile(truncated, 'r0 role:"Primary\n  disk:UpToDate\n');
    const result = await run(['status', '--from', truncated]);
    expect(result.code).toBe(1);
    expect(result.out).toBe(
      'r0 "Primary: degraded\n  volume 0: UpToDate\n  - its role \'"Primary\' is not a DRBD role\n',
    );
  });

  it('--max-bytes: a larger capture is refused in one line, with the limit; a bad number is a usage error', async () => {
    const file = capture('drbd-9/status-connected.json');
    const result = await run(['status', '--from', file, '--max-bytes', '100']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(
      /^ha-drbd: .*status-connected\.json: [\d,]+ bytes is more than the limit of 100 bytes \(raise it with the maxBytes option /,
    );
    expect(result.err).toMatch(/ \(--max-bytes in the CLIs\)\)\n$/);
    expect((await run(['status', '--from', file, '--max-bytes', '100000'])).code).toBe(0);
    expect(await run(['status', '--from', file, '--max-bytes', 'lots'])).toMatchObject({
      code: 2,
      err: "ha-drbd: --max-bytes: 'lots' is not a number of bytes (e.g. 16777216, 64MiB)\n",
    });
    const res = join(scratch, 'limit.res');
    await writeFile(res, 'resource r0 {\n  on a { address 10.0.0.1:7789; }\n  on b { address 10.0.0.2:7789; }\n}\n');
    for (const verb of ['show', 'validate'])
      expect((await run([verb, res, '--max-bytes', '10'])).err).toMatch(/is more than the limit of 10 bytes/);
  });

  it('--watch on this machine: the real drbdsetup events2 cannot reach DRBD: ServiceUnavailableError (drbd) in one line, exit 2', async () => {
    const result = await run(['status', '--watch']);
    expect(result).toMatchObject({ code: 2, out: '' });
    expect(result.err).toMatch(
      /^ha-drbd: DRBD is not available here: the drbd kernel module is not loaded \(drbdsetup events2 --now --timestamps --statistics exited with code 20: /,
    );
    expect(result.err.trim().split('\n')).toHaveLength(1);
  });

  it('--watch prints the initial state once, then each change (a stand-in drbdsetup on PATH replays a capture)', async () => {
    const bin = join(scratch, 'fake-bin');
    await mkdir(bin, { recursive: true });
    const events = join(scratch, 'events.txt');
    await writeFile(events, fixture('drbd-9/events2-replay.txt'));
    await writeFile(join(bin, 'drbdsetup'), `#!/bin/sh\nexec cat '${events}'\n`, { mode: 0o755 });
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path ?? ''}`;
    try {
      const result = await run(['status', '--watch']);
      expect(result.code).toBe(0);
      const headers = result.out.split('\n').filter((line) => line.startsWith('--- '));
      // The five `exists` lines of the initial dump are that one state, not five.
      expect(headers[0]).toBe('--- current state');
      expect(headers.filter((line) => / exists /.test(line))).toEqual([]);
      expect(headers).toHaveLength(1 + 12);
      expect(result.err.split('\n').filter(Boolean)).toEqual([
        'ha-drbd: skipped line 10: not an events2 line (expected VERB OBJECT key:value …)',
        'ha-drbd: skipped line 20: not an events2 line (expected VERB OBJECT key:value …)',
      ]);
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('ha-drbd gen, show, validate', () => {
  it("generates the seed's resource, which shows and validates clean", async () => {
    const file = join(scratch, 'drbd0.res');
    expect(
      (
        await run([
          'gen',
          '--name',
          'drbd0',
          '--device',
          '/dev/drbd0',
          '--disk',
          '/dev/sdb1',
          '--meta-disk',
          'internal',
          '--node',
          'node1=10.213.0.1:7789',
          '--node',
          'node2=10.213.0.2:7789',
          '-o',
          file,
        ])
      ).code,
    ).toBe(0);
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(/^resource drbd0 \{/);
    expect((await run(['show', file])).out).toBe(
      'resource drbd0\n  volume 0: /dev/drbd0 on /dev/sdb1, meta-disk internal\n' +
        '  node1 node-id 0 ipv4 10.213.0.1:7789\n  node2 node-id 1 ipv4 10.213.0.2:7789\n',
    );
    const shown = JSON.parse((await run(['show', file, '--json'])).out) as { resources: { name: string }[] };
    expect(shown.resources.map((resource) => resource.name)).toEqual(['drbd0']);
    // Validated as node1 (this machine is not in the resource); the real drbdadm dump agrees.
    expect(await run(['validate', file, '--host', 'node1'])).toMatchObject({ code: 0, out: '' });
  });

  it('validate: findings with FILE:LINE:COL; 1 for an error, warnings only with --strict, 2 unparsable', async () => {
    const file = join(scratch, 'bad.res');
    await writeFile(
      file,
      'resource r0 {\n  device /dev/drbd0; disk /dev/sdb1; meta-disk internal;\n' +
        '  on a { address 10.0.0.1:7789; }\n  on b { }\n}\n',
    );
    const bad = await run(['validate', file, '--host', 'a', '--no-real-check']);
    expect(bad).toMatchObject({ code: 1, out: `${file}:4:3: error MISSING_ADDRESS: host b of 'r0' has no address\n` });

    const warned = join(scratch, 'warned.res');
    await writeFile(
      warned,
      'resource r0 {\n  device /dev/drbd0; disk /dev/sdb1; meta-disk internal;\n' +
        '  on a { address 10.0.0.1:7789; }\n  on b { address 10.0.0.2:7789; }\n}\n',
    );
    expect((await run(['validate', warned, '--host', 'z', '--no-real-check'])).code).toBe(0);
    expect((await run(['validate', warned, '--host', 'z', '--no-real-check', '--strict'])).code).toBe(1);

    const broken = join(scratch, 'broken.res');
    await writeFile(broken, 'resource r0 {\n  on a { address 10.0.0.1:7789; }\n');
    const result = await run(['validate', broken]);
    expect(result.code).toBe(2);
    expect(result.err).toBe(
      `ha-drbd: ${broken}:1:1: 'resource r0' is never closed (missing '}'; drbdadm would not notice)\n`,
    );
    expect((await run(['validate', scratch])).code).toBe(2);
  });

  it("the real drbdadm's complaint becomes a finding", async () => {
    const file = join(scratch, 'unknown-option.res');
    await writeFile(
      file,
      'global { disable-ip-verification; }\nresource r0 {\n' +
        '  device /dev/drbd0; disk /dev/sdb1; meta-disk internal;\n  net { no-such-option yes; }\n' +
        '  on a { node-id 0; address 10.0.0.1:7789; }\n  on b { node-id 1; address 10.0.0.2:7789; }\n}\n',
    );
    const result = await run(['validate', file, '--host', 'a']);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(new RegExp(`^${file}:4:1: error DRBDADM_ERROR: drbdadm: `, 'm'));
  });
});

describe('ha-drbd fmt', () => {
  it('prints the canonical layout; --check exits 1 until --write has rewritten the file; a syntax error is exit 2', async () => {
    const file = join(scratch, 'fmt.res');
    await writeFile(file, 'resource r0 {\n\ton a { address 10.0.0.1:7789; } # a\n}\n');
    const formatted = 'resource r0 {\n    on a {\n        address 10.0.0.1:7789;\n    } # a\n}\n';
    expect(await run(['fmt', file])).toMatchObject({ code: 0, out: formatted });
    expect(await run(['fmt', file, '--check'])).toMatchObject({ code: 1, out: `${file}: not formatted\n` });
    expect(await run(['fmt', file, '--write'])).toMatchObject({ code: 0, out: '' });
    expect(await readFile(file, 'utf8')).toBe(formatted);
    expect(await run(['fmt', file, '--check'])).toMatchObject({ code: 0, out: '' });
    const broken = join(scratch, 'fmt-broken.res');
    await writeFile(broken, 'resource r0 {\n');
    expect(await run(['fmt', broken])).toMatchObject({
      code: 2,
      out: '',
      err: `ha-drbd: ${broken}:1:1: 'resource r0' is never closed (missing '}'; drbdadm would not notice)\n`,
    });
  });
});

describe('ha-drbd gen: a bad value is a usage error', () => {
  it("exit 2 with the builder's words", async () => {
    const result = await run([
      'gen',
      '--name',
      'bad name',
      '--device',
      '/dev/drbd0',
      '--disk',
      '/dev/sdb1',
      '--node',
      'a=10.0.0.1:7789',
      '--node',
      'b=10.0.0.2:7789',
    ]);
    expect(result).toMatchObject({ code: 2, out: '', err: "ha-drbd: 'bad name' is not a resource name\n" });
  });
});

describe('ha-drbd verbs', () => {
  it('--dry-run prints what drbdadm would run', async () => {
    const file = join(scratch, 'verbs.res');
    await writeFile(
      file,
      'global { disable-ip-verification; }\nresource r0 {\n' +
        '  device /dev/drbd0; disk /dev/sdb1; meta-disk internal;\n' +
        '  on node1 { node-id 0; address 10.213.0.1:7789; }\n' +
        '  on node2 { node-id 1; address 10.213.0.2:7789; }\n}\n',
    );
    expect(await run(['primary', 'r0', '--force', '--dry-run', '--config', file, '--node', 'node1'])).toMatchObject({
      code: 0,
      out: 'drbdsetup primary r0 --force\n',
    });
    expect(await run(['create-md', 'r0', '--force', '--dry-run', '--config', file, '--node', 'node2'])).toMatchObject({
      code: 0,
      out: 'drbdmeta 0 v09 /dev/sdb1 internal create-md 1 --force\n',
    });
    const refused = await run(['up', '--all', '--dry-run', '--config', file]);
    expect(refused.code).toBe(2);
  });
});
