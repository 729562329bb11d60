import { setTimeout as sleep } from 'node:timers/promises';
import { defaultRunner, type Runner } from '@ha/core';
import {
  evaluateHealth,
  failCounts,
  listInstances,
  readClusterStatus,
  stoppedThatShouldRun,
  type ClusterStatus,
  type ResourceNode,
} from '@ha/pcs-client';
import type { Condition } from '../model.js';
import type { MetricSample } from '../metrics/catalog.js';
import { parseFenceAlert, type FenceAlert } from '../pacemaker-alert/fence-event.js';
import { AlertReceiver } from '../pacemaker-alert/receiver.js';
import { cannotFenceConditions, evaluateFencing, fencingSamples, type FenceMemory } from './fencing.js';
import type { Probe, WatchContext } from './probe.js';

/** What the Pacemaker rules remember between runs: where resources last ran, the DC, the fencings learned of. */
export interface PacemakerMemory {
  /** Primitive id → the nodes it ran on: a change is `PacemakerResourceMoved`. */
  locations: Record<string, string[]>;
  /** The DC's name: a change is `PacemakerDCChanged`. */
  dc?: string | undefined;
  /** Fencings taken in, open fencing alerts and the fencing counters (see `evaluateFencing`). */
  fence: FenceMemory;
}

/** What else `pacemakerConditions` takes into account besides the status. */
export interface PacemakerEvaluationOptions {
  /** Fencings the alert agent pushed since the previous run (matched with the history: each counts once). */
  pushedFencing?: readonly FenceAlert[];
  /** Now, epoch ms (default `Date.now()`): when pushed fencings without a time happened, and how old open ones are. */
  now?: number;
}

/** Every collection id (clone, bundle) in the tree: their instances legitimately run on many nodes. */
function collectionIds(resources: readonly ResourceNode[]): Set<string> {
  const ids = new Set<string>();
  const visit = (node: ResourceNode) => {
    if (node.kind === 'clone' || node.kind === 'bundle') ids.add(node.id);
    if (node.kind === 'group' || node.kind === 'clone') node.children.forEach(visit);
  };
  resources.forEach(visit);
  return ids;
}

/**
 * What is wrong in a cluster status, as conditions, and the one-off events
 * since the previous status (a failover, a DC change). Pure.
 * Maintenance-aware: a node in standby or maintenance on purpose is `info`.
 * Fencing: `PacemakerNodeFenced` and `PacemakerFencingFailed` from the fence
 * history and the pushed fencings (see `evaluateFencing`), and
 * `PacemakerCannotFence` from the health verdict's fencing codes.
 */
export function pacemakerConditions(
  status: ClusterStatus,
  previous?: PacemakerMemory,
  options: PacemakerEvaluationOptions = {},
): { conditions: Condition[]; memory: PacemakerMemory } {
  const conditions: Condition[] = [];
  const { summary } = status;
  if (!summary.dc.present)
    conditions.push({
      alertname: 'PacemakerNoDC',
      labels: {},
      severity: 'critical',
      summary: 'no DC is elected: the cluster cannot make decisions',
    });
  else if (!summary.quorate)
    conditions.push({
      alertname: 'PacemakerQuorumLost',
      labels: {},
      severity: 'critical',
      summary: `this partition (DC ${summary.dc.name ?? '?'}) has no quorum`,
    });
  if (summary.options.maintenanceMode)
    conditions.push({
      alertname: 'PacemakerMaintenanceMode',
      labels: {},
      severity: 'info',
      summary: 'the cluster is in maintenance mode: Pacemaker manages nothing',
    });
  if (summary.options.stopAllResources)
    conditions.push({
      alertname: 'PacemakerStopAllResources',
      labels: {},
      severity: 'warning',
      summary: 'stop-all-resources is set: every resource is stopped',
    });

  const locations = new Map<string, string[]>();
  const collections = collectionIds(status.resources);
  const instances = listInstances(status);
  for (const instance of instances) {
    if (instance.parents.some((parent) => collections.has(parent))) continue;
    if (instance.active && instance.nodes.length > 0) locations.set(instance.id, [...instance.nodes].sort());
  }

  // Fencings first: a node the cluster fenced is an outage, although Pacemaker then expects it down.
  const fencing = evaluateFencing(status, previous?.fence, options.pushedFencing ?? [], options.now ?? Date.now());
  for (const node of status.nodes) {
    if (node.type !== 'member' && !node.expectedUp && !node.online) continue; // a remote/guest node whose resource is stopped on purpose
    const ran = Object.entries(previous?.locations ?? {})
      .filter(([, nodes]) => nodes.includes(node.name))
      .map(([resource]) => resource);
    if (!node.online && !node.pending) {
      const fenced = fencing.memory.fenced[node.name] !== undefined;
      conditions.push({
        alertname: 'PacemakerNodeOffline',
        labels: { node: node.name },
        // A node stopped cleanly (expected down) is someone's decision; a crash or a cut is not, and a node
        // fenced (off, or not back from a reboot) was one, whether or not this run saw it unclean first.
        severity: node.expectedUp || node.unclean || fenced ? 'critical' : 'warning',
        summary:
          `node ${node.name} is offline${node.unclean ? ' and unclean' : fenced ? ' (fenced)' : ''}` +
          (ran.length > 0 ? ` (it ran ${ran.join(', ')})` : ''),
        ...(ran.length > 0 ? { annotations: { resources: ran.join(',') } } : {}),
      });
    }
    if (node.unclean)
      conditions.push({
        alertname: 'PacemakerNodeUnclean',
        labels: { node: node.name },
        severity: 'critical',
        summary: `node ${node.name} is unclean: it must be fenced before its resources can move`,
      });
    if (node.standby) {
      conditions.push({
        alertname: 'PacemakerNodeStandby',
        labels: { node: node.name },
        severity: node.standbyOnFail ? 'warning' : 'info',
        summary: node.standbyOnFail
          ? `node ${node.name} was put in standby after a failure (on-fail=standby)`
          : `node ${node.name} is in standby`,
      });
    }
    if (node.maintenance && !summary.options.maintenanceMode)
      conditions.push({
        alertname: 'PacemakerNodeMaintenance',
        labels: { node: node.name },
        severity: 'info',
        summary: `node ${node.name} is in maintenance: its resources are not managed`,
      });
    if (node.shutdown && node.online)
      conditions.push({
        alertname: 'PacemakerNodeShuttingDown',
        labels: { node: node.name },
        severity: 'info',
        summary: `node ${node.name} is shutting down`,
      });
  }

  for (const stopped of stoppedThatShouldRun(status)) {
    const container = stopped.top !== stopped.id ? ` (in ${stopped.top})` : '';
    const state = stopped.reason === 'stopped' ? 'stopped but should run' : stopped.reason;
    conditions.push({
      alertname: 'PacemakerResourceStopped',
      labels: { resource: stopped.id },
      severity: 'critical',
      summary: `resource ${stopped.id}${container} is ${state}`,
    });
  }
  const seenFailed = new Set<string>();
  for (const instance of instances) {
    if (instance.failed) {
      for (const node of instance.nodes.length > 0 ? instance.nodes : ['']) {
        const key = `${instance.id}@${node}`;
        if (seenFailed.has(key)) continue;
        seenFailed.add(key);
        conditions.push({
          alertname: 'PacemakerResourceFailed',
          labels: { resource: instance.id, ...(node ? { node } : {}) },
          severity: 'critical',
          summary: `resource ${instance.id} is FAILED${node ? ` on ${node}` : ''}`,
        });
      }
    }
    if (!instance.managed && !summary.options.maintenanceMode && !instance.resource.maintenance) {
      conditions.push({
        alertname: 'PacemakerResourceUnmanaged',
        labels: { resource: instance.id },
        severity: 'info',
        summary: `resource ${instance.id} is unmanaged`,
      });
    }
    if (
      instance.nodes.length > 1 &&
      instance.role !== 'Migrating' &&
      !instance.parents.some((parent) => collections.has(parent))
    ) {
      conditions.push({
        alertname: 'PacemakerResourceMultiActive',
        labels: { resource: instance.id },
        severity: 'critical',
        summary: `resource ${instance.id} is active on ${instance.nodes.length} nodes (${instance.nodes.join(', ')})`,
      });
    }
  }
  const failures = new Map<string, Condition>();
  for (const failure of status.failures) {
    const operation = failure.task ?? 'operation';
    const labels = { resource: failure.resource, node: failure.node, operation };
    const key = JSON.stringify(labels);
    if (failures.has(key)) continue;
    failures.set(key, {
      alertname: 'PacemakerFailedAction',
      labels,
      severity: 'warning',
      summary: `${operation} of ${failure.resource} on ${failure.node} failed: ${failure.exitStatus}${failure.exitReason ? ` (${failure.exitReason})` : ''}`,
    });
  }
  conditions.push(...failures.values());

  // One-off events, against what the previous run saw.
  conditions.push(...fencing.conditions, ...cannotFenceConditions(evaluateHealth(status).reasons));
  const memory: PacemakerMemory = {
    locations: { ...(previous?.locations ?? {}) },
    dc: summary.dc.present ? summary.dc.name : previous?.dc,
    fence: fencing.memory,
  };
  for (const [resource, nodes] of locations) {
    const before = previous?.locations[resource];
    if (before && before.join(',') !== nodes.join(',')) {
      conditions.push({
        alertname: 'PacemakerResourceMoved',
        labels: { resource },
        severity: 'info',
        summary: `resource ${resource} moved from ${before.join(', ')} to ${nodes.join(', ')}`,
        event: true,
        annotations: { from: before.join(','), to: nodes.join(',') },
      });
    }
    memory.locations[resource] = nodes;
  }
  // Keep where a resource last ran while it is stopped (so the move is seen when it starts elsewhere); forget deleted ones.
  const known = new Set(instances.map((instance) => instance.id));
  for (const resource of Object.keys(memory.locations)) if (!known.has(resource)) delete memory.locations[resource];
  if (previous?.dc && summary.dc.present && summary.dc.name && summary.dc.name !== previous.dc) {
    conditions.push({
      alertname: 'PacemakerDCChanged',
      labels: {},
      severity: 'info',
      summary: `the DC moved from ${previous.dc} to ${summary.dc.name}`,
      event: true,
      annotations: { from: previous.dc, to: summary.dc.name },
    });
  }
  return { conditions, memory };
}

/**
 * Prometheus samples of a cluster status, with ha_cluster_exporter's names and labels, and the fencing
 * series (counted from `fencing`, the probe's memory: counters outlive a history cleanup).
 */
export function pacemakerSamples(status: ClusterStatus, fencing?: FenceMemory): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const node of status.nodes) {
    const flags: [string, boolean][] = [
      ['online', node.online],
      ['standby', node.standby],
      ['standby_onfail', node.standbyOnFail],
      ['maintenance', node.maintenance],
      ['pending', node.pending],
      ['unclean', node.unclean],
      ['shutdown', node.shutdown],
      ['expected_up', node.expectedUp],
      ['dc', node.isDc],
    ];
    for (const [flag, on] of flags)
      if (on)
        samples.push({
          name: 'ha_cluster_pacemaker_nodes',
          labels: { node: node.name, type: node.type, status: flag },
          value: 1,
        });
  }
  const instances = listInstances(status);
  const clones = collectionIds(status.resources);
  for (const instance of instances) {
    const statuses = [
      instance.active && 'active',
      instance.resource.orphaned && 'orphaned',
      instance.resource.blocked && 'blocked',
      instance.failed && 'failed',
      instance.resource.failureIgnored && 'failure_ignored',
    ].filter((entry): entry is string => typeof entry === 'string');
    const group = instance.parents.find((parent) => !clones.has(parent)) ?? '';
    const clone = instance.parents.find((parent) => clones.has(parent)) ?? '';
    for (const node of instance.nodes.length > 0 ? instance.nodes : ['']) {
      for (const state of statuses.length > 0 ? statuses : ['stopped']) {
        samples.push({
          name: 'ha_cluster_pacemaker_resources',
          labels: {
            node,
            resource: instance.id,
            role: instance.role.toLowerCase(),
            managed: String(instance.managed),
            status: state,
            agent: instance.agent,
            group,
            clone,
          },
          value: 1,
        });
      }
    }
  }
  if (status.summary.options.stonithEnabled !== undefined)
    samples.push({
      name: 'ha_cluster_pacemaker_stonith_enabled',
      value: status.summary.options.stonithEnabled ? 1 : 0,
    });
  // ha_cluster_exporter's `*_total` gauges, under names promtool accepts for a gauge.
  if (status.summary.nodesConfigured !== undefined)
    samples.push({ name: 'ha_cluster_pacemaker_nodes_configured', value: status.summary.nodesConfigured });
  if (status.summary.resourcesConfigured !== undefined)
    samples.push({ name: 'ha_cluster_pacemaker_resources_configured', value: status.summary.resourcesConfigured });
  if (status.summary.options.maintenanceMode !== undefined)
    samples.push({
      name: 'ha_cluster_pacemaker_maintenance_mode_enabled',
      value: status.summary.options.maintenanceMode ? 1 : 0,
    });
  // Each node attribute as a label set of value 1, as ha_cluster_exporter has them (its value is a label, not the sample).
  for (const node of status.nodes)
    for (const [name, value] of Object.entries(node.attributes))
      samples.push({
        name: 'ha_cluster_pacemaker_node_attributes',
        labels: { node: node.name, name, value },
        value: 1,
      });
  for (const entry of failCounts(status)) {
    samples.push({
      name: 'ha_cluster_pacemaker_fail_count',
      labels: { node: entry.node, resource: entry.resource },
      value: entry.count >= 1_000_000 ? Number.POSITIVE_INFINITY : entry.count,
    });
  }
  for (const history of status.nodeHistory) {
    for (const resource of history.resources) {
      if (resource.migrationThreshold !== undefined)
        samples.push({
          name: 'ha_cluster_pacemaker_migration_threshold',
          labels: { node: history.node, resource: resource.id },
          value: resource.migrationThreshold,
        });
    }
  }
  const lastChange = status.summary.lastChange?.time ? Date.parse(status.summary.lastChange.time) : Number.NaN;
  if (Number.isFinite(lastChange))
    samples.push({ name: 'ha_cluster_pacemaker_config_last_change', value: Math.floor(lastChange / 1000) });
  for (const ban of status.bans)
    samples.push({
      name: 'ha_cluster_pacemaker_location_constraints',
      labels: { constraint: ban.id, node: ban.node, resource: ban.resource, role: ban.promotedOnly ? 'promoted' : '' },
      value: ban.weight,
    });
  samples.push(...fencingSamples(status, fencing, evaluateHealth(status).reasons));
  return samples;
}

/** Options of `createPacemakerProbe`. */
export interface PacemakerProbeOptions {
  /** Runs crm_mon (default: this machine). */
  runner?: Runner;
  /** Between two reads of crm_mon, ms (default 5 s). */
  intervalMs?: number;
  /** A crm_mon run that takes longer fails the probe, ms (default 10 s). */
  timeoutMs?: number;
  /** Listen here for the events of the shipped Pacemaker alert agent, and run at once on each. */
  alertSocket?: string;
  /** The alert socket's group, a name or a gid (default `haclient`; see `AlertReceiverOptions.group`). */
  alertSocketGroup?: string | number;
  /**
   * Follow the CIB's change notifications (crm_mon in its continuous mode) and run at once on each:
   * standby, maintenance, attributes and every other CIB edit, which the alert agent does not carry.
   * Default true.
   */
  watchCib?: boolean;
  /** While the CIB is followed, between two reads of crm_mon, ms (default 60 s): a safety net only. */
  reconcileIntervalMs?: number;
}

/**
 * Pacemaker through crm_mon's XML (@ha/pcs-client, with the whole fence
 * history), polled every `intervalMs`, and at once when Pacemaker's alert
 * agent reports an event. A pushed fencing is remembered until the run it
 * triggers takes it in with the status (so a run already under way when it
 * arrives does not lose it).
 */
export function createPacemakerProbe(options: PacemakerProbeOptions = {}): Probe<ClusterStatus> {
  let memory: PacemakerMemory | undefined;
  let pushedFencing: FenceAlert[] = [];
  const runner = options.runner ?? defaultRunner;
  let receiver: AlertReceiver | undefined;
  const pollMs = options.intervalMs ?? 5_000;
  const cib = options.watchCib === false ? undefined : new CibWatch(runner);
  const reconcileMs = options.reconcileIntervalMs ?? 60_000;

  const watchAlerts = async (context: WatchContext, socket: string): Promise<void> => {
    receiver = new AlertReceiver(
      socket,
      {
        onAlert: (alert) => {
          if (alert.kind === 'fencing') {
            try {
              pushedFencing.push(parseFenceAlert(alert));
            } catch (error) {
              // The run it triggers still reads the fencing from the history.
              context.warn(`alert agent: ${(error as Error).message}`);
            }
          }
          // The node, resource, task and description the alert has, each after a space.
          const details = [alert.node, alert.rsc, alert.task, alert.desc]
            .map((detail) => (detail ? ` ${detail}` : ''))
            .join('');
          context.trigger(`pacemaker alert: ${alert.kind}${details}`);
        },
        onWarning: (message) => context.warn(message),
      },
      options.alertSocketGroup === undefined ? {} : { group: options.alertSocketGroup },
    );
    await receiver.listen();
    await new Promise<void>((resolve) => {
      if (context.signal.aborted) resolve();
      context.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await receiver.close();
  };

  return {
    name: 'pacemaker',
    get intervalMs() {
      return cib?.following ? reconcileMs : pollMs;
    },
    timeoutMs: options.timeoutMs ?? 10_000,
    async check(context) {
      const status = await readClusterStatus({ runner, timeoutMs: options.timeoutMs ?? 10_000 });
      // Taken after the read: a fencing pushed while crm_mon ran is in this run, or (on a failed read) the next.
      const pushed = pushedFencing;
      pushedFencing = [];
      const result = pacemakerConditions(status, memory, { pushedFencing: pushed, now: context.now });
      memory = result.memory;
      return { conditions: result.conditions, data: status };
    },
    samples: (status) => pacemakerSamples(status, memory?.fence),
    ...(options.alertSocket || cib
      ? {
          async watch(context: WatchContext) {
            await Promise.all([
              options.alertSocket ? watchAlerts(context, options.alertSocket) : undefined,
              cib?.follow(context),
            ]);
          },
          async close() {
            await receiver?.close();
          },
        }
      : {}),
  };
}

/**
 * The CIB's change notifications, through crm_mon in its continuous text mode (Pacemaker 2.1): it
 * prints a dot the moment the CIB changes (unbuffered through `stdbuf -o0`: a pipe would hold it
 * back until the next newline) and the whole status about 2 s later. Every chunk it prints asks
 * for a run; what it prints is never parsed for state (the XML read does that). When crm_mon ends
 * or loses the cluster, the probe polls at its own interval until it follows again. Pacemaker 3's
 * crm_mon prints text once and exits: then the probe says so once and keeps polling.
 */
class CibWatch {
  /** True while crm_mon is connected and printing changes. */
  following = false;

  constructor(private readonly runner: Runner) {}

  async follow(context: WatchContext): Promise<void> {
    let warned = false;
    while (!context.signal.aborted) {
      const stream = this.runner.stream('stdbuf', ['-o0', 'crm_mon', '--output-as=text'], { chunks: true });
      const stop = () => void stream.stop();
      context.signal.addEventListener('abort', stop, { once: true });
      let printed = false;
      let lost = false;
      try {
        for await (const chunk of stream.lines) {
          // A chunk may hold several writes: "Waiting until cluster is available …" and the status after it.
          if (chunk.includes('Connection to the cluster-daemons terminated')) {
            lost = true;
            this.following = false;
            continue;
          }
          if (!chunk.includes('Cluster Summary') && /^Waiting until cluster is available/.test(chunk)) continue;
          printed = true;
          if (!this.following && chunk.includes('Cluster Summary')) {
            this.following = true;
            if (warned) context.warn('crm_mon follows the CIB again: polling only to reconcile');
            warned = false;
          }
          context.trigger('pacemaker: the CIB changed');
        }
        await stream.done;
        if (!context.signal.aborted && printed && !lost) {
          context.warn(
            'this crm_mon prints its text status once and exits (Pacemaker 3): the CIB is not followed, crm_mon is polled',
          );
          return;
        }
      } catch (error) {
        if (context.signal.aborted) return;
        if (!warned) context.warn(`crm_mon (following the CIB): ${(error as Error).message}; polling meanwhile`);
        warned = true;
      } finally {
        context.signal.removeEventListener('abort', stop);
        this.following = false;
      }
      await sleep(5_000, undefined, { signal: context.signal, ref: false }).catch(() => undefined);
    }
  }
}
