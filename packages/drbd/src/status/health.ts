import { escapeForMessage } from '@ha/core';
import { connectionStates, diskStates, drbdRoles, replicationStates, syncingStates, type DrbdStatus, type ResourceStatus } from './model.js';

/** One resource's health, worst first: split-brain, no quorum, diskless, degraded, syncing, healthy. */
export type DrbdHealthState = 'healthy' | 'syncing' | 'degraded' | 'diskless' | 'no-quorum' | 'split-brain';

/** The verdict on one resource. */
export interface ResourceHealth {
  /** The resource's name. */
  name: string;
  /** Its worst finding's state; `healthy` only when every state it reports is a known good one. */
  state: DrbdHealthState;
  /** Why, in words ("connection to node2 is StandAlone"); empty when healthy. */
  reasons: string[];
  /** While syncing: the least complete peer device's percent in sync (0 to 100). */
  percentInSync?: number;
  /** While syncing: that peer device's estimated seconds to go, when DRBD says. */
  etaSeconds?: number;
}

/** The verdict on every resource, and overall. */
export interface DrbdHealth {
  /** True when every resource is healthy (and for no resources at all). */
  healthy: boolean;
  /** The worst state of any resource. */
  state: DrbdHealthState;
  /** Each resource's verdict, in the status's order. */
  resources: ResourceHealth[];
}

const order: DrbdHealthState[] = ['healthy', 'syncing', 'degraded', 'diskless', 'no-quorum', 'split-brain'];

// A value from the status, for a reason: escaped (it may come from a damaged capture).
const shown = (value: string) => escapeForMessage(value, 60);

/**
 * The health of one resource, with its reasons. A role, disk, connection or
 * replication state that DRBD does not report (a damaged or foreign
 * capture) is never healthy: it is `degraded`, and the reason names it.
 */
export function resourceHealth(resource: ResourceStatus): ResourceHealth {
  const findings: { state: DrbdHealthState; reason: string }[] = [];
  if (resource.splitBrain) findings.push({ state: 'split-brain', reason: 'a split brain was detected' });
  if (resource.suspendedReasons.includes('quorum')) findings.push({ state: 'no-quorum', reason: 'I/O is suspended: no quorum' });
  if (!drbdRoles.has(resource.role)) findings.push({ state: 'degraded', reason: resource.role === 'Unknown' ? 'its role is Unknown' : `its role '${shown(resource.role)}' is not a DRBD role` });
  if (resource.devices.length === 0) findings.push({ state: 'degraded', reason: 'no volume is reported' });
  let percent: number | undefined;
  let eta: number | undefined;
  for (const device of resource.devices) {
    const volume = resource.devices.length > 1 ? ` (volume ${device.volume})` : '';
    if (device.quorum === false) findings.push({ state: 'no-quorum', reason: `no quorum${volume}` });
    if (!diskStates.has(device.diskState)) findings.push({ state: 'degraded', reason: `the local disk state '${shown(device.diskState)}' is not a DRBD disk state${volume}` });
    else if (device.diskState === 'Diskless' && !device.client) findings.push({ state: 'diskless', reason: `the local disk is gone (Diskless)${volume}` });
    else if (device.diskState === 'Failed') findings.push({ state: 'diskless', reason: `the local disk failed${volume}` });
    else if (!['UpToDate', 'Diskless'].includes(device.diskState)) findings.push({ state: device.diskState === 'Inconsistent' ? 'syncing' : 'degraded', reason: `the local disk is ${device.diskState}${volume}` });
  }
  for (const connection of resource.connections) {
    const peer = shown(connection.name);
    if (!connectionStates.has(connection.connectionState)) {
      findings.push({ state: 'degraded', reason: `connection to ${peer} is in state '${shown(connection.connectionState)}', not a DRBD connection state` });
      continue;
    }
    if (connection.connectionState !== 'Connected') {
      findings.push({ state: 'degraded', reason: `connection to ${peer} is ${connection.connectionState}` });
      continue;
    }
    if (!drbdRoles.has(connection.peerRole)) findings.push({ state: 'degraded', reason: `${peer} is connected but its role is '${shown(connection.peerRole)}'` });
    for (const device of connection.peerDevices) {
      const volume = connection.peerDevices.length > 1 ? ` (volume ${device.volume})` : '';
      if (!replicationStates.has(device.replicationState)) {
        findings.push({ state: 'degraded', reason: `replication with ${peer} is in state '${shown(device.replicationState)}', not a DRBD replication state${volume}` });
      } else if (syncingStates.has(device.replicationState)) {
        findings.push({ state: 'syncing', reason: `${device.replicationState} with ${peer}${volume}${device.percentInSync !== undefined ? `: ${device.percentInSync}% in sync` : ''}` });
        if (device.percentInSync !== undefined && (percent === undefined || device.percentInSync < percent)) {
          percent = device.percentInSync;
          eta = device.etaSeconds;
        }
      } else if (!diskStates.has(device.peerDiskState)) {
        findings.push({ state: 'degraded', reason: `${peer}'s disk state '${shown(device.peerDiskState)}' is not a DRBD disk state${volume}` });
      } else if (device.peerDiskState !== 'UpToDate' && !(device.peerDiskState === 'Diskless' && device.peerClient)) {
        findings.push({ state: 'degraded', reason: `${peer}'s disk is ${device.peerDiskState}${volume}` });
      }
    }
  }
  const worst = findings.reduce<DrbdHealthState>((state, finding) => (order.indexOf(finding.state) > order.indexOf(state) ? finding.state : state), 'healthy');
  return { name: resource.name, state: worst, reasons: findings.map((finding) => finding.reason), ...(percent === undefined ? {} : { percentInSync: percent }), ...(eta === undefined ? {} : { etaSeconds: eta }) };
}

/**
 * The replication health in one call: healthy, syncing (with percent and
 * ETA), degraded, diskless, no quorum or split brain, per resource and overall.
 *
 * ```ts
 * const health = evaluateDrbdHealth(await readDrbdStatus());
 * if (!health.healthy) for (const resource of health.resources) console.log(resource.name, resource.state, resource.reasons.join('; '));
 * ```
 */
export function evaluateDrbdHealth(status: DrbdStatus): DrbdHealth {
  const resources = status.resources.map(resourceHealth);
  const state = resources.reduce<DrbdHealthState>((worst, resource) => (order.indexOf(resource.state) > order.indexOf(worst) ? resource.state : worst), 'healthy');
  return { healthy: state === 'healthy', state, resources };
}
