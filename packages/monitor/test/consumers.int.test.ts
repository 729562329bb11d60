import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRunner } from '@ha/core';
import { freeLoopbackPort, killLabBackend, startLabBackend } from '@ha/lab';
import { useLabStack } from '@ha/lab/vitest';
import { PcsClient } from '@ha/pcs-client';
import { createAlertmanagerSink, serveMonitor, unregisterAlertAgent, type Monitor } from '../src/index.js';
import { labMonitor, labProbes, registerLabAgent, sharedDirectory, until, type EventLog } from './stack.js';

// Real consumers from Debian's packages, on loopback: Alertmanager receives the alerts, Prometheus scrapes
// /metrics, promtool checks it. Meanwhile, a quiet run on a healthy cluster must not alert at all.
const lab = useLabStack({ cluster: { nodes: 3 }, haproxy: { servers: 3 } });
// A minute on each generation: the probes run 80 rounds and Prometheus scrapes 60 times, enough to show a
// spurious alert; HA_MONITOR_QUIET_MS runs longer (npm test must stay within its time on both).
const quietMs = Number(process.env.HA_MONITOR_QUIET_MS ?? 60_000);
let directory = '';
let monitor: Monitor;
let log: EventLog;
let server: Awaited<ReturnType<typeof serveMonitor>>;
let alertmanager = '';
let prometheus = '';
const pids: number[] = [];

beforeAll(async () => {
  directory = await sharedDirectory('ha-monitor-consumers-');
  await lab().cluster.createSeedResources();
  await registerLabAgent(lab().cluster, directory);

  const amPort = await freeLoopbackPort();
  alertmanager = `http://127.0.0.1:${amPort}`;
  await writeFile(
    join(directory, 'alertmanager.yml'),
    'route:\n  receiver: nobody\n  group_wait: 1s\nreceivers:\n  - name: nobody\n',
  );
  pids.push(
    (
      await defaultRunner.spawnDetached(
        'prometheus-alertmanager',
        [
          `--config.file=${join(directory, 'alertmanager.yml')}`,
          `--storage.path=${join(directory, 'alertmanager')}`,
          `--web.listen-address=127.0.0.1:${amPort}`,
          '--cluster.listen-address=',
        ],
        { logFile: join(directory, 'alertmanager.log') },
      )
    ).pid,
  );

  ({ monitor, log } = labMonitor({
    probes: labProbes(lab().cluster, lab().haproxy, directory),
    sinks: [createAlertmanagerSink({ url: alertmanager, resendIntervalMs: 5_000 })],
    stateDir: join(directory, 'state'),
  }));
  await monitor.start();
  server = await serveMonitor(monitor, '127.0.0.1:0');

  const promPort = await freeLoopbackPort();
  prometheus = `http://127.0.0.1:${promPort}`;
  const target = server.url.replace('http://', '');
  await writeFile(
    join(directory, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: ha-monitor\n    static_configs:\n      - targets: ['${target}']\n`,
  );
  pids.push(
    (
      await defaultRunner.spawnDetached(
        'prometheus',
        [
          `--config.file=${join(directory, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(directory, 'prometheus')}`,
          `--web.listen-address=127.0.0.1:${promPort}`,
        ],
        {
          logFile: join(directory, 'prometheus.log'),
        },
      )
    ).pid,
  );
  await until('Alertmanager ready', async () => ((await fetch(`${alertmanager}/-/ready`)).ok ? true : undefined));
  await until('Prometheus ready', async () => ((await fetch(`${prometheus}/-/ready`)).ok ? true : undefined));
}, 180_000);

afterAll(async () => {
  await monitor?.stop();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // gone
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  await unregisterAlertAgent({ pcs: new PcsClient({ runner: lab().cluster.runner('node1') }) }).catch(() => undefined);
  if (directory) await rm(directory, { recursive: true, force: true });
}, 60_000);

async function prometheusQuery(query: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const response = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await response.json()) as {
    status: string;
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  return body.data.result;
}

describe('real consumers', () => {
  it(
    `a quiet run on a healthy cluster produces no alert, while Prometheus scrapes /metrics (${Math.round(quietMs / 1000)} s)`,
    async () => {
      const started = Date.now();
      await new Promise((resolve) => setTimeout(resolve, quietMs));
      expect(log.events).toEqual([]);
      const snapshot = monitor.snapshot();
      expect(snapshot.probes.map((probe) => [probe.name, probe.ok])).toEqual([
        ['pacemaker', true],
        ['corosync', true],
        ['haproxy', true],
      ]);
      // Prometheus scraped all along: the target is up, the series are there.
      const up = await prometheusQuery('up{job="ha-monitor"}');
      expect(up.map((sample) => sample.value[1])).toEqual(['1']);
      const scrapes = await prometheusQuery(
        `count_over_time(up{job="ha-monitor"}[${Math.round((Date.now() - started) / 1000)}s])`,
      );
      expect(Number(scrapes[0]?.value[1])).toBeGreaterThan(quietMs / 1000 / 2);
      expect(
        (await prometheusQuery('ha_cluster_pacemaker_nodes{status="online"}'))
          .map((sample) => sample.metric.node)
          .sort(),
      ).toEqual(['node1', 'node2', 'node3']);
      expect(
        (await prometheusQuery('haproxy_server_status{state="UP"} == 1')).map((sample) => sample.metric.server).sort(),
      ).toEqual(['srv1', 'srv2', 'srv3']);
      expect((await prometheusQuery('ha_cluster_corosync_quorate'))[0]?.value[1]).toBe('1');
    },
    quietMs + 60_000,
  );

  it('promtool check metrics finds no problem in what /metrics serves', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const result = await defaultRunner.run('promtool', ['check', 'metrics'], { input: text, allowExitCodes: [1, 3] });
    expect({ exitCode: result.exitCode, stdout: result.stdout.trim(), stderr: result.stderr.trim() }).toEqual({
      exitCode: 0,
      stdout: '',
      stderr: '',
    });
  });

  it('Alertmanager receives the firing alert, then its resolve (checked through its own API)', async () => {
    type AmAlert = { labels: Record<string, string>; endsAt: string; status: { state: string } };
    const find = async () =>
      ((await (await fetch(`${alertmanager}/api/v2/alerts`)).json()) as AmAlert[]).filter(
        (alert) => alert.labels.alertname === 'HaproxyServerDown' && alert.labels.server === 'srv1',
      );
    await killLabBackend('srv1');
    const firing = await until('the alert active in Alertmanager', async () => {
      const alerts = await find();
      return alerts.length === 1 && alerts[0]?.status.state === 'active' ? alerts[0] : undefined;
    });
    expect(firing.labels).toEqual({
      alertname: 'HaproxyServerDown',
      severity: 'warning',
      proxy: 'servers',
      server: 'srv1',
    });
    await startLabBackend('srv1');
    await until('the alert resolved in Alertmanager', async () => {
      const alerts = await find();
      return alerts.length === 0 || alerts.every((alert) => Date.parse(alert.endsAt) <= Date.now()) ? true : undefined;
    });
    expect(log.of('HaproxyServerDown', { server: 'srv1' }).map((event) => event.status)).toEqual([
      'firing',
      'resolved',
    ]);
  }, 90_000);
});
