import { z } from 'zod';

/** How bad: `critical` wakes someone, `warning` waits for the morning, `info` is for the record. */
export const severitySchema = z.enum(['critical', 'warning', 'info']);
/** How bad: `critical`, `warning` or `info` (see `severitySchema`). */
export type Severity = z.infer<typeof severitySchema>;

/** What identifies an alert besides its name: node, resource, proxy, server, drbd_resource … */
export const labelsSchema = z.record(
  z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'label names are Prometheus names'),
  z.string(),
);
/** Label name → value (`{ node: 'node2' }`); names are Prometheus names. */
export type Labels = z.infer<typeof labelsSchema>;

/**
 * One alert event, the Alertmanager model: the same object goes to every
 * sink. `status` is `firing` when a condition starts (or is reminded),
 * `resolved` when it ends, with `endsAt`.
 */
export const alertEventSchema = z.object({
  /** `firing` when it starts (and on reminders), `resolved` when it ends. */
  status: z.enum(['firing', 'resolved']),
  /** What kind of alert (`PacemakerNodeOffline`, `HaproxyServerDown` …). */
  alertname: z.string(),
  /** How bad, after the alert's policy. */
  severity: severitySchema,
  /** What it is about (`{ node: 'node3' }`), plus the external labels. */
  labels: labelsSchema,
  /** One sentence for a human (`node node3 is offline (it ran VirtualIP, WebServer)`). */
  summary: z.string(),
  /** ISO 8601: when the condition started (the first time it was seen). */
  startsAt: z.string(),
  /** ISO 8601: when it ended (resolved), or until when an event-like alert holds. */
  endsAt: z.string().optional(),
  /** More words: what it affects, what to do. */
  annotations: z.record(z.string(), z.string()).optional(),
  /** `alertname` + sorted labels: the same condition always has the same fingerprint. */
  fingerprint: z.string(),
  /** A repeat of a firing alert, sent because `remindEvery` passed. */
  reminder: z.boolean().optional(),
});
/** One alert event (see `alertEventSchema`). */
export type AlertEvent = z.infer<typeof alertEventSchema>;

/**
 * A condition a probe sees now. Present in a probe's result while it holds;
 * absent once it is over. The engine turns presence and absence into one
 * firing and one resolved event.
 */
export interface Condition {
  /** What kind of alert it raises (`PacemakerNodeOffline`). */
  alertname: string;
  /** What it is about: with `alertname`, its identity (the same labels are the same condition). */
  labels: Labels;
  /** How bad, before the alert's policy. */
  severity: Severity;
  /** One sentence for a human. */
  summary: string;
  /** More words (`{ resources: 'VirtualIP,WebServer' }`). */
  annotations?: Record<string, string>;
  /**
   * A one-off happening (a failover, a fencing action, a DC change): sent
   * once as firing with `endsAt`, never resolved, never reminded.
   */
  event?: boolean;
}

/** `alertname{a="1",b="2"}`: stable, whatever the order labels were written in. */
export function fingerprintOf(alertname: string, labels: Labels): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((key) => `${key}=${JSON.stringify(labels[key])}`);
  return `${alertname}{${pairs.join(',')}}`;
}
