import { describe, expect, it } from 'vitest';
import { defineCliCommand, runCliCaptured } from '@ha/core';
import { fixture } from '../../test/fixtures.js';
import { recordingCluster, type Answer } from '../../test/recording-cluster.js';
import { command } from '../cli.js';
import { createFencingCommands } from './cli.js';

// ha-pcs's fencing commands over a recorded cluster: what they print, their exit codes, and what ran.
function haPcs(overrides?: (file: string, args: readonly string[]) => Answer | undefined) {
  const cluster = recordingCluster(undefined, overrides);
  const root = defineCliCommand({
    meta: { name: 'ha-pcs', description: 'test root' },
    subCommands: createFencingCommands(() => cluster.client),
  });
  return { run: (argv: string[]) => runCliCaptured(root, argv), ...cluster };
}

describe('ha-pcs stonith', () => {
  it('list, levels, describe: text and --json', async () => {
    const { run } = haPcs();
    const list = await run(['stonith', 'list']);
    expect(list).toMatchObject({ code: 0, err: '' });
    expect(list.out).toBe(
      'lab-fence (fence_dummy) hosts node1,node2,node3\nspare (fence_dummy) hosts node1,node2 [disabled]\n',
    );
    const levels = await run(['stonith', 'levels', '--json']);
    expect(JSON.parse(levels.out)).toHaveLength(4);
    const describeOut = await run(['stonith', 'describe', 'fence_ipmilan']);
    expect(describeOut.out).toMatch(/^fence_ipmilan: /);
    expect(describeOut.out).toMatch(/^ {2}method \(select, default onoff, one of onoff\|cycle\): /m);
  });

  it('create: k=v words, --host-map, delays; checked first', async () => {
    const { run, pcsRan } = haPcs();
    const created = await run([
      'stonith',
      'create',
      'lab-fence2',
      'fence_dummy',
      'type=file',
      '--host-map',
      'node1:1,node2:2',
      '--delay-max',
      '5s',
      '--disabled',
    ]);
    expect(created).toMatchObject({ code: 0, out: 'fence device lab-fence2 created\n' });
    expect(pcsRan()).toEqual([
      [
        'pcs',
        'stonith',
        'create',
        'lab-fence2',
        'fence_dummy',
        'type=file',
        'pcmk_host_map=node1:1;node2:2',
        'pcmk_delay_max=5s',
        '--disabled',
      ],
    ]);
  });

  it('bad input is one line and exit 2, and pcs did not run: an unknown option, device, node, a word without =', async () => {
    const { run, pcsRan } = haPcs();
    const cases: [string[], RegExp][] = [
      [['stonith', 'create', 'x', 'fence_dummy', 'tpye=file'], /has no option 'tpye' \(did you mean 'type'\?\)/],
      [['stonith', 'create', 'x', 'fence_dummy', 'type'], /'type' is not an option: write NAME=VALUE/],
      [['stonith', 'create', 'x', 'fence_dummy', '--host-map', 'node9:1'], /no node 'node9'/],
      [['stonith', 'update', 'ghost', 'type=file'], /no fence device 'ghost'/],
      [['stonith', 'delete', 'ghost'], /no fence device 'ghost'/],
      [['stonith', 'enable', 'ghost'], /no fence device 'ghost'/],
      [['stonith', 'level', 'add', '2', 'node1', 'ghost'], /no fence device 'ghost'/],
      [['stonith', 'level', 'add', 'two', 'node1', 'spare'], /level 'two' is not a level/],
      [['stonith', 'level', 'remove', '7'], /no fencing level '7'/],
      [['stonith', 'confirm', 'node2'], /make sure it is powered off/],
      [['stonith', 'describe', 'fence_nothing'], /no fence agent 'fence_nothing' installed/],
      [['fence', 'node9'], /no node 'node9'/],
      [['fence', 'node2', '--off', '--on'], /exclude each other/],
    ];
    for (const [argv, message] of cases) {
      const result = await run(argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.err.trimEnd().split('\n'), argv.join(' ')).toHaveLength(1);
      expect(result.err, argv.join(' ')).toMatch(message);
    }
    expect(pcsRan()).toEqual([]);
  });

  it('confirm with --node-is-down runs pcs; level verify exits 1 with findings', async () => {
    const { run, pcsRan } = haPcs((file, args) =>
      file === 'pcs' && args[2] === 'verify'
        ? { stderr: "Error: Stonith resource(s) 'ghost' do not exist\n", exitCode: 1 }
        : undefined,
    );
    expect(await run(['stonith', 'confirm', 'node2', '--node-is-down'])).toMatchObject({ code: 0 });
    expect(await run(['stonith', 'level', 'verify'])).toMatchObject({
      code: 1,
      out: "Stonith resource(s) 'ghost' do not exist\n",
    });
    expect(pcsRan()).toEqual([
      ['pcs', 'stonith', 'confirm', 'node2', '--force'],
      ['pcs', 'stonith', 'level', 'verify'],
    ]);
  });
});

describe('ha-pcs fence and fencing', () => {
  it('fencing: the history; exit 1 when the last fencing of a node failed, 0 when it succeeded', async () => {
    const failed = haPcs((file, args) =>
      file === 'stonith_admin' && args[0] === '--history'
        ? { stdout: fixture('stonith_admin/2.1.5/history-all.xml') }
        : undefined,
    );
    const result = await failed.run(['fencing']);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(
      /^node3 reboot failed by node1 at 2026-\S+ \S+ \(asked by stonith_admin\.\d+ on node1\): Fence agent did not complete within 5s$/m,
    );
    const json = JSON.parse((await failed.run(['fencing', '--json'])).out) as {
      events: unknown[];
      lastFailed: string[];
    };
    expect(json.events).toHaveLength(4);
    expect(json.lastFailed).toEqual(['node3']);
    const fine = haPcs((file, args) =>
      file === 'stonith_admin' && args[0] === '--history'
        ? { stdout: fixture('stonith_admin/2.1.5/history-node2.xml') }
        : undefined,
    );
    expect((await fine.run(['fencing', '--node', 'node2'])).code).toBe(0);
    expect(fine.lines).toContainEqual(['stonith_admin', '--history', 'node2', '--verbose', '--output-as=xml']);
    expect(await fine.run(['fencing', 'cleanup', '--node', 'node2'])).toMatchObject({ code: 0 });
    expect(fine.lines).toContainEqual(['stonith_admin', '--history', 'node2', '--cleanup', '--output-as=xml']);
  });

  it('fence: exit 1 with the failed entry when the fencing failed', async () => {
    let fenced = false;
    const { run } = haPcs((file, args) => {
      if (file !== 'stonith_admin') return undefined;
      if (args[0] === '--history')
        return { stdout: fixture(`stonith_admin/2.1.5/${fenced ? 'history-node3.xml' : 'history-empty.xml'}`) };
      if (args[0] === '--reboot') {
        fenced = true;
        return { stderr: "stonith_admin: Couldn't fence node3: Timer expired\n", exitCode: 124 };
      }
      return undefined;
    });
    const result = await run(['fence', 'node3']);
    expect(result.code).toBe(1);
    expect(result.err).toBe('ha-pcs: fencing (reboot) of node3 failed: Fence agent did not complete within 5s\n');
  });
});

describe('ha-pcs itself', () => {
  it('has the fencing commands, and failover --allow-unfenceable', async () => {
    const help = await runCliCaptured(command, ['--help']);
    for (const word of ['fence', 'fencing', 'stonith']) expect(help.out).toMatch(new RegExp(`^ +${word}\\b`, 'm'));
    const failover = await runCliCaptured(command, ['failover', '--help']);
    expect(failover.out).toMatch(/--allow-unfenceable/);
  });
});
