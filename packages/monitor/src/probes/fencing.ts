import type { HealthReason } from '@ha/core';
import type { ClusterNode, ClusterStatus, FenceEvent } from '@ha/pcs-client';
import type { Condition } from '../model.js';
import type { MetricSample } from '../metrics/catalog.js';
import type { FenceAlert } from '../pacemaker-alert/fence-event.js';

/** Where the monitor learned of a fencing: pushed by the alert agent, or read in crm_mon's fence history. */
export type FenceSource = 'alert' | 'history';

/** One completed fencing operation the monitor learned of. */
export interface FenceRecord {
  /** The node fenced. */
  target: string;
  /** `reboot`, `off` or `on`. */
  action: string;
  /** It succeeded. */
  ok: boolean;
  /** The node whose device carried it out, when known. */
  delegate?: string | undefined;
  /** Who asked for it (`pacemaker-controld.1843`), when known. */
  client?: string | undefined;
  /** The node it was asked from, when known. */
  origin?: string | undefined;
  /** Why it failed, when known. */
  reason?: string | undefined;
  /** When it completed (history) or was reported (alert), epoch ms. */
  at: number;
  /** The fencer's id of the operation (alerts carry it), when known. */
  reference?: string | undefined;
  /** Who reported it: the alert agent, the history, or both (the same fencing seen twice counts once). */
  sources: FenceSource[];
}

/** A fencing whose alert is open: the node fenced and not back, or a failed fencing not yet made good. */
export interface OpenFencing {
  /** The action of the first fencing of the episode (a label: it stays until the alert resolves). */
  action: string;
  /** The delegate of the first fencing (a label), when known. */
  delegate?: string | undefined;
  /** Why it failed (a label of the failed alert): Pacemaker's reason, else its word for the outcome. */
  reason?: string | undefined;
  /** The latest reason, when later attempts failed otherwise. */
  latestReason?: string | undefined;
  /** When the first one completed, epoch ms. */
  at: number;
  /** How many fencings (or failed attempts) the episode has seen. */
  count: number;
  /** It was in a probe result already: it may resolve from the next one on (so it is raised at least once). */
  reported: boolean;
  /** The node was seen not online and clean since: when it is again, it is back. */
  sawDown: boolean;
}

/** What the fencing rules remember between runs (see `evaluateFencing`). */
export interface FenceMemory {
  /** Keys of the history entries already taken in: a history entry counts once. */
  seen: string[];
  /** Fencings learned of lately, to match the pushed and the polled report of one fencing. */
  recent: FenceRecord[];
  /** Per node: fenced, not yet back online and clean (`PacemakerNodeFenced`). */
  fenced: Record<string, OpenFencing>;
  /** Per node: a failed fencing not followed by a successful one, the node not back (`PacemakerFencingFailed`). */
  failed: Record<string, OpenFencing>;
  /** Completed fencings by target, action and `success`/`failed`: counters, never decreasing (history cleanups do not matter). */
  counts: { target: string; action: string; status: 'success' | 'failed'; count: number }[];
  /** Per node: the latest completed fencing's result and time (epoch ms). */
  last: Record<string, { ok: boolean; at: number }>;
}

/** The health codes of @ha/pcs-client's `evaluateHealth` that say the cluster cannot fence (a node, or at all). */
export const cannotFenceCodes = [
  'FENCING_DISABLED',
  'NO_FENCE_DEVICE',
  'FENCE_DEVICE_FAILED',
  'NODE_UNFENCEABLE',
] as const;

// A pushed and a polled report of one fencing are at most this far apart (the alert is sent as the fencer
// reports the result; the history's time is that result's, to the second on 2.1).
const matchWindowMs = 60_000;
// Two pushes of one fencing (every node's controller runs the agent) arrive this close together.
const sameSourceWindowMs = 5_000;
// Reports older than this are not matched any more (an alert arrives within seconds of its result).
const recentMs = 10 * 60_000;
// A node online and clean this long after its fencing is back even if no poll saw it down (a reboot
// quicker than the poll). Before that, "online" may be the status of just before the fencing.
const settleMs = 60_000;

/** The history entry's identity: what crm_mon says of it never changes once it completed. */
function historyKey(fence: FenceEvent): string {
  return [
    fence.target,
    fence.action,
    fence.client,
    fence.origin,
    fence.delegate ?? '',
    String(fence.completed ?? ''),
    fence.status,
  ].join('|');
}

/**
 * crm_mon's `completed` as epoch ms: `2024-03-05 10:12:13 +01:00` (2.1), `2025-03-01 10:12:13.123456Z`
 * (3.0). A `Date` is taken as it is. Undefined when it is neither.
 */
export function completedAt(completed: unknown): number | undefined {
  if (completed instanceof Date) return Number.isFinite(completed.getTime()) ? completed.getTime() : undefined;
  if (typeof completed !== 'string') return undefined;
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d{1,9})?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(
    completed.trim(),
  );
  if (!match) return undefined;
  const [, date, time, fraction = '', zone = ''] = match as unknown as [string, string, string, string?, string?];
  const millis = fraction ? fraction.slice(0, 4).padEnd(4, '0') : '';
  const offset = zone && zone !== 'Z' && !zone.includes(':') ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const parsed = Date.parse(`${date}T${time}${millis}${offset}`);
  return Number.isFinite(parsed) ? parsed : undefined;
}

function recordOfHistory(fence: FenceEvent, now: number): FenceRecord {
  return {
    target: fence.target,
    action: fence.action,
    ok: fence.status === 'success',
    delegate: fence.delegate,
    client: fence.client,
    origin: fence.origin,
    reason: fence.exitReason,
    at: completedAt(fence.completed) ?? now,
    sources: ['history'],
  };
}

/** A pushed fencing as a record (reason: Pacemaker's, else its word for the outcome). */
export function recordOfAlert(alert: FenceAlert, now: number): FenceRecord {
  return {
    target: alert.target,
    action: alert.action,
    ok: alert.ok,
    delegate: alert.delegate,
    client: alert.client,
    origin: alert.origin,
    reason: alert.ok ? undefined : (alert.reason ?? alert.status),
    at: alert.at ?? now,
    reference: alert.reference,
    sources: ['alert'],
  };
}

function emptyMemory(): FenceMemory {
  return { seen: [], recent: [], fenced: {}, failed: {}, counts: [], last: {} };
}

function copyMemory(memory: FenceMemory): FenceMemory {
  return {
    seen: [...memory.seen],
    recent: memory.recent.map((record) => ({ ...record, sources: [...record.sources] })),
    fenced: Object.fromEntries(Object.entries(memory.fenced).map(([node, open]) => [node, { ...open }])),
    failed: Object.fromEntries(Object.entries(memory.failed).map(([node, open]) => [node, { ...open }])),
    counts: memory.counts.map((count) => ({ ...count })),
    last: { ...memory.last },
  };
}

/** The other source's report of the same fencing, if there is one (the nearest in time). */
function sameFencing(memory: FenceMemory, record: FenceRecord): FenceRecord | undefined {
  const source = record.sources[0] as FenceSource;
  let best: FenceRecord | undefined;
  for (const known of memory.recent) {
    if (known.target !== record.target || known.action !== record.action || known.ok !== record.ok) continue;
    // Every node's controller runs the alert agent for a fencing: the same operation (its reference) pushed
    // again by another node is the same fencing.
    if (record.reference !== undefined && known.reference === record.reference) return known;
    // Without a reference: the same client's request, reported by the same source seconds apart, is one too.
    const sameRequest = known.client === record.client && known.origin === record.origin;
    if (known.sources.includes(source)) {
      if (source === 'alert' && sameRequest && Math.abs(known.at - record.at) <= sameSourceWindowMs) return known;
      continue;
    }
    const distance = Math.abs(known.at - record.at);
    if (distance <= matchWindowMs && (!best || distance < Math.abs(best.at - record.at))) best = known;
  }
  return best;
}

// A fencing that takes the node down (or a manual confirm, which the history shows as a successful `off`).
const takesDown = (action: string) => action !== 'on';

/** Takes one new fencing in: counters, the last result, the open alerts. */
function apply(memory: FenceMemory, record: FenceRecord): void {
  const status = record.ok ? 'success' : 'failed';
  const counter = memory.counts.find(
    (entry) => entry.target === record.target && entry.action === record.action && entry.status === status,
  );
  if (counter) counter.count++;
  else memory.counts.push({ target: record.target, action: record.action, status, count: 1 });
  const last = memory.last[record.target];
  if (!last || record.at >= last.at) memory.last[record.target] = { ok: record.ok, at: record.at };

  const failed = memory.failed[record.target];
  if (record.ok) {
    // Success makes good a failure of the same kind: any fencing that took the node down, or a failed unfencing.
    if (failed && takesDown(record.action) === takesDown(failed.action)) delete memory.failed[record.target];
    if (!takesDown(record.action)) return;
    const fenced = memory.fenced[record.target];
    if (fenced) fenced.count++;
    else
      memory.fenced[record.target] = {
        action: record.action,
        delegate: record.delegate,
        at: record.at,
        count: 1,
        reported: false,
        sawDown: false,
      };
    return;
  }
  if (failed) {
    failed.count++;
    failed.latestReason = record.reason;
  } else
    memory.failed[record.target] = {
      action: record.action,
      reason: record.reason,
      at: record.at,
      count: 1,
      reported: false,
      sawDown: false,
    };
}

const onlineAndClean = (node: ClusterNode) => node.online && !node.unclean && !node.pending;

/**
 * The fencing rules, pure: the fencings learned since the previous run (the agent's pushes, and the
 * history entries crm_mon shows that were not taken in yet) update the memory, and the open alerts come
 * out as conditions:
 *
 * - `PacemakerNodeFenced` (warning; labels node, action, delegate): from a successful fencing (or a
 *   manual confirm) of a node until it is online and clean again (seen down since, or a minute after).
 * - `PacemakerFencingFailed` (critical; labels node, action, reason): from a failed fencing until a
 *   later one of that node succeeds (a manual confirm counts) or the node is online and clean.
 *
 * The same fencing pushed and then read in the history (or the other way round) is taken in once. Each
 * is in at least one result before it can resolve, so a node fenced and back within one poll still
 * raises (and then resolves) its alert. On the first run (`previous` undefined) the history is taken in
 * as the past: counted, and open only for nodes that are still not back.
 */
export function evaluateFencing(
  status: ClusterStatus,
  previous: FenceMemory | undefined,
  pushed: readonly FenceAlert[],
  now: number,
): { conditions: Condition[]; memory: FenceMemory } {
  const memory = previous ? copyMemory(previous) : emptyMemory();
  const incoming = pushed.map((alert) => recordOfAlert(alert, now));
  const keys: string[] = [];
  for (const fence of status.fenceHistory) {
    if (fence.status !== 'success' && fence.status !== 'failed') continue; // pending: it completes later, as another entry
    const key = historyKey(fence);
    keys.push(key);
    if (!memory.seen.includes(key)) incoming.push(recordOfHistory(fence, now));
  }
  memory.seen = keys; // entries gone from the history (a cleanup) cannot come back
  incoming.sort((a, b) => a.at - b.at);
  for (const record of incoming) {
    const known = sameFencing(memory, record);
    if (known) {
      known.sources.push(...record.sources);
      continue;
    }
    memory.recent.push(record);
    apply(memory, record);
  }
  memory.recent = memory.recent.filter((record) => record.at >= now - recentMs);

  const nodes = new Map(status.nodes.map((node) => [node.name, node]));
  for (const open of [memory.fenced, memory.failed]) {
    for (const [name, entry] of Object.entries(open)) {
      const node = nodes.get(name);
      if (node && !onlineAndClean(node)) entry.sawDown = true;
      const back =
        node !== undefined &&
        onlineAndClean(node) &&
        // The first run's history is the past: a node online and clean now is back.
        (!previous || (entry.reported && (entry.sawDown || now - entry.at >= settleMs)));
      // A node removed from the cluster is over too.
      if (!node || back) delete open[name];
    }
  }

  const conditions: Condition[] = [];
  for (const [node, entry] of Object.entries(memory.fenced)) {
    entry.reported = true;
    const by = entry.delegate ? ` by ${entry.delegate}` : '';
    const again = entry.count > 1 ? ` (${entry.count} times)` : '';
    conditions.push({
      alertname: 'PacemakerNodeFenced',
      labels: { node, action: entry.action, ...(entry.delegate ? { delegate: entry.delegate } : {}) },
      severity: 'warning',
      summary: `node ${node} was fenced (${entry.action}${by})${again}; it is not back online yet`,
      annotations: { fenced_at: new Date(entry.at).toISOString(), fencings: String(entry.count) },
    });
  }
  for (const [node, entry] of Object.entries(memory.failed)) {
    entry.reported = true;
    const reason = entry.reason ?? 'no reason given';
    const latest =
      entry.count > 1 ? `; ${entry.count} attempts failed, the last: ${entry.latestReason ?? 'no reason given'}` : '';
    conditions.push({
      alertname: 'PacemakerFencingFailed',
      labels: { node, action: entry.action, reason },
      severity: 'critical',
      summary:
        `fencing (${entry.action}) of ${node} failed: ${reason}${latest}; what ran there is not recovered ` +
        'until a fencing succeeds or it is confirmed down (pcs stonith confirm)',
      annotations: { failed_at: new Date(entry.at).toISOString(), attempts: String(entry.count) },
    });
  }
  return { conditions, memory };
}

/**
 * `PacemakerCannotFence` (critical) from the four fencing codes of @ha/pcs-client's health verdict:
 * labels `reason` (the code), `node` (NODE_UNFENCEABLE) or `device` (FENCE_DEVICE_FAILED).
 */
export function cannotFenceConditions(reasons: readonly HealthReason[]): Condition[] {
  const conditions = new Map<string, Condition>();
  for (const reason of reasons) {
    if (!(cannotFenceCodes as readonly string[]).includes(reason.code)) continue;
    // The thing it is about, under the label that says what kind of thing it is.
    const subjectLabel =
      reason.code === 'NODE_UNFENCEABLE' ? 'node' : reason.code === 'FENCE_DEVICE_FAILED' ? 'device' : undefined;
    const labels: Record<string, string> = { reason: reason.code };
    if (subjectLabel && reason.subject !== undefined) labels[subjectLabel] = reason.subject;
    const key = JSON.stringify(labels);
    if (!conditions.has(key))
      conditions.set(key, {
        alertname: 'PacemakerCannotFence',
        labels,
        severity: 'critical',
        summary: `the cluster cannot fence: ${reason.message}`,
      });
  }
  return [...conditions.values()];
}

/**
 * The fencing series: completed fencings counted (`ha_cluster_pacemaker_fence_events_total`, from the
 * memory, so a history cleanup never makes them go back), each node's last result and its time, and
 * whether each node can be fenced (none of the cannot-fence codes holds for it).
 */
export function fencingSamples(
  status: ClusterStatus,
  memory: FenceMemory | undefined,
  reasons: readonly HealthReason[],
): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const entry of memory?.counts ?? [])
    samples.push({
      name: 'ha_cluster_pacemaker_fence_events_total',
      labels: { target: entry.target, action: entry.action, status: entry.status },
      value: entry.count,
    });
  for (const [node, last] of Object.entries(memory?.last ?? {})) {
    samples.push(
      { name: 'ha_cluster_pacemaker_fence_last_result', labels: { node }, value: last.ok ? 1 : 0 },
      { name: 'ha_cluster_pacemaker_fence_last_timestamp_seconds', labels: { node }, value: last.at / 1000 },
    );
  }
  const clusterWide = reasons.some((reason) => reason.code === 'FENCING_DISABLED' || reason.code === 'NO_FENCE_DEVICE');
  const unfenceable = new Set(
    reasons.filter((reason) => reason.code === 'NODE_UNFENCEABLE').map((reason) => reason.subject),
  );
  for (const node of status.nodes)
    samples.push({
      name: 'ha_cluster_pacemaker_node_fenceable',
      labels: { node: node.name },
      value: clusterWide || unfenceable.has(node.name) ? 0 : 1,
    });
  return samples;
}
