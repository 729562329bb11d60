import { syncingStates, type DrbdStatus, type ResourceStatus } from './model.js';

/** One resource's health, worst first: split-brain, no quorum, diskless, degraded, syncing, healthy. */
export type DrbdHealthState = 'healthy' | 'syncing' | 'degraded' | 'diskless' | 'no-quorum' | 'split-brain';

export interface ResourceHealth {
  name: string;
  state: DrbdHealthState;
  /** Why, in words ("connection to node2 is StandAlone"); empty when healthy. */
  reasons: string[];
  /** While syncing: the least complete peer device, and its estimated seconds to go. */
  percentInSync?: number;
  etaSeconds?: number;
}

export interface DrbdHealth {
  healthy: boolean;
  /** The worst state of any resource. */
  state: DrbdHealthState;
  resources: ResourceHealth[];
}

const order: DrbdHealthState[] = ['healthy', 'syncing', 'degraded', 'diskless', 'no-quorum', 'split-brain'];

/** The health of one resource, with its reasons. */
export function resourceHealth(resource: ResourceStatus): ResourceHealth {
  const findings: { state: DrbdHealthState; reason: string }[] = [];
  if (resource.splitBrain) findings.push({ state: 'split-brain', reason: 'a split brain was detected' });
  if (resource.suspendedReasons.includes('quorum')) findings.push({ state: 'no-quorum', reason: 'I/O is suspended: no quorum' });
  let percent: number | undefined;
  let eta: number | undefined;
  for (const device of resource.devices) {
    const volume = resource.devices.length > 1 ? ` (volume ${device.volume})` : '';
    if (device.quorum === false) findings.push({ state: 'no-quorum', reason: `no quorum${volume}` });
    if (device.diskState === 'Diskless' && !device.client) findings.push({ state: 'diskless', reason: `the local disk is gone (Diskless)${volume}` });
    else if (device.diskState === 'Failed') findings.push({ state: 'diskless', reason: `the local disk failed${volume}` });
    else if (!['UpToDate', 'Diskless'].includes(device.diskState)) findings.push({ state: device.diskState === 'Inconsistent' ? 'syncing' : 'degraded', reason: `the local disk is ${device.diskState}${volume}` });
  }
  for (const connection of resource.connections) {
    if (connection.connectionState !== 'Connected') {
      findings.push({ state: 'degraded', reason: `connection to ${connection.name} is ${connection.connectionState}` });
      continue;
    }
    for (const peer of connection.peerDevices) {
      const volume = connection.peerDevices.length > 1 ? ` (volume ${peer.volume})` : '';
      if (syncingStates.has(peer.replicationState)) {
        findings.push({ state: 'syncing', reason: `${peer.replicationState} with ${connection.name}${volume}${peer.percentInSync !== undefined ? `: ${peer.percentInSync}% in sync` : ''}` });
        if (peer.percentInSync !== undefined && (percent === undefined || peer.percentInSync < percent)) {
          percent = peer.percentInSync;
          eta = peer.etaSeconds;
        }
      } else if (peer.peerDiskState !== 'UpToDate' && !(peer.peerDiskState === 'Diskless' && peer.peerClient)) {
        findings.push({ state: 'degraded', reason: `${connection.name}'s disk is ${peer.peerDiskState}${volume}` });
      }
    }
  }
  const worst = findings.reduce<DrbdHealthState>((state, finding) => (order.indexOf(finding.state) > order.indexOf(state) ? finding.state : state), 'healthy');
  return { name: resource.name, state: worst, reasons: findings.map((finding) => finding.reason), ...(percent === undefined ? {} : { percentInSync: percent }), ...(eta === undefined ? {} : { etaSeconds: eta }) };
}

/**
 * The replication health in one call: healthy, syncing (with percent and
 * ETA), degraded, diskless, no quorum or split brain, per resource and overall.
 */
export function evaluateDrbdHealth(status: DrbdStatus): DrbdHealth {
  const resources = status.resources.map(resourceHealth);
  const state = resources.reduce<DrbdHealthState>((worst, resource) => (order.indexOf(resource.state) > order.indexOf(worst) ? resource.state : worst), 'healthy');
  return { healthy: state === 'healthy', state, resources };
}
