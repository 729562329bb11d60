import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandResult, Runner } from '@ha/core';
import { parseClusterStatus, type ClusterStatus } from '@ha/pcs-client';
import { AlertEngine } from '../engine/alert-engine.js';
import { defaultInhibitRules, defaultPolicies } from '../engine/defaults.js';
import { MetricsExposition } from '../metrics/exposition.js';
import type { AlertEvent, Condition } from '../model.js';
import { createMonitor } from '../monitor.js';
import { forwardAlert } from '../pacemaker-alert/agent.js';
import { parseFenceAlert, type FenceAlert } from '../pacemaker-alert/fence-event.js';
import { cannotFenceConditions, completedAt, evaluateFencing, fencingSamples } from './fencing.js';
import { createPacemakerProbe, pacemakerConditions, pacemakerSamples } from './pacemaker.js';

// crm_mon's XML recorded from the lab by @ha/pcs-client (node2 offline in node-killed), with a
// <fence_history> written to Pacemaker's fence-event schema (the lab recordings have none: no fencing then).
const recorded = (version: string, name: string) =>
  readFileSync(new URL(`../../../pcs-client/test/fixtures/crm_mon/${version}/${name}.xml`, import.meta.url), 'utf8');
type HistoryEntry = Record<string, string>;
const historyXml = (entries: HistoryEntry[]) =>
  entries.length === 0
    ? ''
    : `  <fence_history>\n${entries
        .map(
          (entry) =>
            `    <fence_event ${Object.entries(entry)
              .map(([key, value]) => `${key}="${value}"`)
              .join(' ')}/>`,
        )
        .join('\n')}\n  </fence_history>\n`;
const xmlOf = (version: string, name: string, history: HistoryEntry[] = []) =>
  recorded(version, name).replace('  <status code="0"', `${historyXml(history)}  <status code="0"`);
const statusOf = (version: string, name: string, history: HistoryEntry[] = []): ClusterStatus =>
  parseClusterStatus(xmlOf(version, name, history));

const T = Date.UTC(2026, 11, 1, 18, 40, 12);
// crm_mon's `completed`: to the second on 2.1, to the microsecond on 3.0.
const completed = (version: string, at: number) => {
  const iso = new Date(at).toISOString();
  return version === '2.1.5'
    ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`
    : `${iso.slice(0, 10)} ${iso.slice(11, 23)}456Z`;
};
const rebootOfNode2 = (version: string, at = T): HistoryEntry => ({
  action: 'reboot',
  target: 'node2',
  client: 'pacemaker-controld.1790',
  origin: 'node1',
  status: 'success',
  delegate: 'node1',
  completed: completed(version, at),
});
const pushed = (desc: string, rc: string, at: number): FenceAlert =>
  parseFenceAlert({
    kind: 'fencing',
    node: 'node2',
    task: 'st_notify_fence',
    desc,
    rc,
    timestamp_epoch: String(Math.floor(at / 1000)),
    timestamp_usec: String((at % 1000) * 1000),
  });
const rebootPushed = (at = T) =>
  pushed('Operation reboot of node2 by node1 for pacemaker-controld.1790@node1: OK (ref=a1)', '0', at);

/** Runs the Pacemaker rules over a sequence of polls, through an engine with the shipped defaults. */
function replay(steps: { at: number; status: ClusterStatus; pushed?: FenceAlert[] }[]) {
  const engine = new AlertEngine({ policies: defaultPolicies, inhibitRules: defaultInhibitRules });
  const events: AlertEvent[] = [];
  let memory: ReturnType<typeof pacemakerConditions>['memory'] | undefined;
  const results: Condition[][] = [];
  for (const step of steps) {
    const result = pacemakerConditions(step.status, memory, { pushedFencing: step.pushed ?? [], now: step.at });
    memory = result.memory;
    results.push(result.conditions);
    events.push(...engine.observe('pacemaker', result.conditions, step.at));
  }
  const fencing = events.filter((event) => /^Pacemaker(NodeFenced|FencingFailed)$/.test(event.alertname));
  return {
    results,
    memory: memory as NonNullable<typeof memory>,
    events: fencing.map((event) => `${event.status} ${event.fingerprint}`),
    all: fencing,
  };
}

describe.each(['2.1.5', '3.0.0'])('fencing alerts (crm_mon %s)', (version) => {
  it('pushed, then read in the history: PacemakerNodeFenced raised once, resolved once when the node is back', () => {
    const { events, memory, all } = replay([
      { at: T - 10_000, status: statusOf(version, 'healthy') },
      // The agent's push triggers a run at once; crm_mon's history may not have it yet.
      { at: T + 50, status: statusOf(version, 'node-killed'), pushed: [rebootPushed()] },
      { at: T + 5_000, status: statusOf(version, 'node-killed', [rebootOfNode2(version)]) },
      { at: T + 10_000, status: statusOf(version, 'node-killed', [rebootOfNode2(version)]) },
      { at: T + 40_000, status: statusOf(version, 'healthy', [rebootOfNode2(version)]) },
      { at: T + 45_000, status: statusOf(version, 'healthy', [rebootOfNode2(version)]) },
    ]);
    expect(events).toEqual([
      'firing PacemakerNodeFenced{action="reboot",delegate="node1",node="node2"}',
      'resolved PacemakerNodeFenced{action="reboot",delegate="node1",node="node2"}',
    ]);
    expect(all[0]).toMatchObject({
      severity: 'warning',
      summary: 'node node2 was fenced (reboot by node1); it is not back online yet',
    });
    expect(memory.fence.counts).toEqual([{ target: 'node2', action: 'reboot', status: 'success', count: 1 }]);
  });

  it('read in the history first, the push arriving after: still one fencing', () => {
    const { events, memory } = replay([
      { at: T - 10_000, status: statusOf(version, 'healthy') },
      { at: T + 500, status: statusOf(version, 'node-killed', [rebootOfNode2(version)]) },
      {
        at: T + 900,
        status: statusOf(version, 'node-killed', [rebootOfNode2(version)]),
        pushed: [rebootPushed(T + 400)],
      },
    ]);
    expect(events).toEqual(['firing PacemakerNodeFenced{action="reboot",delegate="node1",node="node2"}']);
    expect(memory.fence.counts[0]?.count).toBe(1);
  });

  it('pushed by every node (each controller runs the agent), then read in the history: one fencing', () => {
    const byNode3 = pushed(
      'Operation reboot of node2 by node1 for pacemaker-controld.1790@node1: OK (ref=a1)',
      '0',
      T + 30,
    );
    const withoutReference = pushed(
      'Operation reboot of node2 by node1 for pacemaker-controld.1790@node1: OK',
      '0',
      T + 60,
    );
    const { events, memory } = replay([
      { at: T - 10_000, status: statusOf(version, 'healthy') },
      { at: T + 50, status: statusOf(version, 'node-killed'), pushed: [rebootPushed(), byNode3] },
      { at: T + 900, status: statusOf(version, 'node-killed'), pushed: [withoutReference] },
      { at: T + 5_000, status: statusOf(version, 'node-killed', [rebootOfNode2(version)]) },
    ]);
    expect(events).toEqual(['firing PacemakerNodeFenced{action="reboot",delegate="node1",node="node2"}']);
    expect(memory.fence.counts).toEqual([{ target: 'node2', action: 'reboot', status: 'success', count: 1 }]);
  });

  it('a failed fencing is critical until a manual confirm (a successful off), which is a fencing of its own', () => {
    const failed: HistoryEntry = {
      action: 'reboot',
      target: 'node2',
      client: 'pacemaker-controld.1790',
      origin: 'node1',
      status: 'failed',
      'exit-reason': 'the power switch refused',
      completed: completed(version, T),
    };
    const confirm = pushed(
      'Operation off of node2 by node1 for stonith_admin.4412@node1: OK (ref=c1)',
      '0',
      T + 60_000,
    );
    const { events, all, memory } = replay([
      { at: T - 10_000, status: statusOf(version, 'healthy') },
      { at: T + 1_000, status: statusOf(version, 'node-killed', [failed]) },
      // A retry fails otherwise: the same alert, one more attempt.
      {
        at: T + 30_000,
        status: statusOf(version, 'node-killed', [
          failed,
          { ...failed, 'exit-reason': 'timed out', completed: completed(version, T + 29_000) },
        ]),
      },
      { at: T + 60_100, status: statusOf(version, 'node-killed', [failed]), pushed: [confirm] },
      { at: T + 90_000, status: statusOf(version, 'healthy', [failed]) },
    ]);
    expect(events).toEqual([
      'firing PacemakerFencingFailed{action="reboot",node="node2",reason="the power switch refused"}',
      'resolved PacemakerFencingFailed{action="reboot",node="node2",reason="the power switch refused"}',
      'firing PacemakerNodeFenced{action="off",delegate="node1",node="node2"}',
      'resolved PacemakerNodeFenced{action="off",delegate="node1",node="node2"}',
    ]);
    expect(all[0]?.severity).toBe('critical');
    expect(memory.fence.counts).toEqual([
      { target: 'node2', action: 'reboot', status: 'failed', count: 2 },
      { target: 'node2', action: 'off', status: 'success', count: 1 },
    ]);
    expect(memory.fence.last['node2']).toEqual({ ok: true, at: T + 60_000 });
  });

  it('the first run takes the history as the past: counted, and open only for a node still not back', () => {
    const old = rebootOfNode2(version, T - 3_600_000);
    const back = evaluateFencing(statusOf(version, 'healthy', [old]), undefined, [], T);
    expect(back.conditions).toEqual([]);
    expect(back.memory.counts).toEqual([{ target: 'node2', action: 'reboot', status: 'success', count: 1 }]);
    const down = evaluateFencing(statusOf(version, 'node-killed', [old]), undefined, [], T);
    expect(down.conditions.map((condition) => condition.alertname)).toEqual(['PacemakerNodeFenced']);
  });
});

describe('fencing rules', () => {
  it('a node fenced and back before any poll saw it down still raises once, and resolves a minute on', () => {
    const healthy = statusOf('2.1.5', 'healthy');
    const { events, all } = replay([
      { at: T - 10_000, status: healthy },
      { at: T + 50, status: healthy, pushed: [rebootPushed()] },
      { at: T + 5_000, status: healthy },
      { at: T + 55_000, status: healthy },
      { at: T + 61_000, status: healthy },
    ]);
    expect(events).toEqual([
      'firing PacemakerNodeFenced{action="reboot",delegate="node1",node="node2"}',
      'resolved PacemakerNodeFenced{action="reboot",delegate="node1",node="node2"}',
    ]);
    // Not at the next poll: "online" then may be the status of just before the fencing.
    expect(all[1]?.endsAt).toBe(new Date(T + 61_000).toISOString());
  });

  it('unfencing (on) is counted, never a fenced node', () => {
    const on = pushed('Operation on of node2 by node1 for pacemaker-controld.1790@node1: OK (ref=u1)', '0', T);
    const first = evaluateFencing(statusOf('2.1.5', 'node-killed'), undefined, [], T - 1);
    const { conditions, memory } = evaluateFencing(statusOf('2.1.5', 'node-killed'), first.memory, [on], T);
    expect(conditions).toEqual([]);
    expect(memory.counts).toEqual([{ target: 'node2', action: 'on', status: 'success', count: 1 }]);
  });

  it('counters never go back when the history is cleaned up (stonith_admin --cleanup)', async () => {
    const history = [rebootOfNode2('2.1.5', T - 600_000), rebootOfNode2('2.1.5', T - 300_000)];
    const first = pacemakerConditions(statusOf('2.1.5', 'healthy', history), undefined, { now: T });
    const cleaned = statusOf('2.1.5', 'healthy');
    const after = pacemakerConditions(cleaned, first.memory, { now: T + 5_000 });
    const text = await new MetricsExposition().render(pacemakerSamples(cleaned, after.memory.fence));
    expect(text).toContain('# TYPE ha_cluster_pacemaker_fence_events_total counter');
    expect(text).toContain(
      'ha_cluster_pacemaker_fence_events_total{target="node2",action="reboot",status="success"} 2',
    );
    expect(text).toContain('ha_cluster_pacemaker_fence_last_result{node="node2"} 1');
    expect(text).toContain(`ha_cluster_pacemaker_fence_last_timestamp_seconds{node="node2"} ${(T - 300_000) / 1000}`);
    // The lab recorded these with stonith-enabled=false: no node can be fenced.
    for (const node of ['node1', 'node2', 'node3'])
      expect(text).toContain(`ha_cluster_pacemaker_node_fenceable{node="${node}"} 0`);
  });

  it('a node is not fenceable when fencing is off, there is no device, or none can fence it', () => {
    const status = statusOf('2.1.5', 'healthy');
    const fenceable = (reasons: { code: string; message: string; subject?: string }[]) =>
      fencingSamples(status, undefined, reasons)
        .filter((sample) => sample.name === 'ha_cluster_pacemaker_node_fenceable')
        .map((sample) => `${sample.labels?.['node']}=${sample.value}`);
    expect(fenceable([{ code: 'NODE_UNFENCEABLE', message: 'no device can fence node3', subject: 'node3' }])).toEqual([
      'node1=1',
      'node2=1',
      'node3=0',
    ]);
    expect(fenceable([{ code: 'FENCING_DISABLED', message: 'stonith-enabled is false' }])).toEqual([
      'node1=0',
      'node2=0',
      'node3=0',
    ]);
  });

  it("crm_mon's completed times of both generations", () => {
    expect(completedAt('2026-12-01 18:40:12Z')).toBe(T);
    expect(completedAt('2026-12-01 19:40:12 +01:00')).toBe(T);
    expect(completedAt('2026-12-01 18:40:12.345678Z')).toBe(T + 345);
    expect(completedAt(new Date(T))).toBe(T);
    expect(completedAt('yesterday')).toBeUndefined();
  });
});

describe('PacemakerCannotFence', () => {
  it('one critical condition per fencing code, labelled with the node or the device; other codes are not it', () => {
    const conditions = cannotFenceConditions([
      { code: 'FENCING_DISABLED', message: 'stonith-enabled is false' },
      { code: 'NODE_UNFENCEABLE', message: 'no device can fence node3', subject: 'node3' },
      { code: 'NODE_UNFENCEABLE', message: 'no device can fence node3', subject: 'node3' },
      { code: 'FENCE_DEVICE_FAILED', message: 'fence device lab-fence is stopped', subject: 'lab-fence' },
      { code: 'NO_FENCE_DEVICE', message: 'no fence device is configured' },
      { code: 'NODE_OFFLINE', message: 'node node2 is offline', subject: 'node2' },
    ]);
    expect(
      conditions.map((condition) => `${condition.severity} ${condition.alertname}${JSON.stringify(condition.labels)}`),
    ).toEqual([
      'critical PacemakerCannotFence{"reason":"FENCING_DISABLED"}',
      'critical PacemakerCannotFence{"reason":"NODE_UNFENCEABLE","node":"node3"}',
      'critical PacemakerCannotFence{"reason":"FENCE_DEVICE_FAILED","device":"lab-fence"}',
      'critical PacemakerCannotFence{"reason":"NO_FENCE_DEVICE"}',
    ]);
    expect(conditions[2]?.summary).toBe('the cluster cannot fence: fence device lab-fence is stopped');
  });

  it('stonith-enabled=false (as the lab recorded these) is PacemakerCannotFence, raised and resolved once', () => {
    const engine = new AlertEngine({ policies: defaultPolicies, inhibitRules: defaultInhibitRules });
    const disabled = statusOf('3.0.0', 'healthy');
    const events: string[] = [];
    for (const at of [T, T + 5_000, T + 10_000, T + 15_000])
      events.push(
        ...engine
          .observe('pacemaker', pacemakerConditions(disabled).conditions, at)
          .map((event) => `${event.status} ${event.fingerprint}`),
      );
    const enabled = parseClusterStatus(
      xmlOf('3.0.0', 'healthy').replace('stonith-enabled="false"', 'stonith-enabled="true"'),
    );
    events.push(
      ...engine
        .observe('pacemaker', pacemakerConditions(enabled).conditions, T + 20_000)
        .map((event) => `${event.status} ${event.fingerprint}`),
    );
    expect(events.filter((event) => event.includes('FENCING_DISABLED'))).toEqual([
      'firing PacemakerCannotFence{reason="FENCING_DISABLED"}',
      'resolved PacemakerCannotFence{reason="FENCING_DISABLED"}',
    ]);
  });
});

describe('a node fenced and left off', () => {
  it('is critical and said fenced, although Pacemaker then expects it down; cleanly down without a fencing: warning', () => {
    for (const version of ['2.1.5', '3.0.0']) {
      const expectedDown = (xml: string) => xml.replace(/(<node name="node2"[^>]*expected_up=")true/, '$1false');
      const offline = (xml: string) =>
        pacemakerConditions(parseClusterStatus(expectedDown(xml)), undefined, { now: T + 1_000 }).conditions.find(
          (condition) => condition.alertname === 'PacemakerNodeOffline',
        );
      const fenced = offline(xmlOf(version, 'node-killed', [{ ...rebootOfNode2(version), action: 'off' }]));
      expect(fenced).toMatchObject({ severity: 'critical', labels: { node: 'node2' } });
      expect(fenced?.summary).toMatch(/^node node2 is offline \(fenced\)/);
      expect(offline(xmlOf(version, 'node-killed'))).toMatchObject({ severity: 'warning' });
    }
  });
});

describe('the shipped grouping', () => {
  const engine = () => new AlertEngine({ policies: defaultPolicies, inhibitRules: defaultInhibitRules });
  const offline: Condition = {
    alertname: 'PacemakerNodeOffline',
    labels: { node: 'node2' },
    severity: 'critical',
    summary: 'x',
  };

  it('a node offline holds back its other alerts, not its fencing alerts', () => {
    const fenced: Condition = {
      alertname: 'PacemakerNodeFenced',
      labels: { node: 'node2', action: 'reboot', delegate: 'node1' },
      severity: 'warning',
      summary: 'x',
    };
    const failed: Condition = {
      alertname: 'PacemakerFencingFailed',
      labels: { node: 'node2', action: 'reboot', reason: 'r' },
      severity: 'critical',
      summary: 'x',
    };
    const unclean: Condition = {
      alertname: 'PacemakerNodeUnclean',
      labels: { node: 'node2' },
      severity: 'critical',
      summary: 'x',
    };
    const sent = engine()
      .observe('pacemaker', [offline, fenced, failed, unclean], T)
      .map((event) => event.alertname);
    expect(sent).toEqual(['PacemakerNodeOffline', 'PacemakerNodeFenced', 'PacemakerFencingFailed']);
  });

  it('fencing disabled covers every node that cannot be fenced', () => {
    const conditions = cannotFenceConditions([
      { code: 'FENCING_DISABLED', message: 'stonith-enabled is false' },
      { code: 'NODE_UNFENCEABLE', message: 'no device can fence node3', subject: 'node3' },
    ]);
    const alerts = engine();
    alerts.observe('pacemaker', conditions, T);
    expect(alerts.observe('pacemaker', conditions, T + 10_000).map((event) => event.fingerprint)).toEqual([
      'PacemakerCannotFence{reason="FENCING_DISABLED"}',
    ]);
  });
});

describe('the Pacemaker probe', () => {
  const scratch = mkdtemp(join(tmpdir(), 'ha-monitor-fencing-'));
  afterAll(async () => rm(await scratch, { recursive: true, force: true }));

  it('a fencing pushed by the real agent and then read by crm_mon: one firing, one resolved, one count', async () => {
    const socket = join(await scratch, 'pacemaker.sock');
    let xml = xmlOf('2.1.5', 'healthy');
    const crmMon: Runner = {
      run: async (file, args) => {
        expect([file, args.includes('--fence-history=3')]).toEqual(['crm_mon', true]);
        return { stdout: xml, stderr: '', exitCode: 0 } as unknown as CommandResult;
      },
      spawnDetached: () => Promise.reject(new Error('not used')),
      stream: () => {
        throw new Error('not used');
      },
    };
    const probe = createPacemakerProbe({ runner: crmMon, alertSocket: socket, intervalMs: 60_000, watchCib: false });
    const monitor = createMonitor({ probes: [probe] });
    const events: string[] = [];
    monitor.on('alert', (event) => {
      if (/^Pacemaker(NodeFenced|FencingFailed)$/.test(event.alertname))
        events.push(`${event.status} ${event.fingerprint}`);
    });
    const warnings: string[] = [];
    monitor.on('warning', (message) => warnings.push(message));
    const settle = async (what: () => boolean) => {
      for (let waited = 0; !what() && waited < 5_000; waited += 20)
        await new Promise((resolve) => setTimeout(resolve, 20));
    };
    await monitor.start();
    await settle(() => monitor.snapshot().probes[0]?.ok === true);
    // Pacemaker fences node2: crm_mon shows it offline, the agent pushes the result.
    const now = Date.now();
    const history = [rebootOfNode2('2.1.5', now)];
    xml = xmlOf('2.1.5', 'node-killed');
    await forwardAlert({
      CRM_alert_recipient: socket,
      CRM_alert_kind: 'fencing',
      CRM_alert_node: 'node2',
      CRM_alert_task: 'st_notify_fence',
      CRM_alert_rc: '0',
      CRM_alert_desc: 'Operation reboot of node2 by node1 for pacemaker-controld.1790@node1: OK (ref=a1)',
      CRM_alert_timestamp_epoch: String(Math.floor(now / 1000)),
      CRM_alert_timestamp_usec: '0',
    });
    await settle(() => events.length === 1);
    // The history has it now too; an unrelated push makes the probe run again.
    xml = xmlOf('2.1.5', 'node-killed', history);
    await forwardAlert({
      CRM_alert_recipient: socket,
      CRM_alert_kind: 'node',
      CRM_alert_node: 'node2',
      CRM_alert_desc: 'lost',
    });
    await settle(() => (monitor.snapshot().probes[0]?.runs ?? 0) >= 3);
    xml = xmlOf('2.1.5', 'healthy', history);
    await forwardAlert({
      CRM_alert_recipient: socket,
      CRM_alert_kind: 'node',
      CRM_alert_node: 'node2',
      CRM_alert_desc: 'member',
    });
    await settle(() => events.length === 2);
    const metrics = await monitor.metrics();
    await monitor.stop();
    expect(events).toEqual([
      'firing PacemakerNodeFenced{action="reboot",delegate="node1",node="node2"}',
      'resolved PacemakerNodeFenced{action="reboot",delegate="node1",node="node2"}',
    ]);
    expect(metrics).toContain(
      'ha_cluster_pacemaker_fence_events_total{target="node2",action="reboot",status="success"} 1',
    );
    expect(warnings).toEqual([]);
    // Three real agent processes (node) and their pushes: seconds on a busy machine, not vitest's 5 s default.
  }, 30_000);
});
