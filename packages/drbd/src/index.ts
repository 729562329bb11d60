/**
 * @ha/drbd: DRBD resource files as lossless documents and a typed view, a
 * builder and edits, a formatter, our checks and the real drbdadm's, atomic
 * writes, a typed drbdadm with dry runs, and replication status (drbdsetup
 * JSON, drbdadm status text, /proc/drbd of 8.4, the events2 stream) with one
 * health verdict.
 */
export { parse, safeParse, wordsOf, positionIn } from './parse/cst.js';
export type {
  DrbdDocument,
  CstNode,
  CstBlock,
  CstStatement,
  CstToken,
  CstWord,
  ParseOptions,
  DrbdParseResult,
} from './parse/cst.js';
export { serialize } from './print/serialize.js';
export { format } from './print/format.js';
export {
  toConfig,
  parseDrbdAddress,
  drbdConfigSchema,
  resourceSchema,
  hostSchema,
  volumeSchema,
  connectionSchema,
  addressSchema,
} from './model/config.js';
export type {
  DrbdConfig,
  DrbdResource,
  DrbdHost,
  DrbdVolume,
  DrbdConnection,
  DrbdAddress,
  DrbdOptions,
} from './model/config.js';
export { buildResource } from './build/builder.js';
export type { ResourceSpec, NodeSpec, VolumeSpec, SplitBrainPolicy } from './build/builder.js';
export { findResource, requireResource, setResourceOption, addHost, removeHost } from './edit/edits.js';
export { readConfig } from './io/read.js';
export type { ReadConfigOptions, DrbdReadResult } from './io/read.js';
export { writeConfig } from './io/write.js';
export type { WriteConfigOptions } from './io/write.js';
export { validate, effectiveVolumes } from './validate/rules.js';
export type { ValidateOptions } from './validate/rules.js';
export {
  checkWithDrbdadm,
  checkFileWithDrbdadm,
  mapDrbdadmOutput,
  drbdadmEnvironment,
} from './validate/drbdadm-check.js';
export type { DrbdadmCheckOptions } from './validate/drbdadm-check.js';
export { Drbdadm, parsePlannedCommands } from './commands/drbdadm.js';
export type { DrbdadmOptions, DrbdadmResult, DrbdadmVerb, PlannedCommand } from './commands/drbdadm.js';
export {
  drbdStatusSchema,
  resourceStatusSchema,
  deviceStatusSchema,
  connectionStatusSchema,
  peerDeviceStatusSchema,
  pathStatusSchema,
  counterSchema,
  syncingStates,
  drbdRoles,
  diskStates,
  connectionStates,
  replicationStates,
} from './status/model.js';
export type {
  DrbdStatus,
  ResourceStatus,
  DeviceStatus,
  ConnectionStatus,
  PeerDeviceStatus,
  PathStatus,
  Counter,
  DrbdStatusParseOptions,
} from './status/model.js';
export { parseDrbdsetupJson, parseJsonPrecise } from './status/json.js';
export { parseDrbdadmStatus, parseCounter } from './status/text.js';
export { parseProcDrbd } from './status/proc.js';
export { evaluateDrbdHealth, resourceHealth, drbdHealthStates, healthCodeStates } from './status/health.js';
export type { DrbdHealth, DrbdHealthState, DrbdHealthReason, ResourceHealth } from './status/health.js';
export {
  parseEvents2Line,
  parseEvents2Text,
  parseEvents2Stream,
  watchEvents2,
  Events2Tracker,
} from './status/events2.js';
export type {
  Events2Event,
  Events2Item,
  Events2Object,
  Events2Verb,
  Events2Warning,
  WatchEvents2Options,
} from './status/events2.js';
export { readDrbdStatus, readDrbdStatusFile, parseDrbdStatusText } from './status/read.js';
export type { ReadDrbdStatusOptions } from './status/read.js';
export type {
  DrbdCode,
  DrbdDiagnostic,
  DrbdSyntaxCode,
  DrbdHealthCode,
  DrbdParseReason,
  DrbdStatusParseReason,
} from './codes.js';
export { drbdTools } from './tools.js';
