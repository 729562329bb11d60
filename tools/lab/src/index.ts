/**
 * @ha/lab: real Corosync/Pacemaker clusters and HAProxy instances on one
 * machine, for ha-toolkit's tests, benches and demo. Private to the repo.
 */
export { LabCluster, teardownCluster, labFenceDevice } from './cluster.js';
export type { LabUpOptions, LabStatus, LabNodeStatus } from './cluster.js';
export { parseClusterView, parseFenceEvents } from './cluster-view.js';
export type { LabClusterView, LabFenceEvent } from './cluster-view.js';
export { renderLabCorosyncConf, renderLabHosts, renderLabFenceDevice } from './cluster-files.js';
export { askPowerSwitch, parsePowerRequest, formatPowerRequest, outletActions, powerFaults } from './power-protocol.js';
export type { PowerRequest, PowerFault, OutletAction, OutletState } from './power-protocol.js';
export { DualActiveSampler } from './dual-active.js';
export type { DualActiveReport, DualActiveBreach, DualActiveTarget } from './dual-active.js';
export { runPartitionCampaign, servicesHome } from './fencing-campaign.js';
export type { PartitionCampaign, PartitionRun, PartitionCampaignOptions } from './fencing-campaign.js';
export {
  startHaproxyLab,
  stopHaproxyLab,
  readHaproxyLab,
  killLabBackend,
  startLabBackend,
  serverStatuses,
  renderLabHaproxyConfig,
  haproxyLabSchema,
  freeLoopbackPort,
} from './haproxy.js';
export type { HaproxyLab, HaproxyLabOptions } from './haproxy.js';
export { findLabLeftovers } from './leftovers.js';
export { teardownLab } from './teardown.js';
export { labDefaults, labPaths, defaultStateRoot, nodeAddress, nodeName } from './layout.js';
export { nodeEnvironment } from './node.js';
export { waitFor } from './wait.js';
export { sharedPath } from './shared.js';
export {
  buildStack,
  defaultStack,
  hostStack,
  listStacks,
  locateStack,
  parseStackName,
  stackDefinitions,
  stackNames,
  stackPackages,
  stackToolRunner,
} from './stacks.js';
export type { StackName, StackLocation, StackManifest } from './stacks.js';
