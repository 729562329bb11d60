import { z } from 'zod';
import {
  fingerprintOf,
  labelsSchema,
  severitySchema,
  type AlertEvent,
  type Condition,
  type Labels,
  type Severity,
} from '../model.js';
import { matchesAll, type Matcher, type MatchTarget } from './matchers.js';

/** How one kind of alert (by alertname) is raised, resolved and repeated. */
export interface AlertPolicy {
  /**
   * The condition must hold this long before the alert fires (flap damping): its source must still
   * report it at the end of that time, so it fires at the first report after it.
   */
  raiseAfterMs?: number;
  /** It must be gone this long before the alert resolves. */
  resolveAfterMs?: number;
  /** Repeat a firing alert this often (0: never). */
  remindEveryMs?: number;
  /** Overrides the probe's severity. */
  severity?: Severity;
  /** `false` drops the alert entirely. */
  enabled?: boolean;
}

/** No notification for what the matchers select, between `startsAt` and `endsAt` (epoch ms). */
export interface Silence {
  /** Its name (`[silence.NAME]`). */
  id: string;
  /** Every matcher must match the alert (`alertname=X`, `node=~"node[12]"`). */
  matchers: Matcher[];
  /** From (epoch ms); absent: already. */
  startsAt?: number;
  /** Until (epoch ms); absent: for ever. */
  endsAt?: number;
  /** Why (kept for the operator). */
  comment?: string;
}

/**
 * While an alert matching `source` is present, alerts matching `target` with
 * the same values of the `equal` labels are not sent: one alert for a node
 * going offline, not one more for everything on it.
 */
export interface InhibitRule {
  /** The covering alert. */
  source: Matcher[];
  /** The alerts it covers. */
  target: Matcher[];
  /** Labels that must have the same value in both (`['node']`). */
  equal: string[];
}

/** Options of an `AlertEngine`: policies, silences, inhibitions, labels. */
export interface AlertEngineOptions {
  /** Policy of every alert, unless `policies` has its own. */
  defaults?: AlertPolicy;
  /** A policy per alertname (`{ PacemakerNodeStandby: { severity: 'warning' } }`). */
  policies?: Record<string, AlertPolicy>;
  /** Silences: alerts they select are tracked but not sent. */
  silences?: Silence[];
  /** Inhibitions: alerts covered by another are not sent while it holds. */
  inhibitRules?: InhibitRule[];
  /** While this alertname is present (the cluster's maintenance mode), every other alert is silenced. */
  maintenanceAlertname?: string;
  /** Added to every alert's labels (`cluster="prod"`). */
  externalLabels?: Labels;
  /** How long an event-like alert (a failover …) holds in `endsAt`. Default 5 min. */
  eventHoldMs?: number;
}

const entrySchema = z.object({
  /** `fingerprintOf(alertname, labels)`. */
  fingerprint: z.string(),
  /** The probe (or `rule:NAME`) that reports it. */
  source: z.string(),
  /** Its alertname. */
  alertname: z.string(),
  /** Its labels. */
  labels: labelsSchema,
  /** Its severity, after its policy. */
  severity: severitySchema,
  /** Its latest summary. */
  summary: z.string(),
  /** Its latest annotations. */
  annotations: z.record(z.string(), z.string()).optional(),
  /** `pending` (held down by `raiseAfterMs`) or `firing`. */
  phase: z.enum(['pending', 'firing']),
  /** First seen (epoch ms): the alert's startsAt. */
  since: z.number(),
  /** Its source reports it now. */
  present: z.boolean(),
  /** First seen absent while firing. */
  absentSince: z.number().optional(),
  /** A firing event was sent (and so a resolved one is owed). */
  notified: z.boolean(),
  /** When its last event was sent (epoch ms): reminders count from it. */
  lastSentAt: z.number().optional(),
  /** Last reported present by its source (epoch ms). */
  observedAt: z.number().optional(),
  /** Last found inhibited by another alert while firing (epoch ms). */
  inhibitedAt: z.number().optional(),
});
type Entry = z.infer<typeof entrySchema>;

/** What the engine keeps between runs (see `AlertEngine.state()`): persisted, a restart neither re-alerts nor forgets. */
export const engineStateSchema = z.object({
  /** The format's version (1). */
  version: z.literal(1),
  /** Every alert the engine tracks. */
  entries: z.array(entrySchema),
});
/** What the engine keeps between runs (see `engineStateSchema`). */
export type EngineState = z.infer<typeof engineStateSchema>;

/** An alert the engine tracks now, for `/status` and metrics. */
export interface ActiveAlert {
  /** `alertname{labels}`: its identity. */
  fingerprint: string;
  /** The probe (or `rule:NAME`) that reports it. */
  source: string;
  /** Its alertname. */
  alertname: string;
  /** Its labels (with the external labels). */
  labels: Labels;
  /** Its severity, after its policy. */
  severity: Severity;
  /** Its latest summary. */
  summary: string;
  /** `pending` (held down), `firing`, or `resolving` (gone, waiting for `resolveAfterMs`). */
  state: 'pending' | 'firing' | 'resolving';
  /** When it was first seen (ISO 8601). */
  startsAt: string;
  /** Firing, but not sent: silenced or inhibited. */
  suppressed: boolean;
}

/**
 * The pure core of the monitor: conditions in, alert events out. Each source
 * (a probe) reports its whole current set of conditions; a condition that
 * appears becomes one `firing` event (after `raiseAfterMs`), one that
 * disappears one `resolved` event (after `resolveAfterMs`). Nothing repeats
 * unless reminders are on. Time is passed in, so it is testable to the
 * millisecond; no I/O.
 */
export class AlertEngine {
  private readonly entries = new Map<string, Entry>();
  private readonly options: Required<Omit<AlertEngineOptions, 'maintenanceAlertname'>> & {
    maintenanceAlertname: string | undefined;
  };

  constructor(options: AlertEngineOptions = {}, state?: EngineState) {
    this.options = {
      defaults: options.defaults ?? {},
      policies: options.policies ?? {},
      silences: options.silences ?? [],
      inhibitRules: options.inhibitRules ?? [],
      maintenanceAlertname: options.maintenanceAlertname,
      externalLabels: options.externalLabels ?? {},
      eventHoldMs: options.eventHoldMs ?? 300_000,
    };
    for (const entry of state?.entries ?? []) this.entries.set(entry.fingerprint, { ...entry });
  }

  /**
   * A source's conditions now. Conditions of this source seen before and
   * absent now are over. Returns the events to send.
   */
  observe(source: string, conditions: readonly Condition[], now: number): AlertEvent[] {
    const events: AlertEvent[] = [];
    const seen = new Set<string>();
    for (const condition of conditions) {
      const policy = this.policyOf(condition.alertname);
      if (policy.enabled === false) continue;
      const labels = { ...this.options.externalLabels, ...condition.labels };
      const fingerprint = fingerprintOf(condition.alertname, labels);
      const severity = policy.severity ?? condition.severity;
      if (condition.event) {
        const target = { ...labels, alertname: condition.alertname, severity };
        if (!this.silenced(target, now)) {
          events.push({
            status: 'firing',
            alertname: condition.alertname,
            severity,
            labels,
            summary: condition.summary,
            startsAt: iso(now),
            endsAt: iso(now + this.options.eventHoldMs),
            ...(condition.annotations ? { annotations: condition.annotations } : {}),
            fingerprint,
          });
        }
        continue;
      }
      seen.add(fingerprint);
      const entry = this.entries.get(fingerprint);
      if (entry) {
        Object.assign(entry, { severity, summary: condition.summary, present: true, source, observedAt: now });
        if (condition.annotations) entry.annotations = condition.annotations;
        delete entry.absentSince;
      } else {
        this.entries.set(fingerprint, {
          fingerprint,
          source,
          alertname: condition.alertname,
          labels,
          severity,
          summary: condition.summary,
          ...(condition.annotations ? { annotations: condition.annotations } : {}),
          phase: 'pending',
          since: now,
          present: true,
          notified: false,
          observedAt: now,
        });
      }
    }
    for (const entry of this.entries.values()) {
      if (entry.source === source && !seen.has(entry.fingerprint)) entry.present = false;
    }
    return [...events, ...this.tick(now)];
  }

  /** Forgets the conditions of sources that no longer exist (a probe removed from the configuration): they resolve. */
  retainSources(sources: ReadonlySet<string>, now: number): AlertEvent[] {
    for (const entry of this.entries.values()) if (!sources.has(entry.source)) entry.present = false;
    return this.tick(now);
  }

  /** Hold-downs, reminders and silences move with time: call at `nextDeadline()` (and after `observe`). */
  tick(now: number): AlertEvent[] {
    const events: AlertEvent[] = [];
    for (const entry of [...this.entries.values()]) {
      const policy = this.policyOf(entry.alertname);
      if (entry.phase === 'pending') {
        if (!entry.present) {
          this.entries.delete(entry.fingerprint); // a flap shorter than the hold-down: never an alert
        } else if ((entry.observedAt ?? entry.since) - entry.since >= (policy.raiseAfterMs ?? 0)) {
          // Held for the whole hold-down, as seen by its source at its end, not assumed from an older report:
          // a corosync link seen down once, 10 s ago, may be up again by the next poll.
          entry.phase = 'firing';
          if (!this.held(entry, now)) events.push(this.send(entry, now, 'firing'));
        }
        continue;
      }
      if (!entry.present) {
        entry.absentSince ??= now;
        if (now - entry.absentSince >= (policy.resolveAfterMs ?? 0)) {
          this.entries.delete(entry.fingerprint);
          if (entry.notified) events.push(this.event(entry, 'resolved', entry.absentSince));
        }
        continue;
      }
      if (this.held(entry, now)) continue;
      if (!entry.notified)
        events.push(this.send(entry, now, 'firing')); // a silence or an inhibition ended
      else if (
        (policy.remindEveryMs ?? 0) > 0 &&
        now - (entry.lastSentAt ?? entry.since) >= (policy.remindEveryMs as number)
      ) {
        events.push({ ...this.send(entry, now, 'firing'), reminder: true });
      }
    }
    return events;
  }

  /** When `tick` has something to do next (epoch ms), or undefined. */
  nextDeadline(now: number): number | undefined {
    let next: number | undefined;
    const consider = (at: number) => {
      if (at > now && (next === undefined || at < next)) next = at;
    };
    for (const entry of this.entries.values()) {
      const policy = this.policyOf(entry.alertname);
      if (entry.phase === 'pending' && entry.present) consider(entry.since + (policy.raiseAfterMs ?? 0));
      if (entry.phase === 'firing' && !entry.present)
        consider((entry.absentSince ?? now) + (policy.resolveAfterMs ?? 0));
      if (entry.phase === 'firing' && entry.notified && (policy.remindEveryMs ?? 0) > 0)
        consider((entry.lastSentAt ?? entry.since) + (policy.remindEveryMs as number));
    }
    for (const silence of this.options.silences) {
      if (silence.startsAt !== undefined) consider(silence.startsAt);
      if (silence.endsAt !== undefined) consider(silence.endsAt);
    }
    return next;
  }

  /**
   * When the earliest hold-down of `source`'s alerts ends (epoch ms), or undefined: a hold-down
   * ends only on a report of its source after it, so a probe polled slowly (its pushes carry the
   * changes) runs again then rather than at its next interval.
   */
  holdDownEnd(source: string, now: number): number | undefined {
    let next: number | undefined;
    for (const entry of this.entries.values()) {
      if (entry.source !== source || entry.phase !== 'pending' || !entry.present) continue;
      const at = entry.since + (this.policyOf(entry.alertname).raiseAfterMs ?? 0);
      if (at > now && (next === undefined || at < next)) next = at;
    }
    return next;
  }

  /** Every alert tracked now. */
  active(now: number): ActiveAlert[] {
    return [...this.entries.values()].map((entry) => ({
      fingerprint: entry.fingerprint,
      source: entry.source,
      alertname: entry.alertname,
      labels: entry.labels,
      severity: entry.severity,
      summary: entry.summary,
      state: entry.phase === 'pending' ? 'pending' : entry.present ? 'firing' : 'resolving',
      startsAt: iso(entry.since),
      suppressed: entry.phase === 'firing' && this.suppressed(entry, now),
    }));
  }

  /** The firing alerts that were sent, as events (for sinks that re-send active alerts, like Alertmanager). */
  firingEvents(): AlertEvent[] {
    return [...this.entries.values()]
      .filter((entry) => entry.phase === 'firing' && entry.notified && entry.present)
      .map((entry) => this.event(entry, 'firing'));
  }

  /** Everything needed to pick up after a restart. */
  state(): EngineState {
    return { version: 1, entries: [...this.entries.values()].map((entry) => ({ ...entry })) };
  }

  /** Replaces the silences (from configuration or an API call). */
  setSilences(silences: Silence[]): void {
    this.options.silences = silences;
  }

  private policyOf(alertname: string): AlertPolicy {
    return { ...this.options.defaults, ...this.options.policies[alertname] };
  }

  private send(entry: Entry, now: number, status: 'firing'): AlertEvent {
    entry.notified = true;
    entry.lastSentAt = now;
    return this.event(entry, status);
  }

  private event(entry: Entry, status: 'firing' | 'resolved', endedAt?: number): AlertEvent {
    return {
      status,
      alertname: entry.alertname,
      severity: entry.severity,
      labels: entry.labels,
      summary: entry.summary,
      startsAt: iso(entry.since),
      ...(status === 'resolved' ? { endsAt: iso(endedAt ?? Date.now()) } : {}),
      ...(entry.annotations ? { annotations: entry.annotations } : {}),
      fingerprint: entry.fingerprint,
    };
  }

  private targetOf(entry: Pick<Entry, 'labels' | 'alertname' | 'severity'>): MatchTarget {
    return { ...entry.labels, alertname: entry.alertname, severity: entry.severity };
  }

  private silenced(target: MatchTarget, now: number): boolean {
    const maintenance = this.options.maintenanceAlertname;
    if (
      maintenance &&
      target.alertname !== maintenance &&
      [...this.entries.values()].some((entry) => entry.alertname === maintenance && entry.present)
    )
      return true;
    return this.options.silences.some(
      (silence) =>
        (silence.startsAt === undefined || now >= silence.startsAt) &&
        (silence.endsAt === undefined || now < silence.endsAt) &&
        matchesAll(silence.matchers, target),
    );
  }

  /**
   * Whether a firing alert is held back now: silenced, inhibited, or just out
   * of an inhibition and not seen since by its own source. The alert that
   * inhibited it ending is news about the same thing (the node is back), so
   * what its source said before may be stale: a link to a node just back
   * stays down until the next corosync poll. A silence ending is only time
   * passing.
   */
  private held(entry: Entry, now: number): boolean {
    if (this.inhibited(entry)) entry.inhibitedAt = now;
    return this.suppressed(entry, now);
  }

  private suppressed(entry: Entry, now: number): boolean {
    return this.silenced(this.targetOf(entry), now) || this.inhibited(entry) || this.unconfirmed(entry);
  }

  private unconfirmed(entry: Entry): boolean {
    return !entry.notified && entry.inhibitedAt !== undefined && (entry.observedAt ?? entry.since) <= entry.inhibitedAt;
  }

  private inhibited(entry: Entry): boolean {
    const target = this.targetOf(entry);
    for (const rule of this.options.inhibitRules) {
      if (!matchesAll(rule.target, target)) continue;
      for (const other of this.entries.values()) {
        if (other === entry || !other.present) continue;
        const source = this.targetOf(other);
        if (
          matchesAll(rule.source, source) &&
          rule.equal.every((name) => (source[name] ?? '') === (target[name] ?? ''))
        )
          return true;
      }
    }
    return false;
  }
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
