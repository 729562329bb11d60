/**
 * @ha/corosync-config: corosync.conf as a lossless document and a typed view;
 * generation as pcs writes it; validation (our rules and the real
 * `corosync -t`); atomic, checked writes; and the ring and quorum status of a node.
 */
export { parse, safeParse } from './parse/cst.js';
export type {
  CorosyncDocument,
  CorosyncParseResult,
  CstNode,
  CstPair,
  CstSection,
  CstTrivia,
  CstLine,
  CstLineKind,
  ParseOptions,
} from './parse/cst.js';
export { serialize } from './print/serialize.js';
export { format } from './print/format.js';
export { toConfig, corosyncConfigSchema, nodeSchema, interfaceSchema } from './model/config.js';
export type { CorosyncConfig, CorosyncNode } from './model/config.js';
export {
  setOption,
  removeOption,
  addNode,
  removeNode,
  renameNode,
  addLink,
  setQuorum,
  migrateToKnet,
} from './edit/edits.js';
export type { NewNode, NewLink, QuorumSettings } from './edit/edits.js';
export { generate } from './build/generate.js';
export type { GenerateOptions, GenerateNode, LinkOptions } from './build/generate.js';
export { validate } from './validate/rules.js';
export type { ValidateOptions } from './validate/rules.js';
export { checkWithCorosync, mapCorosyncOutput, localIdentity, belongsToHost } from './validate/corosync-check.js';
export type { CorosyncCheckOptions, HostIdentity } from './validate/corosync-check.js';
export { readConfig } from './io/read.js';
export type { ReadConfigOptions } from './io/read.js';
export { writeConfig } from './io/write.js';
export type { WriteConfigOptions } from './io/write.js';
export {
  parseCfgtoolStatus,
  parseQuorumtoolStatus,
  parseCmapctl,
  ringStatusSchema,
  quorumStatusSchema,
  linkPeerSchema,
} from './status/parse-status.js';
export type { RingStatus, QuorumStatus, CmapEntry, StatusParseOptions } from './status/parse-status.js';
export { readCorosyncStatus } from './status/read-status.js';
export type { CorosyncStatus, LinkState } from './status/read-status.js';
export { evaluateCorosyncHealth } from './status/health.js';
export type { CorosyncHealth } from './status/health.js';
export type { CorosyncCode, CorosyncDiagnostic, CorosyncHealthCode, CorosyncHealthState } from './codes.js';
export { corosyncTools } from './tools.js';
