import { existsSync } from 'node:fs';
import { defaultRunner, type Runner } from '@ha/core';
import { readDrbdStatus, syncingStates, watchEvents2, type DrbdStatus } from '@ha/drbd';
import type { Condition } from '../model.js';
import type { MetricSample } from '../metrics/catalog.js';
import type { Probe } from './probe.js';

/** Resync progress seen before, per resource/peer/volume: the percent and since when it has not moved. */
export type SyncMemory = Record<
  string,
  {
    /** The resync's percent done when last seen moving. */
    percent: number;
    /** Since when it has been at that percent (epoch ms). */
    since: number;
  }
>;

/**
 * What is wrong with DRBD: split brain, no quorum, a lost disk, a peer not
 * connected, a disk not UpToDate outside a resync, a resync that stopped
 * moving for `stallAfterMs`. Pure (time is passed in).
 */
export function drbdConditions(
  status: DrbdStatus,
  memory: SyncMemory,
  now: number,
  options: { stallAfterMs?: number } = {},
): { conditions: Condition[]; memory: SyncMemory } {
  const stallAfterMs = options.stallAfterMs ?? 60_000;
  const conditions: Condition[] = [];
  const next: SyncMemory = {};
  for (const resource of status.resources) {
    const name = resource.name;
    if (resource.splitBrain)
      conditions.push({
        alertname: 'DrbdSplitBrain',
        labels: { resource: name },
        severity: 'critical',
        summary: `DRBD resource ${name}: split brain; choose a victim and reconnect it with --discard-my-data`,
      });
    const noQuorum =
      resource.suspendedReasons.includes('quorum') || resource.devices.some((device) => device.quorum === false);
    if (noQuorum)
      conditions.push({
        alertname: 'DrbdNoQuorum',
        labels: { resource: name },
        severity: 'critical',
        summary: `DRBD resource ${name} has no quorum${resource.suspended ? ': I/O is suspended' : ''}`,
      });
    for (const device of resource.devices) {
      const volume = String(device.volume);
      if ((device.diskState === 'Diskless' && !device.client) || device.diskState === 'Failed') {
        conditions.push({
          alertname: 'DrbdDiskless',
          labels: { resource: name, volume },
          severity: 'critical',
          summary: `DRBD ${name}/${volume}: the local disk is ${device.diskState === 'Failed' ? 'failed' : 'gone (Diskless)'}`,
        });
      } else if (['Outdated', 'Inconsistent', 'DUnknown', 'Consistent'].includes(device.diskState)) {
        const syncing = resource.connections.some((connection) =>
          connection.peerDevices.some(
            (peer) => peer.volume === device.volume && syncingStates.has(peer.replicationState),
          ),
        );
        if (!syncing)
          conditions.push({
            alertname: 'DrbdDegraded',
            labels: { resource: name, volume },
            severity: 'warning',
            summary: `DRBD ${name}/${volume}: the local disk is ${device.diskState}`,
          });
      }
    }
    for (const connection of resource.connections) {
      const peer = connection.name;
      if (connection.connectionState !== 'Connected') {
        conditions.push({
          alertname: 'DrbdDisconnected',
          labels: { resource: name, peer },
          severity: connection.connectionState === 'StandAlone' ? 'critical' : 'warning',
          summary: `DRBD ${name}: connection to ${peer} is ${connection.connectionState}`,
        });
        continue;
      }
      for (const device of connection.peerDevices) {
        const volume = String(device.volume);
        if (syncingStates.has(device.replicationState)) {
          const key = `${name}|${peer}|${volume}`;
          const percent = device.percentInSync ?? 0;
          const before = memory[key];
          next[key] = before && percent <= before.percent ? before : { percent, since: now };
          if (
            before &&
            percent <= before.percent &&
            now - before.since >= stallAfterMs &&
            !device.resyncSuspended?.match(/user/)
          ) {
            conditions.push({
              alertname: 'DrbdSyncStalled',
              labels: { resource: name, peer, volume },
              severity: 'warning',
              summary: `DRBD ${name}/${volume}: the resync with ${peer} has not moved from ${percent}% for ${Math.round((now - before.since) / 1000)} s`,
            });
          }
        } else if (device.peerDiskState !== 'UpToDate' && !(device.peerDiskState === 'Diskless' && device.peerClient)) {
          conditions.push({
            alertname: 'DrbdDegraded',
            labels: { resource: name, volume, peer },
            severity: 'warning',
            summary: `DRBD ${name}/${volume}: ${peer}'s disk is ${device.peerDiskState}`,
          });
        }
      }
    }
  }
  return { conditions, memory: next };
}

/** ha_cluster_exporter's DRBD series. */
export function drbdSamples(status: DrbdStatus): MetricSample[] {
  const samples: MetricSample[] = [];
  const number = (value: number | bigint | undefined) => (value === undefined ? undefined : Number(value));
  const push = (name: string, labels: Record<string, string>, value: number | bigint | undefined) => {
    const numeric = number(value);
    if (numeric !== undefined) samples.push({ name, labels, value: numeric });
  };
  for (const resource of status.resources) {
    for (const device of resource.devices) {
      const labels = { resource: resource.name, volume: String(device.volume) };
      samples.push({
        name: 'ha_cluster_drbd_resources',
        labels: { ...labels, role: resource.role.toLowerCase(), disk_state: device.diskState.toLowerCase() },
        value: 1,
      });
      push('ha_cluster_drbd_written', labels, device.written);
      push('ha_cluster_drbd_read', labels, device.read);
      push('ha_cluster_drbd_al_writes', labels, device.alWrites);
      push('ha_cluster_drbd_bm_writes', labels, device.bmWrites);
      push('ha_cluster_drbd_upper_pending', labels, device.upperPending);
      push('ha_cluster_drbd_lower_pending', labels, device.lowerPending);
      if (device.quorum !== undefined)
        samples.push({ name: 'ha_cluster_drbd_quorum', labels, value: device.quorum ? 1 : 0 });
      if (resource.splitBrain) samples.push({ name: 'ha_cluster_drbd_split_brain', labels, value: 1 });
    }
    for (const connection of resource.connections) {
      for (const device of connection.peerDevices) {
        const labels = {
          resource: resource.name,
          peer_node_id: String(connection.peerNodeId ?? connection.name),
          volume: String(device.volume),
        };
        samples.push({
          name: 'ha_cluster_drbd_connections',
          labels: {
            ...labels,
            peer_role: connection.peerRole.toLowerCase(),
            peer_disk_state: device.peerDiskState.toLowerCase(),
          },
          value: 1,
        });
        push(
          'ha_cluster_drbd_connections_sync',
          labels,
          device.percentInSync ??
            (device.replicationState === 'Established' && device.peerDiskState === 'UpToDate' ? 100 : undefined),
        );
        push('ha_cluster_drbd_connections_received', labels, device.received);
        push('ha_cluster_drbd_connections_sent', labels, device.sent);
        push('ha_cluster_drbd_connections_pending', labels, device.pending);
        push('ha_cluster_drbd_connections_unacked', labels, device.unacked);
      }
    }
  }
  return samples;
}

/** Options of `createDrbdProbe`. */
export interface DrbdProbeOptions {
  /** Runs drbdsetup (default: this machine). */
  runner?: Runner;
  /** Between two `drbdsetup status`, ms (default 10 s). */
  intervalMs?: number;
  /** A read that takes longer fails the probe, ms (default 10 s). */
  timeoutMs?: number;
  /** Follow `drbdsetup events2` and run at once on each change (default true). */
  events?: boolean;
  /** A resync whose percent has not moved for this long raises `DrbdSyncStalled`, ms (default 60 s). */
  stallAfterMs?: number;
}

/** True where DRBD is in use: its kernel module is loaded (`/proc/drbd`). */
export function drbdInUse(): boolean {
  return existsSync('/proc/drbd');
}

/**
 * DRBD through @ha/drbd: `drbdsetup status --json` polled every
 * `intervalMs`, and `drbdsetup events2` followed so that a dropped
 * connection or a split brain is seen the moment DRBD reports it.
 */
export function createDrbdProbe(options: DrbdProbeOptions = {}): Probe<DrbdStatus> {
  const runner = options.runner ?? defaultRunner;
  let memory: SyncMemory = {};
  // Split brains are only told by events2 (the helper call): remembered per resource until it reconnects.
  const splitBrains = new Set<string>();
  return {
    name: 'drbd',
    intervalMs: options.intervalMs ?? 10_000,
    timeoutMs: options.timeoutMs ?? 10_000,
    async check({ now }) {
      const status = await readDrbdStatus({ runner });
      for (const resource of status.resources) {
        if (
          resource.connections.length > 0 &&
          resource.connections.every((connection) => connection.connectionState === 'Connected')
        )
          splitBrains.delete(resource.name);
        if (splitBrains.has(resource.name)) resource.splitBrain = true;
      }
      const result = drbdConditions(status, memory, now, options);
      memory = result.memory;
      return { conditions: result.conditions, data: status };
    },
    samples: drbdSamples,
    ...(options.events === false
      ? {}
      : {
          async watch(context) {
            // events2 ends when DRBD goes away; follow it again after a pause, until the monitor stops.
            while (!context.signal.aborted) {
              try {
                for await (const item of watchEvents2({ runner, signal: context.signal })) {
                  if (item.type === 'warning')
                    context.warn(`drbdsetup events2 line ${item.lineNumber}: ${item.message}`);
                  else if (item.type === 'event') {
                    for (const resource of item.status.resources)
                      if (resource.splitBrain) splitBrains.add(resource.name);
                    if (item.event.verb !== 'exists')
                      context.trigger(`drbd ${item.event.verb} ${item.event.object} ${item.event.resource}`);
                  }
                }
              } catch (error) {
                if (context.signal.aborted) return;
                context.warn(`drbdsetup events2: ${(error as Error).message}`);
              }
              await new Promise((resolve) => setTimeout(resolve, 5_000).unref());
            }
          },
        }),
  };
}
