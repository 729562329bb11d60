import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killLabBackend, startLabBackend } from '@ha/lab';
import { labStack, useLabStack } from '@ha/lab/vitest';
import { startWatching, stopWatching, type EventLog } from './stack.js';
import type { Monitor } from '../src/index.js';

// Every fault of the issue, injected for real into a 3-node cluster and a real HAProxy, watched from node1.
// stonith-action=off: a crashed or cut node is fenced and stays off until its repair powers it on, so no
// reboot by the cluster races the repairs below (fencing's own alerts: fencing.int.test.ts).
const lab = useLabStack({ cluster: { nodes: 3, stonithAction: 'off' }, haproxy: { servers: 3 } });
let directory = '';
let monitor: Monitor;
let log: EventLog;

beforeAll(async () => {
  ({ monitor, log, directory } = await startWatching(lab().cluster, lab().haproxy, 'ha-monitor-faults-'));
}, 120_000);

afterAll(() => stopWatching(lab().cluster, { monitor, directory }), 60_000);

const pcs = (...args: string[]) => lab().cluster.exec('node1', 'pcs', args, { timeoutMs: 120_000 });
const settle = (ms = 4_000) => new Promise((resolve) => setTimeout(resolve, ms));

/** Exactly one firing and, after the repair, exactly one resolved, with this severity. */
async function oneEach(
  alertname: string,
  labels: Record<string, string>,
  severity: string,
  fault: () => Promise<unknown>,
  repair: () => Promise<unknown>,
): Promise<void> {
  const before = log.of(alertname, labels).length;
  await fault();
  const firing = await log.waitFor(alertname, labels, 'firing', 60_000);
  expect(firing).toMatchObject({ severity, labels });
  await repair();
  await log.waitFor(alertname, labels, 'resolved', 90_000);
  await settle();
  expect(
    log
      .of(alertname, labels)
      .slice(before)
      .map((event) => event.status),
  ).toEqual(['firing', 'resolved']);
}

describe('faults, each one firing and one resolved', () => {
  it('a quiet start: no alert on a healthy stack', () => {
    expect(log.events.filter((event) => event.status === 'firing' && event.severity !== 'info')).toEqual([]);
  });

  it('node standby (info: on purpose), seen through the CIB notification where crm_mon follows it', async () => {
    // Pacemaker 2.1's crm_mon follows the CIB (once connected: it prints the status first), and the poll is a
    // safety net a minute apart; Pacemaker 3's prints its text once and exits, and the probe says so and polls.
    const follows = labStack() === 'debian12';
    const pacemakerInterval = () => monitor.snapshot().probes.find((probe) => probe.name === 'pacemaker')?.intervalMs;
    const deadline = Date.now() + 15_000;
    while (
      follows
        ? pacemakerInterval() !== 60_000
        : !log.warnings.some((warning) => /prints its text status once and exits/.test(warning))
    ) {
      if (Date.now() > deadline)
        throw new Error(
          `crm_mon neither follows the CIB nor is said not to: ${log.warnings.join('; ')}; pushes: ${JSON.stringify(log.pushes.slice(-5))}`,
        );
      await settle(100);
    }
    if (!follows) expect(pacemakerInterval()).toBe(5_000);
    let started = 0;
    let done = 0;
    await oneEach(
      'PacemakerNodeStandby',
      { node: 'node2' },
      'info',
      async () => {
        started = Date.now();
        await pcs('node', 'standby', 'node2');
        done = Date.now();
      },
      () => pcs('node', 'unstandby', 'node2'),
    );
    if (!follows) return;
    const firing = log.of('PacemakerNodeStandby', { node: 'node2' }).find((event) => event.status === 'firing');
    expect(firing?.seenAt).toBeLessThan(done + 3_000);
    expect(
      log.pushes.some(
        (push) =>
          push.reason === 'pacemaker: the CIB changed' && push.at >= started && push.at <= (firing?.seenAt ?? 0),
      ),
    ).toBe(true);
  }, 120_000);

  it('node hard kill (critical), without one more alert per thing on it', async () => {
    const pushesBefore = log.pushes.length;
    await oneEach(
      'PacemakerNodeOffline',
      { node: 'node3' },
      'critical',
      () => lab().cluster.kill('node3'),
      async () => {
        await lab().cluster.start('node3');
        await lab().cluster.waitForView('node3 online', (view) => view.nodes.every((node) => node.online));
      },
    );
    // Pacemaker's alert agent pushed the news (node lost, resource operations) to the monitor.
    expect(log.pushes.slice(pushesBefore).some((push) => /node node3 lost|node3 lost/.test(push.reason))).toBe(true);
    expect(log.of('CorosyncLinkDown', { node: 'node3' })).toEqual([]);
    expect(log.of('CorosyncMemberLeft', { node: 'node3' })).toEqual([]);
  }, 180_000);

  it('network partition of one node (critical)', async () => {
    await oneEach(
      'PacemakerNodeOffline',
      { node: 'node2' },
      'critical',
      () => lab().cluster.partition('node2'),
      async () => {
        await lab().cluster.heal('node2');
        // Fenced (off) by the majority: powered on again, it rejoins.
        await lab().cluster.start('node2');
        await lab().cluster.waitForView('node2 back', (view) => view.nodes.every((node) => node.online));
      },
    );
  }, 180_000);

  it('resource monitor failure (warning), resolved by a cleanup', async () => {
    const view = await lab().cluster.view('node1');
    const home = view.resources.find((resource) => resource.id === 'WebServer')?.nodes[0] as string;
    await oneEach(
      'PacemakerFailedAction',
      { resource: 'WebServer', operation: 'monitor' },
      'warning',
      () => lab().cluster.exec(home, 'pkill', ['-f', 'socat TCP-LISTEN:80']),
      () => pcs('resource', 'cleanup', 'WebServer'),
    );
  }, 180_000);

  it('HAProxy server down (warning)', async () => {
    await oneEach(
      'HaproxyServerDown',
      { proxy: 'servers', server: 'srv2' },
      'warning',
      () => killLabBackend('srv2'),
      () => startLabBackend('srv2'),
    );
  }, 60_000);

  it('HAProxy backend fully down (critical)', async () => {
    await oneEach(
      'HaproxyBackendDown',
      { proxy: 'servers' },
      'critical',
      async () => {
        for (const server of ['srv1', 'srv2', 'srv3']) await killLabBackend(server);
      },
      async () => {
        for (const server of ['srv1', 'srv2', 'srv3']) await startLabBackend(server);
      },
    );
  }, 60_000);

  it('nothing left open: every alert that fired has resolved, none twice', async () => {
    await settle(6_000);
    expect(log.unbalanced()).toEqual([]);
    expect(monitor.snapshot().alerts.filter((alert) => alert.state !== 'pending')).toEqual([]);
  }, 30_000);
});

describe('as a cluster resource (deploy/pacemaker-resource.sh)', () => {
  it('Pacemaker runs exactly one ha-monitor with ocf:heartbeat:anything, and moves it when its node dies', async () => {
    const bin = fileURLToPath(new URL('../bin/ha-monitor.js', import.meta.url));
    const config = join(directory, 'resource.ini');
    await writeFile(
      config,
      '[haproxy]\nenabled = false\n[drbd]\nenabled = false\n[http]\nlisten = 127.0.0.1:9664\n[sink.stdout]\nformat = json\n',
    );
    await pcs(
      'resource',
      'create',
      'ha-monitor',
      'ocf:heartbeat:anything',
      `binfile=${bin}`,
      `cmdline_options=--config ${config}`,
      'pidfile=/run/ha-monitor.pid',
      `logfile=${join(directory, 'resource.log')}`,
      `errlogfile=${join(directory, 'resource.log')}`,
      'op',
      'monitor',
      'interval=10s',
      'timeout=20s',
    );
    const runningOn = async (not?: string) => {
      const view = await lab().cluster.waitForView('ha-monitor running', (current) => {
        const resource = current.resources.find((entry) => entry.id === 'ha-monitor');
        return resource?.active === true && resource.nodes.length === 1 && resource.nodes[0] !== not;
      });
      return view.resources.find((entry) => entry.id === 'ha-monitor')?.nodes[0] as string;
    };
    let home = await runningOn();
    if (home === 'node1') {
      // node1 is this test's viewpoint: move the monitor away before the crash.
      await pcs('resource', 'move', 'ha-monitor', 'node2');
      home = await runningOn('node1');
      await pcs('resource', 'clear', 'ha-monitor');
    }
    const healthz = async (node: string) => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const answer = await lab().cluster.httpGet(node, 'http://127.0.0.1:9664/healthz');
        if ('status' in answer && answer.status === 200) return answer.body;
        if (Date.now() > deadline) throw new Error(`ha-monitor on ${node}: ${JSON.stringify(answer)}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    };
    expect(await healthz(home)).toBe('ok\n');
    await lab().cluster.kill(home);
    const next = await runningOn(home);
    expect(next).not.toBe(home);
    expect(await healthz(next)).toBe('ok\n');
  }, 180_000);
});
