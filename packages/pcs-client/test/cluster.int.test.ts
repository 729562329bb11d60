import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CommandError,
  createRunner,
  ServiceUnavailableError,
  ToolNotFoundError,
  UnsafeArgumentError,
  type Runner,
} from '@ha/core';
import { labSeries, useLabCluster } from '@ha/lab/vitest';
import { waitFor } from '@ha/lab';
import {
  PcsClient,
  PcsCommandError,
  evaluateHealth,
  locationConstraintsOf,
  nodesRunning,
  readClusterStatus,
  type ClusterStatus,
} from '../src/index.js';

// The seed scenario, end to end through the library, on a real 3-node cluster.
const lab = useLabCluster({ nodes: 3 });
const bin = fileURLToPath(new URL('../bin/ha-pcs.js', import.meta.url));
const vip = '10.213.0.100';

const client = (node = 'node1') => new PcsClient({ runner: lab().runner(node) });
const where = (status: ClusterStatus, id: string) => nodesRunning(status, id);
/** Both seed resources run, together, on one node (other than `not`). */
const together = (not?: string) => (status: ClusterStatus) => {
  const ip = where(status, 'VirtualIP');
  const web = where(status, 'WebServer');
  return ip.length === 1 && web.length === 1 && ip[0] === web[0] && ip[0] !== not;
};
const settle = { stableMs: 1_500, timeoutMs: 60_000 };

async function haPcs(node: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const result = await lab().exec(node, process.execPath, [bin, ...args], { timeoutMs: 180_000 });
    return { code: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  } catch (error) {
    if (error instanceof CommandError && error.exitCode !== undefined)
      return { code: error.exitCode, stdout: error.stdout, stderr: error.stderr };
    throw error;
  }
}

describe('the seed scenario through @ha/pcs-client', () => {
  it('knows the versions it drives', async () => {
    expect(await client().versions()).toEqual({
      pcs: expect.stringMatching(labSeries('pcs')),
      pacemaker: expect.stringMatching(labSeries('pacemaker')),
    });
  });

  it('creates a VirtualIP and a WebServer, colocated and ordered, and the web answers on the VIP', async () => {
    const pcs = client();
    // The lab's cluster fences (stonith-enabled, the device lab-fence): without it the verdict is degraded and failover refused.
    await pcs.createResource({
      id: 'VirtualIP',
      agent: 'ocf:heartbeat:IPaddr2',
      options: { ip: vip, cidr_netmask: 24 },
      operations: [{ action: 'monitor', interval: '10s' }],
    });
    await pcs.createResource({
      id: 'WebServer',
      agent: 'ocf:heartbeat:anything',
      options: { binfile: lab().webServerPath, cmdline_options: '80' },
      operations: [{ action: 'monitor', interval: '10s' }],
    });
    await pcs.addColocation({ resource: 'WebServer', with: 'VirtualIP', score: 'INFINITY' });
    await pcs.addOrder({ first: 'VirtualIP', then: 'WebServer', kind: 'Mandatory' });
    const status = await pcs.waitFor(together(), { ...settle, description: 'VirtualIP and WebServer together' });
    const home = where(status, 'VirtualIP')[0] as string;
    expect(await lab().httpGet('node3', `http://${vip}/`)).toEqual({ status: 200, body: `${home}\n` });
    const constraints = await pcs.constraints();
    expect(constraints).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'colocation',
          resource: 'WebServer',
          withResource: 'VirtualIP',
          score: 1_000_000,
        }),
        expect.objectContaining({ kind: 'order', first: 'VirtualIP', then: 'WebServer' }),
      ]),
    );
    expect(evaluateHealth(status)).toEqual({ healthy: true, state: 'healthy', reasons: [] });
  });

  it('ha-pcs status and resources read the live cluster (exit 0 when healthy)', async () => {
    const status = await haPcs('node2', ['status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(
      new RegExp(
        `^cluster: DC node\\d \\(${labSeries('pacemaker').source.slice(1)}[\\d.]*-[\\w.]+\\), quorate, 3 nodes, 3 resource instances$`,
        'm',
      ),
    );
    expect(status.stdout).toMatch(/^ {2}VirtualIP \(ocf:heartbeat:IPaddr2\): Started on node\d$/m);
    expect(status.stdout).toMatch(/^healthy$/m);
    const json = JSON.parse((await haPcs('node2', ['status', '--json'])).stdout) as ClusterStatus & {
      health: { healthy: boolean };
    };
    expect(json.health.healthy).toBe(true);
    expect(json.nodes.map((node) => node.name)).toEqual(['node1', 'node2', 'node3']);
    const viaPcs = await haPcs('node3', ['status', '--pcs']);
    expect(viaPcs.code).toBe(0);
    const resources = await haPcs('node1', ['resources']);
    expect(resources.stdout).toMatch(/^WebServer\s+Started\s+node\d$/m);
  });

  it('fails over: standby the node that runs them, both move together and the VIP answers from another node', async () => {
    const pcs = client();
    const before = await pcs.status();
    const home = where(before, 'VirtualIP')[0] as string;
    const report = await pcs.failover(home, { timeoutMs: 60_000 });
    const target = report.moves.find((move) => move.resource === 'VirtualIP')?.to[0];
    expect(report.moves.map((move) => move.resource).sort()).toEqual(['VirtualIP', 'WebServer']);
    expect(target).toBeDefined();
    expect(target).not.toBe(home);
    expect(report.moves.find((move) => move.resource === 'WebServer')?.to).toEqual([target]);
    expect(await lab().httpGet(home, `http://${vip}/`)).toEqual({ status: 200, body: `${target}\n` });
    expect(evaluateHealth(report.status)).toEqual({
      healthy: false,
      state: 'degraded',
      reasons: [{ code: 'NODE_STANDBY', message: `node ${home} is standby`, subject: home }],
    });
    // Online again, through the CLI.
    const online = await haPcs('node1', ['online', home, '--timeout', '60s']);
    expect(online).toMatchObject({ code: 0, stdout: `${home} is online\n` });
    await pcs.waitFor((status) => together()(status) && evaluateHealth(status).healthy, settle);
  });

  it('ha-pcs failover reports where each resource went, and exits 1 while degraded', async () => {
    const before = await client().status();
    const home = where(before, 'VirtualIP')[0] as string;
    const failover = await haPcs('node1', ['failover', home, '--timeout', '60s']);
    expect(failover.code).toBe(0);
    expect(failover.stdout).toMatch(new RegExp(`^VirtualIP: ${home} → node\\d$`, 'm'));
    expect(failover.stdout).toMatch(new RegExp(`^${home} is in standby`, 'm'));
    expect((await haPcs('node1', ['status'])).code).toBe(1);
    expect((await haPcs('node1', ['online', home])).code).toBe(0);
    await client().waitFor((status) => together()(status) && evaluateHealth(status).healthy, settle);
  });

  it('moves with and without a lasting constraint, bans, and clears', async () => {
    const pcs = client();
    const home = where(await pcs.status(), 'VirtualIP')[0] as string;
    const other = lab().nodeNames.find((name) => name !== home) as string;
    await pcs.moveResource('VirtualIP', other, { keepConstraint: true });
    await pcs.waitFor((status) => where(status, 'VirtualIP')[0] === other && together()(status), settle);
    expect(locationConstraintsOf(await pcs.constraints(), 'VirtualIP').map((constraint) => constraint.fromCli)).toEqual(
      [true],
    );
    await pcs.clearResource('VirtualIP');
    expect(locationConstraintsOf(await pcs.constraints(), 'VirtualIP')).toEqual([]);
    await pcs.banResource('VirtualIP', other);
    await pcs.waitFor((status) => together(other)(status), settle);
    const banned = await pcs.status();
    expect(banned.bans).toEqual([expect.objectContaining({ resource: 'VirtualIP', node: other, weight: -1_000_000 })]);
    const cli = await haPcs('node1', ['constraints', 'VirtualIP']);
    expect(cli.stdout).toMatch(new RegExp(`^ban cli-ban-VirtualIP-on-${other}: not on ${other}$`, 'm'));
    await pcs.clearResource('VirtualIP');
    // The move that leaves nothing behind (0.11's move, 0.10's move --autodelete).
    const now = where(await pcs.status(), 'VirtualIP')[0] as string;
    await pcs.moveResource('VirtualIP', undefined, { waitSeconds: 60 });
    await pcs.waitFor((status) => together(now)(status), settle);
    expect(locationConstraintsOf(await pcs.constraints(), 'VirtualIP')).toEqual([]);
  });

  it('sees a failed monitor, reports it (ha-pcs failures exits 1), and cleanup clears it', async () => {
    const pcs = client();
    const webNode = where(await pcs.status(), 'WebServer')[0] as string;
    await lab().exec(webNode, 'pkill', ['-f', 'socat TCP-LISTEN:80']);
    const failed = await pcs.waitFor((status) => status.failures.some((failure) => failure.resource === 'WebServer'), {
      timeoutMs: 60_000,
      description: 'the failed monitor',
    });
    expect(failed.failures[0]).toMatchObject({
      resource: 'WebServer',
      task: 'monitor',
      node: webNode,
      intervalMs: 10_000,
    });
    const failures = await haPcs('node1', ['failures']);
    expect(failures.code).toBe(1);
    expect(failures.stdout).toMatch(new RegExp(`^WebServer monitor on ${webNode}: `, 'm'));
    await pcs.cleanupResource('WebServer');
    await pcs.waitFor((status) => status.failures.length === 0 && together()(status), settle);
    expect(await haPcs('node1', ['failures'])).toMatchObject({ code: 0, stdout: 'no failures\n' });
  });

  it('restarts, disables and enables a resource, and waits with ha-pcs wait', async () => {
    const pcs = client();
    await pcs.restartResource('WebServer', { waitSeconds: 60 });
    await pcs.disableResource('WebServer', { waitSeconds: 60 });
    expect(await haPcs('node2', ['wait', '--resource', 'WebServer', '--stopped', '--timeout', '30s'])).toMatchObject({
      code: 0,
    });
    const disabled = await pcs.status();
    expect(evaluateHealth(disabled).healthy).toBe(true);
    await pcs.enableResource('WebServer');
    // Idle: the scheduler plans nothing more, so the start it had to do is done.
    const idle = await haPcs('node2', ['wait', '--idle', '--timeout', '60s']);
    expect(idle.stdout).toMatch(/^the cluster idle \(after /);
    expect(nodesRunning(await pcs.status(), 'WebServer')).toHaveLength(1);
    const waited = await haPcs('node2', ['wait', '--resource', 'WebServer', '--started', '--timeout', '60s']);
    expect(waited.stdout).toMatch(/^WebServer started \(after /);
    const timedOut = await haPcs('node2', ['wait', '--node', 'node1', '--offline', '--timeout', '1s']);
    expect(timedOut.code).toBe(2);
    expect(timedOut.stderr).toMatch(/^ha-pcs: node1 offline not reached within 1000 ms/);
    await pcs.waitFor(together(), settle);
  });

  it('sets and unsets properties, node maintenance, alerts and a fence device', async () => {
    const pcs = client();
    await pcs.setProperty('maintenance-mode', true);
    expect(evaluateHealth(await pcs.status()).reasons).toContainEqual({
      code: 'MAINTENANCE_MODE',
      message: 'the cluster is in maintenance mode',
    });
    await pcs.unsetProperty('maintenance-mode');
    await pcs.maintenance('node3');
    expect((await pcs.status()).nodes.find((node) => node.name === 'node3')?.maintenance).toBe(true);
    await pcs.unmaintenance('node3');
    await pcs.createAlert({ id: 'ha_monitor', path: '/usr/bin/true', description: 'test alert' });
    await pcs.addAlertRecipient({ alert: 'ha_monitor', value: '/run/ha-monitor.sock', id: 'ha_monitor_socket' });
    const alerts = await pcs.runner.run('cibadmin', ['--query', '--scope', 'alerts']);
    expect(alerts.stdout).toMatch(/<alert id="ha_monitor" path="\/usr\/bin\/true"/);
    expect(alerts.stdout).toMatch(/<recipient id="ha_monitor_socket" value="\/run\/ha-monitor.sock"/);
    await pcs.removeAlert('ha_monitor');
    await pcs.createStonith({
      id: 'fence-test',
      agent: 'fence_dummy',
      options: { pcmk_host_list: 'node1 node2 node3' },
      disabled: true,
    });
    expect((await pcs.status()).resources.some((resource) => resource.id === 'fence-test')).toBe(true);
    await pcs.deleteStonith('fence-test');
    await pcs.waitFor((status) => together()(status) && evaluateHealth(status).healthy, settle);
  });

  it("gives pcs's own message when it refuses, and refuses bad names before anything runs", async () => {
    const error = await client()
      .enableResource('NoSuchResource')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PcsCommandError);
    expect((error as PcsCommandError).pcsErrors.join(' ')).toMatch(/NoSuchResource/);
    const ran: string[] = [];
    const recorder: Runner = {
      run: async (file, args) => {
        ran.push([file, ...args].join(' '));
        throw new Error('must not run');
      },
      spawnDetached: async () => {
        throw new Error('must not run');
      },
      stream: () => {
        throw new Error('must not run');
      },
    };
    const offline = new PcsClient({ runner: recorder, pcsVersion: '0.11.5' });
    await expect(offline.createResource({ id: 'bad id', agent: 'ocf:pacemaker:Dummy' })).rejects.toBeInstanceOf(
      UnsafeArgumentError,
    );
    await expect(offline.standby('node1; reboot')).rejects.toBeInstanceOf(UnsafeArgumentError);
    await expect(offline.addLocation({ resource: 'x', node: '--force', relation: 'prefers' })).rejects.toBeInstanceOf(
      UnsafeArgumentError,
    );
    expect(ran).toEqual([]);
  });

  it('distinct typed errors: a missing crm_mon, a timeout, and a cluster that is not running', async () => {
    const noTools = createRunner({ env: { PATH: '/nonexistent' } });
    await expect(readClusterStatus({ runner: noTools })).rejects.toBeInstanceOf(ToolNotFoundError);
    const error = (await readClusterStatus({ runner: lab().runner('node1'), timeoutMs: 1 }).catch(
      (caught: unknown) => caught,
    )) as CommandError;
    expect(error).toBeInstanceOf(CommandError);
    expect(error.timedOut).toBe(true);
    // This machine itself runs no cluster: crm_mon answers "not connected".
    await expect(readClusterStatus()).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  it('sees a hard-killed node offline and its resources recovered on a survivor', async () => {
    const before = await client().status();
    const victim = where(before, 'VirtualIP')[0] as string;
    const survivor = lab().nodeNames.find((name) => name !== victim) as string;
    await lab().kill(victim);
    const after = await client(survivor).waitFor(
      (status) => together(victim)(status) && status.nodes.some((node) => node.name === victim && !node.online),
      {
        ...settle,
        timeoutMs: 90_000,
        description: 'recovery on a survivor',
      },
    );
    expect(evaluateHealth(after)).toMatchObject({
      state: 'degraded',
      reasons: [{ code: 'NODE_OFFLINE', message: `node ${victim} is offline`, subject: victim }],
    });
    const cli = await haPcs(survivor, ['status']);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(new RegExp(`^ {2}${victim} +offline`, 'm'));
    const now = where(after, 'VirtualIP')[0] as string;
    expect(await lab().httpGet(survivor, `http://${vip}/`)).toEqual({ status: 200, body: `${now}\n` });
    await lab().start(victim);
    await client(survivor).waitFor((status) => together()(status) && status.nodes.every((node) => node.online), settle);
  });

  it('sees a partitioned node from both sides: offline for the majority, no quorum for itself', async () => {
    const status = await client().status();
    const cut = lab().nodeNames.find((name) => !where(status, 'VirtualIP').includes(name)) as string;
    const majority = lab().nodeNames.find((name) => name !== cut) as string;
    await lab().partition(cut);
    try {
      const seen = await client(majority).waitFor(
        (s) => together()(s) && s.nodes.some((node) => node.name === cut && !node.online),
        { ...settle, timeoutMs: 90_000 },
      );
      expect(seen.summary.quorate).toBe(true);
      // The majority fenced it (reboot): it boots still cut off, and its own view has no quorum.
      const alone = await waitFor('the cut node back, alone, without quorum', 90_000, async () => {
        try {
          const own = await client(cut).status();
          // Alone, it elects itself DC (after dc-deadtime) and has no quorum.
          return !own.summary.quorate && own.summary.dc.present ? own : undefined;
        } catch {
          return undefined; // off, booting, or its pacemaker not up yet
        }
      });
      expect(evaluateHealth(alone)).toMatchObject({
        state: 'no-quorum',
        reasons: expect.arrayContaining([{ code: 'NO_QUORUM', message: 'quorum is lost' }]),
      });
    } finally {
      await lab().heal(cut);
    }
    await client(majority).waitFor((s) => together()(s) && s.nodes.every((node) => node.online), {
      ...settle,
      timeoutMs: 90_000,
    });
  });
});
