import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { AlertEvent, Condition } from '../model.js';
import { AlertEngine, engineStateSchema, type AlertEngineOptions } from './alert-engine.js';
import { defaultInhibitRules } from './defaults.js';
import { formatMatchers, matchesAll, parseMatchers } from './matchers.js';

const t0 = Date.parse('2026-11-25T10:00:00Z');
const offline = (node: string): Condition => ({
  alertname: 'PacemakerNodeOffline',
  labels: { node },
  severity: 'critical',
  summary: `node ${node} is offline`,
});
const serverDown = (server: string): Condition => ({
  alertname: 'HaproxyServerDown',
  labels: { proxy: 'web', server },
  severity: 'warning',
  summary: `server web/${server} is DOWN`,
});
const brief = (events: AlertEvent[]) =>
  events.map((event) => `${event.status} ${event.fingerprint}${event.reminder ? ' (reminder)' : ''}`);

describe('raise and resolve', () => {
  it('one firing when a condition starts, nothing while it lasts, one resolved when it ends', () => {
    const engine = new AlertEngine();
    expect(brief(engine.observe('pacemaker', [offline('node2')], t0))).toEqual([
      'firing PacemakerNodeOffline{node="node2"}',
    ]);
    for (let i = 1; i <= 10; i++) expect(engine.observe('pacemaker', [offline('node2')], t0 + i * 1000)).toEqual([]);
    const resolved = engine.observe('pacemaker', [], t0 + 11_000);
    expect(resolved).toEqual([
      {
        status: 'resolved',
        alertname: 'PacemakerNodeOffline',
        severity: 'critical',
        labels: { node: 'node2' },
        summary: 'node node2 is offline',
        startsAt: '2026-11-25T10:00:00.000Z',
        endsAt: '2026-11-25T10:00:11.000Z',
        fingerprint: 'PacemakerNodeOffline{node="node2"}',
      },
    ]);
    expect(engine.observe('pacemaker', [], t0 + 12_000)).toEqual([]);
  });

  it("a source only resolves its own conditions; a failing probe's alerts stay as they are", () => {
    const engine = new AlertEngine();
    engine.observe('pacemaker', [offline('node2')], t0);
    expect(engine.observe('haproxy', [], t0 + 1000)).toEqual([]);
    expect(engine.active(t0 + 1000).map((alert) => alert.state)).toEqual(['firing']);
  });

  it('flap damping: shorter than the raise hold-down is never an alert; resolve waits for its own hold-down', () => {
    const engine = new AlertEngine({ policies: { HaproxyServerDown: { raiseAfterMs: 3000, resolveAfterMs: 2000 } } });
    expect(engine.observe('haproxy', [serverDown('s1')], t0)).toEqual([]);
    expect(engine.observe('haproxy', [], t0 + 1000)).toEqual([]); // gone before 3 s
    expect(engine.active(t0 + 1000)).toEqual([]);
    engine.observe('haproxy', [serverDown('s1')], t0 + 2000);
    expect(engine.nextDeadline(t0 + 2000)).toBe(t0 + 5000);
    // The hold-down is over, but the last report is 3 s old: it fires when a report confirms it.
    expect(engine.tick(t0 + 5000)).toEqual([]);
    expect(brief(engine.observe('haproxy', [serverDown('s1')], t0 + 5000))).toEqual([
      'firing HaproxyServerDown{proxy="web",server="s1"}',
    ]);
    expect(engine.observe('haproxy', [], t0 + 6000)).toEqual([]);
    expect(engine.observe('haproxy', [serverDown('s1')], t0 + 7000)).toEqual([]); // back within the resolve hold-down: still the same alert
    engine.observe('haproxy', [], t0 + 8000);
    expect(brief(engine.tick(t0 + 10_000))).toEqual(['resolved HaproxyServerDown{proxy="web",server="s1"}']);
  });

  it('reminders repeat a firing alert, marked as such', () => {
    const engine = new AlertEngine({ defaults: { remindEveryMs: 60_000 } });
    engine.observe('pacemaker', [offline('node2')], t0);
    expect(engine.tick(t0 + 59_000)).toEqual([]);
    expect(brief(engine.tick(t0 + 60_000))).toEqual(['firing PacemakerNodeOffline{node="node2"} (reminder)']);
    expect(engine.tick(t0 + 61_000)).toEqual([]);
  });

  it('severity and enabled come from the policy; external labels join every alert', () => {
    const engine = new AlertEngine({
      policies: { PacemakerNodeOffline: { severity: 'warning' }, HaproxyServerDown: { enabled: false } },
      externalLabels: { cluster: 'prod' },
    });
    const events = engine.observe('x', [offline('node2'), serverDown('s1')], t0);
    expect(events).toMatchObject([
      {
        severity: 'warning',
        labels: { cluster: 'prod', node: 'node2' },
        fingerprint: 'PacemakerNodeOffline{cluster="prod",node="node2"}',
      },
    ]);
  });

  it('an event-like condition is sent once with endsAt, never resolved', () => {
    const engine = new AlertEngine({ eventHoldMs: 60_000 });
    const moved: Condition = {
      alertname: 'PacemakerResourceMoved',
      labels: { resource: 'WebServer' },
      severity: 'info',
      summary: 'moved',
      event: true,
    };
    expect(engine.observe('pacemaker', [moved], t0)).toMatchObject([
      { status: 'firing', startsAt: '2026-11-25T10:00:00.000Z', endsAt: '2026-11-25T10:01:00.000Z' },
    ]);
    expect(engine.observe('pacemaker', [], t0 + 1000)).toEqual([]);
    expect(engine.active(t0 + 1000)).toEqual([]);
  });
});

describe('silences, maintenance and grouping', () => {
  it('a silence window holds the alert back; it is sent when the window ends if it still holds', () => {
    const engine = new AlertEngine({
      silences: [
        {
          id: 'work',
          matchers: parseMatchers('alertname=HaproxyServerDown, server=~"s[12]"'),
          startsAt: t0,
          endsAt: t0 + 10_000,
        },
      ],
    });
    expect(
      engine.observe('haproxy', [serverDown('s1'), serverDown('s3')], t0 + 1000).map((event) => event.labels.server),
    ).toEqual(['s3']);
    expect(engine.active(t0 + 1000).find((alert) => alert.labels.server === 's1')?.suppressed).toBe(true);
    expect(engine.nextDeadline(t0 + 1000)).toBe(t0 + 10_000);
    expect(brief(engine.tick(t0 + 10_000))).toEqual(['firing HaproxyServerDown{proxy="web",server="s1"}']);
  });

  it('resolved during its silence and never sent: nothing at all', () => {
    const engine = new AlertEngine({ silences: [{ id: 'all', matchers: parseMatchers('alertname=~".+"') }] });
    expect(engine.observe('haproxy', [serverDown('s1')], t0)).toEqual([]);
    expect(engine.observe('haproxy', [], t0 + 1000)).toEqual([]);
  });

  it('while the cluster is in maintenance mode, everything else is silenced', () => {
    const engine = new AlertEngine({ maintenanceAlertname: 'PacemakerMaintenanceMode' });
    const maintenance: Condition = {
      alertname: 'PacemakerMaintenanceMode',
      labels: {},
      severity: 'info',
      summary: 'maintenance',
    };
    expect(brief(engine.observe('pacemaker', [maintenance, offline('node2')], t0))).toEqual([
      'firing PacemakerMaintenanceMode{}',
    ]);
    expect(brief(engine.observe('pacemaker', [offline('node2')], t0 + 5000))).toEqual([
      'resolved PacemakerMaintenanceMode{}',
      'firing PacemakerNodeOffline{node="node2"}',
    ]);
  });

  it('a node going offline does not also send its corosync alerts, its failed actions or the resources stopped meanwhile', () => {
    const engine = new AlertEngine({ inhibitRules: defaultInhibitRules });
    const conditions: Condition[] = [
      offline('node2'),
      { alertname: 'PacemakerNodeUnclean', labels: { node: 'node2' }, severity: 'critical', summary: 'unclean' },
      {
        alertname: 'PacemakerResourceStopped',
        labels: { resource: 'WebServer' },
        severity: 'critical',
        summary: 'stopped',
      },
      {
        alertname: 'PacemakerFailedAction',
        labels: { resource: 'WebServer', node: 'node2', operation: 'monitor' },
        severity: 'warning',
        summary: 'failed',
      },
      {
        alertname: 'PacemakerFailedAction',
        labels: { resource: 'Db', node: 'node1', operation: 'monitor' },
        severity: 'warning',
        summary: 'failed elsewhere',
      },
    ];
    expect(brief(engine.observe('pacemaker', conditions, t0))).toEqual([
      'firing PacemakerNodeOffline{node="node2"}',
      'firing PacemakerFailedAction{node="node1",operation="monitor",resource="Db"}',
    ]);
    expect(
      brief(
        engine.observe(
          'corosync',
          [
            {
              alertname: 'CorosyncLinkDown',
              labels: { node: 'node2', link: '0' },
              severity: 'warning',
              summary: 'down',
            },
          ],
          t0 + 100,
        ),
      ),
    ).toEqual([]);
    // The node is back and its link too; the resource still stopped now fires on its own.
    expect(engine.observe('corosync', [], t0 + 8900)).toEqual([]);
    expect(brief(engine.observe('pacemaker', [conditions[2] as Condition], t0 + 9000)).sort()).toEqual([
      'firing PacemakerResourceStopped{resource="WebServer"}',
      'resolved PacemakerFailedAction{node="node1",operation="monitor",resource="Db"}',
      'resolved PacemakerNodeOffline{node="node2"}',
    ]);
  });

  it('an alert held back by a node offline waits, when the node is back, for its own source to see it again', () => {
    const linkDown = (node: string): Condition => ({
      alertname: 'CorosyncLinkDown',
      labels: { node, link: '0' },
      severity: 'warning',
      summary: 'down',
    });
    const policies = { CorosyncLinkDown: { raiseAfterMs: 0 } };
    for (const [stillDown, expected] of [
      [false, []],
      [true, ['firing CorosyncLinkDown{link="0",node="node2"}']],
    ] as const) {
      const run = new AlertEngine({ inhibitRules: defaultInhibitRules, policies });
      expect(brief(run.observe('pacemaker', [offline('node2')], t0))).toEqual([
        'firing PacemakerNodeOffline{node="node2"}',
      ]);
      expect(run.observe('corosync', [linkDown('node2')], t0 + 1000)).toEqual([]);
      // Pacemaker sees the node back before corosync is polled again: corosync's last word is stale.
      expect(brief(run.observe('pacemaker', [], t0 + 5000))).toEqual(['resolved PacemakerNodeOffline{node="node2"}']);
      expect(run.active(t0 + 5000).find((alert) => alert.alertname === 'CorosyncLinkDown')?.suppressed).toBe(true);
      expect(run.tick(t0 + 6000)).toEqual([]);
      expect(brief(run.observe('corosync', stillDown ? [linkDown('node2')] : [], t0 + 11_000))).toEqual(expected);
    }
  });

  it("a backend down covers its servers' DOWN alerts, not other backends'", () => {
    const engine = new AlertEngine({ inhibitRules: defaultInhibitRules });
    const backendDown: Condition = {
      alertname: 'HaproxyBackendDown',
      labels: { proxy: 'web' },
      severity: 'critical',
      summary: 'down',
    };
    const other: Condition = {
      alertname: 'HaproxyServerDown',
      labels: { proxy: 'api', server: 'a1' },
      severity: 'warning',
      summary: 'down',
    };
    expect(brief(engine.observe('haproxy', [backendDown, serverDown('s1'), serverDown('s2'), other], t0))).toEqual([
      'firing HaproxyBackendDown{proxy="web"}',
      'firing HaproxyServerDown{proxy="api",server="a1"}',
    ]);
  });
});

describe('state', () => {
  it('survives a restart: no repeat of what was sent, and a resolve for what ended meanwhile', () => {
    const first = new AlertEngine();
    first.observe('pacemaker', [offline('node2'), offline('node3')], t0);
    const saved = engineStateSchema.parse(JSON.parse(JSON.stringify(first.state())));
    const second = new AlertEngine({}, saved);
    expect(brief(second.observe('pacemaker', [offline('node2')], t0 + 60_000))).toEqual([
      'resolved PacemakerNodeOffline{node="node3"}',
    ]);
    expect(second.observe('pacemaker', [offline('node2')], t0 + 61_000)).toEqual([]);
  });

  it('sources that are gone resolve their alerts', () => {
    const engine = new AlertEngine();
    engine.observe(
      'drbd',
      [{ alertname: 'DrbdDisconnected', labels: { resource: 'r0', peer: 'b' }, severity: 'warning', summary: 'x' }],
      t0,
    );
    expect(brief(engine.retainSources(new Set(['pacemaker']), t0 + 1))).toEqual([
      'resolved DrbdDisconnected{peer="b",resource="r0"}',
    ]);
  });
});

describe('properties', () => {
  it('whatever the sequence of observations: for every fingerprint, events alternate firing, resolved, firing …, starting with firing', () => {
    const names = ['a', 'b', 'c'];
    const step = fc.record({ present: fc.subarray(names), advance: fc.integer({ min: 0, max: 5_000 }) });
    const options = fc.record({
      raiseAfterMs: fc.constantFrom(0, 1000, 3000),
      resolveAfterMs: fc.constantFrom(0, 1000, 3000),
    });
    fc.assert(
      fc.property(options, fc.array(step, { maxLength: 40 }), (policy, steps) => {
        const engine = new AlertEngine({ defaults: policy } satisfies AlertEngineOptions);
        const events: AlertEvent[] = [];
        let now = t0;
        for (const { present, advance } of steps) {
          now += advance;
          events.push(...engine.tick(now));
          events.push(
            ...engine.observe(
              'p',
              present.map((name) => ({
                alertname: 'X',
                labels: { name },
                severity: 'warning' as const,
                summary: name,
              })),
              now,
            ),
          );
        }
        for (const name of names) {
          const statuses = events.filter((event) => event.labels.name === name).map((event) => event.status);
          statuses.forEach((status, index) => expect(status).toBe(index % 2 === 0 ? 'firing' : 'resolved'));
        }
      }),
    );
  });
});

describe('matchers', () => {
  it('read the four operators, quoted values and regexes anchored as Alertmanager does', () => {
    const matchers = parseMatchers(
      'alertname=HaproxyServerDown, server=~"s[12]", proxy!=api, severity!~"info|warning"',
    );
    expect(formatMatchers(matchers)).toBe(
      'alertname="HaproxyServerDown", server=~"s[12]", proxy!="api", severity!~"info|warning"',
    );
    expect(
      matchesAll(matchers, { alertname: 'HaproxyServerDown', server: 's1', proxy: 'web', severity: 'critical' }),
    ).toBe(true);
    expect(
      matchesAll(matchers, { alertname: 'HaproxyServerDown', server: 's12', proxy: 'web', severity: 'critical' }),
    ).toBe(false);
    expect(() => parseMatchers('server')).toThrow(/not a matcher/);
    expect(() => parseMatchers('server=~"("')).toThrow(/not a regular expression/);
  });
});
