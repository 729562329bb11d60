/**
 * @ha/pcs-client: a typed client of pcs and Pacemaker's tools, and one typed
 * model of cluster status for every Pacemaker from 1.1 to 3.x.
 */
export { parseClusterStatus, normalizeRole, splitOperationKey } from './status/parse.js';
export type { ParseStatusOptions } from './status/parse.js';
export {
  clusterStatusSchema,
  summarySchema,
  nodeSchema,
  primitiveSchema,
  resourceNodeSchema,
  operationSchema,
  resourceHistorySchema,
  nodeHistorySchema,
  failureSchema,
  fenceEventSchema,
  ticketSchema,
  banSchema,
  roleSchema,
  clusterOptionsSchema,
} from './status/model.js';
export type {
  ClusterStatus,
  ClusterSummary,
  ClusterNode,
  ResourceNode,
  PrimitiveResource,
  GroupResource,
  CloneResource,
  BundleResource,
  ResourceRole,
  OperationRecord,
  NodeHistory,
  FailedAction,
  FenceEvent,
  Ticket,
  Ban,
  UnknownElement,
} from './status/model.js';
export {
  listInstances,
  resourceLocations,
  nodesRunning,
  stoppedThatShouldRun,
  failuresByNode,
  failCounts,
  nodeProblems,
  bansOf,
  evaluateHealth,
  pacemakerHealthStates,
} from './status/views.js';
export type {
  ResourceInstance,
  StoppedResource,
  StoppedReason,
  NodeProblem,
  NodeProblemCode,
  PacemakerHealth,
  PacemakerHealthReason,
  PacemakerHealthState,
  PacemakerHealthCode,
} from './status/views.js';
export { readClusterStatus, readClusterStatusXml, crmMonArgs } from './status/read.js';
export type { StatusSource, ReadStatusOptions } from './status/read.js';
export { parseConstraints, locationConstraintsOf, constraintSchema } from './status/constraints.js';
export type { Constraint } from './status/constraints.js';
export { PcsClient, isSettled } from './client/pcs-client.js';
export type {
  PcsClientOptions,
  ToolVersions,
  NodeTarget,
  WaitOption,
  WaitForOptions,
  FailoverReport,
} from './client/pcs-client.js';
export {
  resourceCreateArgs,
  clusterSetupArgs,
  optionWords,
  operationWords,
  assertId,
  assertNodeName,
  scoreWord,
  dialectOf,
} from './client/args.js';
export type { ResourceSpec, OperationSpec, ClusterSetupSpec, OptionValue, PcsDialect } from './client/args.js';
export { UnsupportedApiVersionError, PacemakerToolError, PcsCommandError } from './errors.js';
export type { PacemakerToolReport, PcsParseReason } from './errors.js';
export { parseXmlTree } from './xml/tree.js';
export type { XmlElement } from './xml/tree.js';
export { pacemakerTools } from './tools.js';
