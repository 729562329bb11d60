import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '@ha/core';
import { reportOnce } from './cli.js';
import { serveMonitor } from './http.js';
import type { AlertEvent, Condition } from './model.js';
import { createMonitor, type Monitor } from './monitor.js';
import type { Probe } from './probes/probe.js';
import type { Sink } from './sinks/sink.js';

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

const down: Condition = {
  alertname: 'HaproxyServerDown',
  labels: { proxy: 'web', server: 's1' },
  severity: 'warning',
  summary: 'server web/s1 is DOWN',
};

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
    const monitor = createMonitor({
      probes: [failing.probe, hanging.probe, healthy.probe],
      alerts: { policies: { ProbeFailing: { raiseAfterMs: 0 } } },
    });
    const seen: AlertEvent[] = [];
    monitor.on('alert', (event) => seen.push(event));
    failing.fail = 'crm_mon: connection refused';
    hanging.hang = true;
    await monitor.start();
    await until(() => seen.length === 2);
    expect(seen.map((event) => `${event.alertname} ${event.labels.probe}`).sort()).toEqual([
      'ProbeFailing corosync',
      'ProbeFailing pacemaker',
    ]);
    expect(seen.find((event) => event.labels.probe === 'pacemaker')?.summary).toBe(
      'probe pacemaker is failing: crm_mon: connection refused',
    );
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

  // A probe polled a minute apart that has run once, then pushed with `down` holding: when the alert came.
  async function pushDown(policies: Record<string, { raiseAfterMs: number }> = {}): Promise<number> {
    const source = switchProbe('pacemaker', { intervalMs: 60_000 });
    const monitor = createMonitor({ probes: [source.probe], alerts: { policies } });
    const seen: AlertEvent[] = [];
    monitor.on('alert', (event) => seen.push(event));
    await monitor.start();
    try {
      await until(() => source.runs === 1);
      source.conditions = [down];
      const pushed = Date.now();
      source.trigger?.();
      await until(() => seen.length === 1, 3_000);
      return Date.now() - pushed;
    } finally {
      await monitor.stop();
    }
  }

  it('a push runs the probe at once instead of waiting for its interval', async () => {
    expect(await pushDown()).toBeLessThan(500);
  });

  it('a probe polled slowly runs again when a hold-down of its alerts ends, not at its next interval', async () => {
    // Held for its 300 ms, then raised by the run at its end, a minute before the probe's own interval.
    const after = await pushDown({ HaproxyServerDown: { raiseAfterMs: 300 } });
    expect(after).toBeGreaterThanOrEqual(300);
    expect(after).toBeLessThan(1_500);
  });

  it('rules see every observation; runOnce reports without sinks', async () => {
    const source = switchProbe('haproxy');
    source.conditions = [down];
    const monitor = createMonitor({
      probes: [source.probe],
      rules: [
        {
          name: 'too-many',
          evaluate: (observations) =>
            ((observations.haproxy as { conditions: number } | undefined)?.conditions ?? 0) > 0
              ? [{ alertname: 'Custom', labels: {}, severity: 'critical', summary: 'custom' }]
              : [],
        },
      ],
    });
    const result = await monitor.runOnce();
    expect(result.healthy).toBe(false);
    expect(result.conditions.map((condition) => `${condition.source} ${condition.alertname}`)).toEqual([
      'haproxy HaproxyServerDown',
      'rule:too-many Custom',
    ]);
  });

  it('runOnce: healthy, degraded, or unknown when a probe could not run; --once prints the same word as its exit code says', async () => {
    const source = switchProbe('haproxy');
    const other = switchProbe('pacemaker');
    const monitor = createMonitor({ probes: [source.probe, other.probe] });
    const once = async () => {
      const result = await monitor.runOnce();
      const out: string[] = [];
      const err: string[] = [];
      const io: CliIo = { stdout: (text) => out.push(text), stderr: (text) => err.push(text) };
      const code = reportOnce(result, io);
      return {
        verdict: result.verdict,
        healthy: result.healthy,
        code,
        last: out.join('').trimEnd().split('\n').at(-1),
        err: err.join(''),
      };
    };
    expect(await once()).toEqual({ verdict: 'healthy', healthy: true, code: 0, last: 'healthy', err: '' });
    source.conditions = [down];
    expect(await once()).toEqual({ verdict: 'degraded', healthy: false, code: 1, last: 'degraded', err: '' });
    // "Could not look" is not "looked and found it degraded", even when the other probe found something.
    other.fail = 'crm_mon: Could not connect to the CIB';
    expect(await once()).toEqual({
      verdict: 'unknown',
      healthy: false,
      code: 2,
      last: 'unknown: could not run the pacemaker probe',
      err: 'ha-monitor: could not run the pacemaker probe: crm_mon: Could not connect to the CIB\n',
    });
    source.fail = 'no.sock: connection refused';
    expect((await once()).last).toBe('unknown: could not run the haproxy and pacemaker probes');
    // With --json, the same verdict is in the object.
    const json: string[] = [];
    const jsonIo: CliIo = { stdout: (text) => json.push(text), stderr: () => undefined };
    expect(reportOnce(await monitor.runOnce(), jsonIo, { json: true })).toBe(2);
    expect(JSON.parse(json.join(''))).toMatchObject({ verdict: 'unknown', healthy: false });
  });

  it('state and queue files are read under a size limit; a damaged or oversized one is warned about, never fatal', async () => {
    const stateDir = join(scratch, 'limits');
    await mkdir(stateDir, { recursive: true });
    const source = switchProbe('haproxy');
    // A state file above the limit: the monitor starts without it, and says why.
    await writeFile(join(stateDir, 'state.json'), JSON.stringify({ version: 1, entries: [] }).padEnd(4096, ' '));
    // A queue that is not JSON at all (it used to make start() throw).
    const sink: Sink = { name: 'hook', send: async () => undefined };
    await writeFile(join(stateDir, 'queue-hook.json'), '{"version":1,"events":[{"stat');
    const monitor = createMonitor({ probes: [source.probe], sinks: [sink], stateDir, maxStateBytes: 1024 });
    const warnings: string[] = [];
    monitor.on('warning', (message) => warnings.push(message));
    await monitor.start();
    await until(() => source.runs > 0);
    await monitor.stop();
    expect(warnings).toContain(
      `${join(stateDir, 'state.json')}: 4,096 bytes is more than the limit of 1,024 bytes ` +
        '(raise it with the maxBytes option (--max-bytes in the CLIs)); starting without it',
    );
    expect(warnings).toContain(`sink hook: ${join(stateDir, 'queue-hook.json')}: not a queue file; starting empty`);
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
    const [first, second] = servers as [
      Awaited<ReturnType<typeof serveMonitor>>,
      Awaited<ReturnType<typeof serveMonitor>>,
    ];
    const metrics = await fetch(`${first.url}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await metrics.text()).toContain('ha_monitor_probe_up{probe="haproxy"} 1');
    expect(await (await fetch(`${first.url}/healthz`)).text()).toBe('ok\n');
    const status = (await (await fetch(`${second.url}/status`)).json()) as {
      healthy: boolean;
      alerts: { alertname: string }[];
    };
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
