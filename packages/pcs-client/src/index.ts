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
export { fencingFindings, fenceDevicesOf } from './status/views.js';
export type { EvaluateHealthOptions } from './status/views.js';
export { parsePacemakerTime } from './status/parse.js';
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
  EditOptions,
  FailoverReport,
  FailoverOptions,
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
export {
  fenceParameterSchema,
  fenceAgentMetadataSchema,
  fenceDeviceSchema,
  fenceLevelTargetSchema,
  fenceLevelSchema,
  fencingTargetsSchema,
  fenceLevelFindingSchema,
} from './fencing/model.js';
export type {
  FenceParameter,
  FenceAgentMetadata,
  FenceDevice,
  FenceLevelTarget,
  FenceLevel,
  FencingTargets,
  FenceLevelFinding,
} from './fencing/model.js';
export {
  parseFenceAgents,
  parseFenceDeviceList,
  parseFenceTargetList,
  parseFenceAgentMetadata,
  parseFenceHistory,
  parseFenceDevices,
  parseFenceLevels,
  parseHostMap,
  parseHostList,
  parseLevelVerifyOutput,
} from './fencing/parse.js';
export type { ParseFencingOptions } from './fencing/parse.js';
export {
  fenceDeviceOptions,
  fenceDeviceCreateArgs,
  fenceDeviceUpdateArgs,
  fenceLevelAddArgs,
  fenceLevelRemoveArgs,
  levelTargetWord,
  confirmNodeDownArgs,
  fenceNodeArgs,
  fenceHistoryArgs,
} from './fencing/args.js';
export type { FenceDeviceSpec, FenceAction } from './fencing/args.js';
export { checkFenceDeviceOptions, closestName, fencerParameters } from './fencing/validate.js';
export { FencingNotFoundError, FenceOptionError, FencingFailedError } from './fencing/errors.js';
export type { FencingSubjectKind } from './fencing/errors.js';
export type { FenceOptions } from './fencing/operations.js';
export { planChanges, assemblePlan } from './plan/plan.js';
export type { PlanOptions } from './plan/plan.js';
export { parseSimulation } from './plan/simulation.js';
export { readCibFacts, primitivesOf } from './plan/cib.js';
export type { CibFacts, CibResource } from './plan/cib.js';
export { checkChanges, checkAgainstState, editsOf } from './plan/changes.js';
export type { CibEdit, PhasedEdits } from './plan/changes.js';
export { PlanChangeError, describeChange } from './plan/errors.js';
export type { PlanChangeReason } from './plan/errors.js';
export {
  clusterChangeSchema,
  simulatedStateSchema,
  summaryActionSchema,
  simulatedActionSchema,
  allocationScoreSchema,
  simulationSchema,
  placementSchema,
} from './plan/model.js';
export type {
  ClusterChange,
  CibSource,
  SimulatedState,
  SummaryAction,
  SimulatedAction,
  AllocationScore,
  Simulation,
  Placement,
  PlannedResource,
  Plan,
  NodeCondition,
} from './plan/model.js';
export {
  transitionHistory,
  triggersBetween,
  describeTransition,
  parseInputListing,
  parseSince,
  schedulerInputsDirectory,
} from './plan/history.js';
export type { Transition, TransitionTrigger, TransitionHistoryOptions, ScheduledInput } from './plan/history.js';
export { verifyArgs, runVerify, parseVerifyOutput, verifyReportSchema, verifyFindingSchema } from './plan/verify.js';
export type {
  VerifySource,
  VerifyReport,
  VerifyFinding,
  VerifyOutput,
  ParseVerifyOptions,
  RunVerifyOptions,
} from './plan/verify.js';
export { parsePlanWords, formatPlan, formatTransition } from './plan/cli.js';
export type { PlanWordFlags } from './plan/cli.js';
export { planDifferences } from './client/pcs-client.js';
export {
  clusterSpecSchema,
  specResourceSchema,
  specPrimitiveSchema,
  specGroupSchema,
  specCloneSchema,
  specRawResourceSchema,
  specOperationSchema,
  specConstraintSchema,
  specLocationSchema,
  specColocationSchema,
  specOrderSchema,
  specTicketSchema,
  specRawConstraintSchema,
  specRuleSchema,
  specExpressionSchema,
  specResourceSetSchema,
  specFencingLevelSchema,
  specAlertSchema,
  specRecipientSchema,
  specNodeSchema,
  specTagSchema,
  specNameValuesSchema,
  specElementIdsSchema,
  specRawElementsSchema,
  specOtherAttributesSchema,
} from './spec/model.js';
export type {
  ClusterSpec,
  SpecResource,
  SpecPrimitive,
  SpecGroup,
  SpecClone,
  SpecRawResource,
  SpecOperation,
  SpecConstraint,
  SpecLocation,
  SpecColocation,
  SpecOrder,
  SpecTicket,
  SpecRule,
  SpecExpression,
  SpecResourceSet,
  SpecFencingLevel,
  SpecAlert,
  SpecRecipient,
  SpecNode,
  SpecTag,
} from './spec/model.js';
export { specFromCib } from './spec/from-cib.js';
export { configurationFromSpec, cibWithConfiguration } from './spec/to-cib.js';
export { diffSpecs, applySpecChanges, formatSpecDiff, withoutOmittedIds, formatFieldPath } from './spec/diff.js';
export type { SpecChange, SpecChangeKind } from './spec/diff.js';
export { flattenSpec, unflattenSpec, operationKey } from './spec/flatten.js';
export type { SpecEntity, SpecEntityKind } from './spec/flatten.js';
export { specProblems, formatSpecPath } from './spec/check.js';
export type { SpecProblem, SpecProblemCode } from './spec/check.js';
export { escapeXmlAttribute } from './spec/xml-writer.js';
export {
  applySpec,
  diffSpec,
  exportSpec,
  cibVersion,
  primitivesWithPaths,
  unintendedLoss,
  SpecError,
} from './spec/apply.js';
export type {
  ApplySpecOptions,
  SpecApplyReport,
  SpecSourceOptions,
  SpecReadOptions,
  CibVersion,
} from './spec/apply.js';
export { parseSpecText, specToYaml } from './spec/yaml.js';
export { readSpecFile, createSpecCommands } from './spec/cli.js';
export { applyWords } from './spec/words.js';
export type { SpecCommandActions } from './spec/cli.js';
export { parseAgentMetadata, parseAgentList } from './agents/metadata.js';
export type { ParseAgentMetadataOptions } from './agents/metadata.js';
export { readAgentMetadata, listAgents } from './agents/read.js';
export type { ReadAgentOptions } from './agents/read.js';
export { checkAgentParameters } from './agents/check.js';
export type { AgentParameterFinding, AgentParameterCode, CheckAgentParametersOptions } from './agents/check.js';
export { parseAgentName, formatAgentName } from './agents/name.js';
export { parsePacemakerBoolean, pacemakerBooleanWords } from './agents/values.js';
export { agentMetadataSchema, agentParameterSchema, agentActionSchema, agentNameSchema } from './agents/model.js';
export type { AgentMetadata, AgentParameter, AgentAction, AgentName } from './agents/model.js';
export { AgentNotFoundError, AgentParameterError } from './agents/errors.js';
export type { CreateResourceOptions } from './client/pcs-client.js';
export { fencerSupplied } from './fencing/validate.js';
export { applyEdits, SpecEditError } from './spec/edits.js';
export type { SpecEdit, SpecValueChanges } from './spec/edits.js';
