import { escapeForMessage, evaluateHealthFindings, type Health, type HealthReason } from '@ha/core';
import type { DrbdHealthCode } from '../codes.js';
import {
  connectionStates,
  diskStates,
  drbdRoles,
  replicationStates,
  syncingStates,
  type DrbdStatus,
  type ResourceStatus,
} from './model.js';

/** One resource's health, worst last: healthy, syncing, degraded, diskless, no quorum, split brain. */
export type DrbdHealthState = 'healthy' | 'syncing' | 'degraded' | 'diskless' | 'no-quorum' | 'split-brain';

/** One reason a resource is not healthy: a `DrbdHealthCode`, words, and the resource's name as `subject`. */
export type DrbdHealthReason = HealthReason<DrbdHealthCode>;

/** The verdict on one resource: core's health shape, with the resource's name and its resync's progress. */
export interface ResourceHealth extends Health<DrbdHealthState, DrbdHealthCode> {
  /** The resource's name. */
  name: string;
  /** While syncing: the least complete peer device's percent in sync (0 to 100). */
  percentInSync?: number;
  /** While syncing: that peer device's estimated seconds to go, when DRBD says. */
  etaSeconds?: number;
}

/**
 * The verdict on every resource, and overall: `reasons` holds every resource's
 * reasons, each message starting with the resource's name (`r0: connection to node2 is StandAlone`).
 */
export interface DrbdHealth extends Health<DrbdHealthState, DrbdHealthCode> {
  /** Each resource's verdict, in the status's order. */
  resources: ResourceHealth[];
}

/** The states from best to worst: a verdict is the worst state any of its reasons puts it in. */
export const drbdHealthStates = [
  'healthy',
  'syncing',
  'degraded',
  'diskless',
  'no-quorum',
  'split-brain',
] as const satisfies readonly DrbdHealthState[];

// A value from the status, for a reason: escaped (it may come from a damaged capture).
const shown = (value: string) => escapeForMessage(value, 60);

type Finding = DrbdHealthReason & { state: DrbdHealthState };

/** The state each reason puts its resource in (see `DrbdHealthCode`). */
export const healthCodeStates: Readonly<Record<DrbdHealthCode, DrbdHealthState>> = {
  SPLIT_BRAIN: 'split-brain',
  NO_QUORUM: 'no-quorum',
  DISKLESS: 'diskless',
  DISK_FAILED: 'diskless',
  SYNCING: 'syncing',
  DISK_INCONSISTENT: 'syncing',
  UNKNOWN_ROLE: 'degraded',
  NO_VOLUMES: 'degraded',
  UNKNOWN_DISK_STATE: 'degraded',
  DISK_NOT_UP_TO_DATE: 'degraded',
  UNKNOWN_CONNECTION_STATE: 'degraded',
  DISCONNECTED: 'degraded',
  UNKNOWN_PEER_ROLE: 'degraded',
  UNKNOWN_REPLICATION_STATE: 'degraded',
  UNKNOWN_PEER_DISK_STATE: 'degraded',
  PEER_DISK_NOT_UP_TO_DATE: 'degraded',
};

/**
 * The health of one resource, with its reasons. A role, disk, connection or
 * replication state that DRBD does not report (a damaged or foreign
 * capture) is never healthy: it is `degraded`, and the reason names it.
 */
export function resourceHealth(resource: ResourceStatus): ResourceHealth {
  const findings: Finding[] = [];
  const subject = resource.name;
  const add = (code: DrbdHealthCode, message: string) =>
    findings.push({ state: healthCodeStates[code], code, message, subject });
  if (resource.splitBrain) add('SPLIT_BRAIN', 'a split brain was detected');
  if (resource.suspendedReasons.includes('quorum')) add('NO_QUORUM', 'I/O is suspended: no quorum');
  if (!drbdRoles.has(resource.role))
    add(
      'UNKNOWN_ROLE',
      resource.role === 'Unknown' ? 'its role is Unknown' : `its role '${shown(resource.role)}' is not a DRBD role`,
    );
  if (resource.devices.length === 0) add('NO_VOLUMES', 'no volume is reported');
  let percent: number | undefined;
  let eta: number | undefined;
  for (const device of resource.devices) {
    const volume = resource.devices.length > 1 ? ` (volume ${device.volume})` : '';
    if (device.quorum === false) add('NO_QUORUM', `no quorum${volume}`);
    if (!diskStates.has(device.diskState))
      add('UNKNOWN_DISK_STATE', `the local disk state '${shown(device.diskState)}' is not a DRBD disk state${volume}`);
    else if (device.diskState === 'Diskless' && !device.client)
      add('DISKLESS', `the local disk is gone (Diskless)${volume}`);
    else if (device.diskState === 'Failed') add('DISK_FAILED', `the local disk failed${volume}`);
    else if (device.diskState === 'Inconsistent') add('DISK_INCONSISTENT', `the local disk is Inconsistent${volume}`);
    else if (!['UpToDate', 'Diskless'].includes(device.diskState))
      add('DISK_NOT_UP_TO_DATE', `the local disk is ${device.diskState}${volume}`);
  }
  for (const connection of resource.connections) {
    const peer = shown(connection.name);
    if (!connectionStates.has(connection.connectionState)) {
      add(
        'UNKNOWN_CONNECTION_STATE',
        `connection to ${peer} is in state '${shown(connection.connectionState)}', not a DRBD connection state`,
      );
      continue;
    }
    if (connection.connectionState !== 'Connected') {
      add('DISCONNECTED', `connection to ${peer} is ${connection.connectionState}`);
      continue;
    }
    if (!drbdRoles.has(connection.peerRole))
      add('UNKNOWN_PEER_ROLE', `${peer} is connected but its role is '${shown(connection.peerRole)}'`);
    for (const device of connection.peerDevices) {
      const volume = connection.peerDevices.length > 1 ? ` (volume ${device.volume})` : '';
      if (!replicationStates.has(device.replicationState)) {
        add(
          'UNKNOWN_REPLICATION_STATE',
          `replication with ${peer} is in state '${shown(device.replicationState)}', not a DRBD replication state${volume}`,
        );
      } else if (syncingStates.has(device.replicationState)) {
        add(
          'SYNCING',
          `${device.replicationState} with ${peer}${volume}${device.percentInSync !== undefined ? `: ${device.percentInSync}% in sync` : ''}`,
        );
        if (device.percentInSync !== undefined && (percent === undefined || device.percentInSync < percent)) {
          percent = device.percentInSync;
          eta = device.etaSeconds;
        }
      } else if (!diskStates.has(device.peerDiskState)) {
        add(
          'UNKNOWN_PEER_DISK_STATE',
          `${peer}'s disk state '${shown(device.peerDiskState)}' is not a DRBD disk state${volume}`,
        );
      } else if (device.peerDiskState !== 'UpToDate' && !(device.peerDiskState === 'Diskless' && device.peerClient)) {
        add('PEER_DISK_NOT_UP_TO_DATE', `${peer}'s disk is ${device.peerDiskState}${volume}`);
      }
    }
  }
  const health: ResourceHealth = { name: resource.name, ...evaluateHealthFindings(drbdHealthStates, findings) };
  if (percent !== undefined) health.percentInSync = percent;
  if (eta !== undefined) health.etaSeconds = eta;
  return health;
}

/**
 * The replication health in one call: healthy, syncing (with percent and
 * ETA), degraded, diskless, no quorum or split brain, per resource and
 * overall, each reason with a `DrbdHealthCode`.
 *
 * ```ts
 * const health = evaluateDrbdHealth(await readDrbdStatus());
 * if (!health.healthy) for (const reason of health.reasons) console.log(reason.code, reason.message);
 * ```
 */
export function evaluateDrbdHealth(status: DrbdStatus): DrbdHealth {
  const resources = status.resources.map(resourceHealth);
  const findings: Finding[] = [];
  for (const resource of resources) {
    for (const reason of resource.reasons)
      findings.push({
        ...reason,
        message: `${resource.name}: ${reason.message}`,
        state: healthCodeStates[reason.code],
      });
  }
  return { ...evaluateHealthFindings(drbdHealthStates, findings), resources };
}
