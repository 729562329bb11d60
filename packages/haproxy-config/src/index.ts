/**
 * @ha/haproxy-config: haproxy.cfg as a lossless document (every byte, comment
 * and unknown directive kept) and a typed view; a builder and edits; our own
 * checks and the real `haproxy -c`; and safe writes (`writeConfig`: lock,
 * stale-read check, our rules, haproxy -c, backup, atomic rename) with
 * `install` on top (reload, confirmation, rollback).
 */
export { parse, safeParse, allLines, CstLine } from './parse/cst.js';
export type { HaproxyDocument, CstSection, CstLineKind, ParseOptions, SafeParseResult } from './parse/cst.js';
export { lexLine, lexValues, decodeWord, encodeWord, expandVariables } from './parse/lexer.js';
export type { CstWord, LexedLine } from './parse/lexer.js';
export { serialize } from './print/serialize.js';
export { format } from './print/format.js';
export { toConfig, effective, parseAddress, parseCondition } from './model/config.js';
export {
  haproxyConfigSchema,
  proxySchema,
  serverSchema,
  serverOptionsSchema,
  bindSchema,
  globalSchema,
  statsSocketSchema,
  otherSectionSchema,
  directiveSchema,
  addressSchema,
  conditionSchema,
  aclSchema,
  ruleSchema,
  useBackendSchema,
} from './model/schema.js';
export type {
  HaproxyConfig,
  ProxySection,
  Server,
  ServerOptions,
  Bind,
  GlobalSettings,
  StatsSocket,
  OtherSection,
  Directive,
  Address,
  Condition,
  Acl,
  Rule,
  UseBackend,
} from './model/schema.js';
export {
  findSection,
  requireSection,
  requireBackend,
  addServer,
  removeServer,
  setServer,
  setDirective,
  removeDirective,
  addSection,
  addBackend,
  routePath,
  addMonitorLog,
} from './edit/edits.js';
export type { ServerSpec, SectionRef, BackendSpec } from './edit/edits.js';
export { ConfigBuilder } from './build/builder.js';
export type {
  GlobalDefinition,
  StatsSocketDefinition,
  DefaultsDefinition,
  TimeoutName,
  FrontendDefinition,
  BindDefinition,
  AclDefinition,
  UseBackendDefinition,
  BackendDefinition,
  HttpCheckDefinition,
  ListenDefinition,
} from './build/builder.js';
export type { ServerDefinition, ServerOptionsDefinition, TimeValue } from './build/server-options.js';
export { logFacilities, logLevels, logFormats } from './build/log-target.js';
export type { LogTarget, LogFacility, LogLevel, LogFormat } from './build/log-target.js';
export { validate } from './validate/rules.js';
export type { ValidateOptions } from './validate/rules.js';
export { checkWithHaproxy, checkFilesWithHaproxy, mapHaproxyOutput } from './validate/haproxy-check.js';
export type { HaproxyCheckOptions } from './validate/haproxy-check.js';
export { readConfig } from './io/read.js';
export type { ReadConfigOptions } from './io/read.js';
export { writeConfig, install } from './io/write.js';
export type { WriteConfigOptions, InstallConfigOptions, InstallReport, ReloadMethod } from './io/write.js';
export { sectionKinds, isSectionKind, isKnownKeyword } from './keywords.js';
export type { SectionKind } from './keywords.js';
export type { HaproxyCode, HaproxyDiagnostic } from './codes.js';
export type { HaproxyParseReason, InstallStage, HaproxyErrorCode } from './errors.js';
export { haproxyConfigTools } from './tools.js';
export { setServerOption, requireServerLine, setDirectiveIn } from './edit/edits.js';
export { applyChange } from './live/apply.js';
export type { ApplyChangeOptions, ApplyReport } from './live/apply.js';
export { describeChange, splitServerPath } from './live/change.js';
export type {
  HaproxyChange,
  HaproxyChangeKind,
  ServerChange,
  PatternChange,
  ServerPath,
  TlsChange,
} from './live/change.js';
export { planServerChange, assertChange, adminStateName } from './live/plan.js';
export type { ChangePlan, PlannedStep, RuntimeStep, ServerSnapshot } from './live/plan.js';
export { planPatternChange, patternFileContent } from './live/pattern-plan.js';
export {
  parsePatternFile,
  printPatternFile,
  patternFileEntries,
  addPatternEntry,
  setPatternEntry,
  deletePatternEntry,
  replacePatternEntries,
  assertPatternWords,
} from './live/pattern-file.js';
export type { PatternFile, PatternFileLine } from './live/pattern-file.js';
export { serverStateFileOf, useServerStateFile, saveServerState } from './live/server-state.js';
export { diffRuntime, compareRuntime, formatDrift } from './live/drift.js';
export type { Drift, RuntimeView, FileView, DiffRuntimeOptions } from './live/drift.js';
export { changeFromWords, changeVerbs } from './live/change-words.js';
export { lineChanges } from './live/line-changes.js';
export type {
  SetWeightChange,
  SetStateChange,
  SetAddressChange,
  SetMaxconnChange,
  SetCheckChange,
  AddServerChange,
  DeleteServerChange,
  MapAddChange,
  MapSetChange,
  MapDeleteChange,
  MapReplaceChange,
  AclAddChange,
  AclDeleteChange,
  AclReplaceChange,
  CertificateChange,
  CrtListAddChange,
  CaFileChange,
  EditChange,
} from './live/change.js';
export type { CommandStep, ReplaceStep } from './live/plan.js';
export type { ServerDrift, SettingDrift, EntryDrift } from './live/drift.js';
