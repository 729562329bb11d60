/**
 * @ha/haproxy-config: haproxy.cfg as a lossless document (every byte, comment
 * and unknown directive kept) and a typed view; a builder and edits; our own
 * checks and the real `haproxy -c`; and a safe install (lock, stale-read
 * check, haproxy -c, backup, atomic rename, reload, rollback).
 */
export { parse, safeParse, allLines, ConfigLine } from './parse/cst.js';
export type { HaproxyDocument, Section, LineKind, ParseOptions } from './parse/cst.js';
export { lexLine, decodeWord, encodeWord, expandVariables } from './parse/lexer.js';
export type { Word, LexedLine } from './parse/lexer.js';
export { loadConfig, configFiles } from './parse/files.js';
export type { LoadConfigOptions } from './parse/files.js';
export { serialize } from './print/serialize.js';
export { format } from './print/format.js';
export { toConfig, effective, parseAddress, readCondition, time as parseTime } from './model/build.js';
export type { ToConfigOptions } from './model/build.js';
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
export type { HaproxyConfig, Proxy, Server, ServerOptions, Bind, GlobalSettings, StatsSocket, OtherSection, Directive, Address, Condition, Acl, Rule, UseBackend } from './model/schema.js';
export { findSection, requireBackend, addServer, removeServer, setServer, setDirective, removeDirective, addSection, addBackend, routePath } from './edit/edits.js';
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
export type { HaproxyCheckOptions, HaproxyCheckResult } from './validate/haproxy-check.js';
export { install, readConfigFile, InstallError } from './install.js';
export type { InstallConfigOptions, InstallReport, InstallStage, ReloadMethod, ConfigFile } from './install.js';
export { sectionKinds, isSectionKind, isKnownKeyword } from './keywords.js';
export type { SectionKind } from './keywords.js';
export type { HaproxyCode, HaproxyDiagnostic } from './codes.js';
export { haproxyConfigTools } from './tools.js';
