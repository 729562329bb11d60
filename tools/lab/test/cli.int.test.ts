import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandError } from '@ha/core';
import { defaultRunner } from '@ha/core';
import { findLabLeftovers, stackDefinitions, teardownLab, waitFor } from '../src/index.js';
import { labSeries, labStack } from '../src/vitest.js';

// The real `ha-lab` bin, as an operator runs it.
const bin = fileURLToPath(new URL('../bin/ha-lab.js', import.meta.url));
const haLab = (...args: string[]) => defaultRunner.run(process.execPath, [bin, ...args], { timeoutMs: 120_000 });

beforeAll(() => teardownLab(), 60_000);
afterAll(async () => {
  expect(await teardownLab()).toEqual([]);
}, 60_000);

describe('ha-lab', () => {
  it('lists the generations, this one built, with its versions', async () => {
    const stacks = JSON.parse((await haLab('stacks', '--json')).stdout) as {
      name: string;
      built: boolean;
      current: boolean;
      versions: Record<string, string>;
    }[];
    expect(stacks.map((stack) => stack.name)).toEqual(Object.keys(stackDefinitions));
    const mine = stacks.find((stack) => stack.name === labStack());
    expect(mine).toMatchObject({ built: true, current: true });
    expect(mine?.versions.pacemaker).toMatch(labSeries('pacemaker'));
    expect(mine?.versions.haproxy).toMatch(labSeries('haproxy'));
  });

  it('boots one node, reports it, runs commands in it and tears down', async () => {
    const up = await haLab('up', '--nodes', '1', '--json');
    const booted = JSON.parse(up.stdout) as {
      bootMs: number;
      nodes: { name: string; running: boolean; pacemaker: boolean }[];
    };
    expect(booted.nodes).toMatchObject([{ name: 'node1', running: true, pacemaker: true }]);

    const status = JSON.parse((await haLab('status', '--json')).stdout) as { view: { dc: string } };
    expect(status.view.dc).toBe('node1');
    expect((await haLab('status')).stdout).toMatch(/^node1 +10\.213\.0\.1 +running/m);
    expect((await haLab('exec', 'node1', '--', 'crm_mon', '-1')).stdout).toContain('Online: [ node1 ]');
    // The node runs this project's generation (HA_LAB_STACK), not necessarily the host's.
    expect((await haLab('exec', 'node1', '--', 'crm_mon', '--version')).stdout).toMatch(
      new RegExp(`^Pacemaker ${labSeries('pacemaker').source.slice(1)}`),
    );
    expect((await haLab('exec', 'node1', '--', 'pcs', '--version')).stdout).toMatch(labSeries('pcs'));

    const failing = (await haLab('exec', 'node1', '--', 'sh', '-c', 'exit 5').catch((e: unknown) => e)) as CommandError;
    expect(failing.exitCode).toBe(5);

    const again = (await haLab('up', '--nodes', '1').catch((e: unknown) => e)) as CommandError;
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/^ha-lab: a lab is already up .*\n$/);

    expect((await haLab('down')).stdout).toBe('lab down: nothing left behind\n');
    expect((await haLab('leftovers')).stdout).toBe('');
  });

  it('finds and removes what an `up` killed in mid-boot left behind', async () => {
    const booting = await defaultRunner.spawnDetached(process.execPath, [bin, 'up', '--nodes', '2']);
    // Wait until the nodes' namespaces exist, then crash the CLI before the cluster is up.
    await waitFor('nodes to start booting', 20_000, async () =>
      (await findLabLeftovers(defaultRunner)).some((item) => item.startsWith('node init')) ? true : undefined,
    );
    process.kill(booting.pid, 'SIGKILL');
    expect((await findLabLeftovers(defaultRunner)).length).toBeGreaterThan(0);
    expect((await haLab('down')).stdout).toBe('lab down: nothing left behind\n');
    expect(await findLabLeftovers(defaultRunner)).toEqual([]);
  });

  it('refuses bad input with one line and exit code 2', async () => {
    for (const args of [['up', '--nodes', '9'], ['up', '--nodes', 'x'], ['kill'], ['exec', 'node1'], ['frobnicate']]) {
      const error = (await haLab(...args).catch((e: unknown) => e)) as CommandError;
      expect(error.exitCode).toBe(2);
      expect(error.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
