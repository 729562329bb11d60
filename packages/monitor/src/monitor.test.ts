import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveMonitor } from './http.js';
import type { AlertEvent, Condition } from './model.js';
import { createMonitor, type Monitor } from './monitor.js';
import type { Probe } from './probes/probe.js';

const scratch = await mkdtemp(join(tmpdir(), 'ha-monitor-loop-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** A custom probe (the API's own extension point) whose answer the test sets. */
interface SwitchProbe {
  conditions: Condition[];
  fail: string | undefined;
  hang: boolean;
  runs: number;
  trigger: (() => void) | undefined;
  probe: Probe<{ conditions: number }>;
}

function switchProbe(name: string, options: { intervalMs?: number; timeoutMs?: number } = {}): SwitchProbe {
  const probe: SwitchProbe = {
    conditions: [],
    fail: undefined,
    hang: false,
    runs: 0,
    trigger: undefined,
    probe: {
      name,
      intervalMs: options.intervalMs ?? 50,
      timeoutMs: options.timeoutMs ?? 200,
      check: async () => {
        probe.runs++;
        if (probe.hang) await new Promise(() => undefined);
        if (probe.fail) throw new Error(probe.fail);
        return { conditions: probe.conditions, data: { conditions: probe.conditions.length } };
      },
      watch: async (context) => {
        probe.trigger = () => context.trigger('test');
        await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve()));
      },
      samples: () => [{ name: 'haproxy_up', value: 1 }],
      downSamples: () => [{ name: 'haproxy_up', value: 0 }],
    },
  };
  return probe;
}

const down: Condition = { alertname: 'HaproxyServerDown', labels: { proxy: 'web', server: 's1' }, severity: 'warning', summary: 'server web/s1 is DOWN' };

async function until(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the monitoring loop', () => {
  it('one firing and one resolved, to listeners and iterators; state on disk; a restart neither repeats nor forgets', async () => {
    const stateDir = join(scratch, 'restart');
    const source = switchProbe('haproxy');
    const seen: AlertEvent[] = [];
    const first = createMonitor({ probes: [source.probe], stateDir });
    first.on('alert', (event) => seen.push(event));
    const iterated: AlertEvent[] = [];
    const iterating = (async () => {
      for await (const event of first.events()) iterated.push(event);
    })();
    await first.start();
    source.conditions = [down];
    await until(() => seen.length === 1);
    const runsAtFiring = source.runs;
    await until(() => source.runs >= runsAtFiring + 5); // keeps polling, never repeats
    expect(seen.map((event) => event.status)).toEqual(['firing']);
    await first.stop();
    await iterating;
    expect(iterated).toEqual(seen);
    expect(JSON.parse(await readFile(join(stateDir, 'state.json'), 'utf8')).entries).toHaveLength(1);

    // Restarted while the fault lasts: nothing new. Then the fault ends: one resolved.
    const second = createMonitor({ probes: [source.probe], stateDir });
    const after: AlertEvent[] = [];
    second.on('alert', (event) => after.push(event));
    await second.start();
    await until(() => source.runs >= runsAtFiring + 10);
    expect(after).toEqual([]);
    source.conditions = [];
    await until(() => after.length === 1);
    expect(after[0]).toMatchObject({ status: 'resolved', startsAt: seen[0]?.startsAt });
    await second.stop();
  });

  it('a failing or hanging probe raises ProbeFailing, says so in its metrics, and never stops the others', async () => {
    const failing = switchProbe('pacemaker');
    const hanging = switchProbe('corosync', { timeoutMs: 100 });
    const healthy = switchProbe('haproxy');
    delete (healthy.probe as Partial<Probe>).samples; // haproxy_up below is the failing probes'
    const monitor = createMonitor({ probes: [failing.probe, hanging.probe, healthy.probe], alerts: { policies: { ProbeFailing: { raiseAfterMs: 0 } } } });
    const seen: AlertEvent[] = [];
    monitor.on('alert', (event) => seen.push(event));
    failing.fail = 'crm_mon: connection refused';
    hanging.hang = true;
    await monitor.start();
    await until(() => seen.length === 2);
    expect(seen.map((event) => `${event.alertname} ${event.labels.probe}`).sort()).toEqual(['ProbeFailing corosync', 'ProbeFailing pacemaker']);
    expect(seen.find((event) => event.labels.probe === 'pacemaker')?.summary).toBe('probe pacemaker is failing: crm_mon: connection refused');
    const runs = healthy.runs;
    await until(() => healthy.runs > runs + 3);
    const metrics = await monitor.metrics();
    expect(metrics).toContain('ha_monitor_probe_up{probe="pacemaker"} 0');
    expect(metrics).toContain('ha_monitor_probe_up{probe="haproxy"} 1');
    expect(metrics).toContain('haproxy_up 0'); // the failing probes' down samples
    failing.fail = undefined;
    await until(() => seen.length === 3);
    expect(seen[2]).toMatchObject({ status: 'resolved', alertname: 'ProbeFailing', labels: { probe: 'pacemaker' } });
    await monitor.stop();
  });

  it('a push runs the probe at once instead of waiting for its interval', async () => {
    const source = switchProbe('pacemaker', { intervalMs: 60_000 });
    const monitor = createMonitor({ probes: [source.probe] });
    const seen: AlertEvent[] = [];
    monitor.on('alert', (event) => seen.push(event));
    await monitor.start();
    await until(() => source.runs === 1);
    source.conditions = [down];
    const pushed = Date.now();
    source.trigger?.();
    await until(() => seen.length === 1);
    expect(Date.now() - pushed).toBeLessThan(500);
    await monitor.stop();
  });

  it('rules see every observation; runOnce reports without sinks', async () => {
    const source = switchProbe('haproxy');
    source.conditions = [down];
    const monitor = createMonitor({
      probes: [source.probe],
      rules: [{ name: 'too-many', evaluate: (observations) => ((observations.haproxy as { conditions: number } | undefined)?.conditions ?? 0) > 0 ? [{ alertname: 'Custom', labels: {}, severity: 'critical', summary: 'custom' }] : [] }],
    });
    const result = await monitor.runOnce();
    expect(result.healthy).toBe(false);
    expect(result.conditions.map((condition) => `${condition.source} ${condition.alertname}`)).toEqual(['haproxy HaproxyServerDown', 'rule:too-many Custom']);
  });

  it('serves /metrics, /healthz, /status; two monitors in one process keep to themselves', async () => {
    const a = switchProbe('haproxy');
    const b = switchProbe('haproxy');
    b.conditions = [down];
    const monitors: Monitor[] = [createMonitor({ probes: [a.probe] }), createMonitor({ probes: [b.probe] })];
    const servers = [];
    for (const monitor of monitors) {
      await monitor.start();
      servers.push(await serveMonitor(monitor, '127.0.0.1:0'));
    }
    await until(() => a.runs > 1 && b.runs > 1);
    const [first, second] = servers as [Awaited<ReturnType<typeof serveMonitor>>, Awaited<ReturnType<typeof serveMonitor>>];
    const metrics = await fetch(`${first.url}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await metrics.text()).toContain('ha_monitor_probe_up{probe="haproxy"} 1');
    expect(await (await fetch(`${first.url}/healthz`)).text()).toBe('ok\n');
    const status = (await (await fetch(`${second.url}/status`)).json()) as { healthy: boolean; alerts: { alertname: string }[] };
    expect(status.healthy).toBe(false);
    expect(status.alerts.map((alert) => alert.alertname)).toEqual(['HaproxyServerDown']);
    expect(((await (await fetch(`${first.url}/status`)).json()) as { alerts: unknown[] }).alerts).toEqual([]);
    expect((await fetch(`${first.url}/nope`)).status).toBe(404);
    expect((await fetch(`${first.url}/metrics`, { method: 'POST' })).status).toBe(405);
    for (const monitor of monitors) await monitor.stop();
    expect((await fetch(`${first.url}/healthz`)).status).toBe(503);
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('stops when its signal aborts', async () => {
    const source = switchProbe('haproxy');
    const monitor = createMonitor({ probes: [source.probe] });
    const controller = new AbortController();
    await monitor.start({ signal: controller.signal });
    expect(monitor.running).toBe(true);
    controller.abort();
    await until(() => !monitor.running);
    expect(() => createMonitor({ probes: [source.probe, source.probe] })).toThrow(/two probes are named 'haproxy'/);
  });
});
