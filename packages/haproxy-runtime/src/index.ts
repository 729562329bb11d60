/**
 * @ha/haproxy-runtime: a typed, pipelined client of HAProxy's Runtime API
 * (stats socket) and master CLI, with the parsers of what they print.
 */
export { HaproxyRuntime, splitServer } from './client.js';
export { classifyAnswer } from './classify-answer.js';
export type { RuntimeOptions, ServerRef, BatchResult, ServerAdminState, WaitOptions } from './client.js';
export { HaproxyMaster } from './master.js';
export type { ReloadResult } from './master.js';
export { RuntimeCommandError, PermissionDeniedError, UnknownCommandError } from './errors.js';
export type { RuntimeCommandCode, HaproxyRuntimeErrorCode, HaproxyRuntimeParseReason } from './errors.js';
export { parseStatCsv, parseStatTyped, statFilterWords } from './parse/stat.js';
export type { StatRow, StatRowKind, StatFilter, TypedStatField } from './parse/stat.js';
export { summarizeStat, parseServerStatus, haproxyHealthStates } from './model/overview.js';
export { printStatJson, StatJsonPrinter } from './print/stat-json.js';
export type {
  StatOverview,
  FrontendOverview,
  BackendOverview,
  ServerOverview,
  ServerStatus,
  ServerStateName,
  HaproxyHealth,
  HaproxyHealthState,
  HaproxyHealthCode,
  HaproxyHealthReason,
} from './model/overview.js';
export { parseProfiles, loadProfile, defaultProfilePaths, defaultSocket } from './profile.js';
export type { ConnectionProfile, ProfileQuery } from './profile.js';
export {
  parseInfo,
  parseEnv,
  parseColonLines,
  parseServersState,
  parseProc,
  parseMapList,
  parseMapEntries,
  parseTableList,
  parseTableEntries,
  infoSchema,
  serverStateSchema,
  processSchema,
  serverOperationalStates,
} from './parse/dumps.js';
export type {
  HaproxyInfo,
  ServerState,
  HaproxyProcess,
  MapDescriptor,
  MapEntry,
  TableDescriptor,
} from './parse/dumps.js';
export { parseSocketAddress, formatSocketAddress } from './transport/address.js';
export type { SocketAddress } from './transport/address.js';
export { buildCommandLine, assertSingleCommand, assertPayload } from './transport/command-line.js';
export type { CommandWord } from './transport/command-line.js';
export { RuntimeSession } from './transport/session.js';
export type { SessionOptions } from './transport/session.js';
export { haproxyRuntimeTools } from './tools.js';
export {
  parseCertificateList,
  parseCertificateDetail,
  parseCaFileDetail,
  parseCrtLists,
  parseCrtListEntries,
  parseOpensslDate,
  certificateDetailSchema,
} from './ssl/certificates.js';
export type { CertificateList, CertificateDetail, ChainCertificate, CrtListEntry } from './ssl/certificates.js';
export { CertificateError } from './ssl/errors.js';
export type { CertificateProblem, CertificateParseReason } from './ssl/errors.js';
export { checkCertificate, checkCaFile, splitPem } from './ssl/pem.js';
export type { CheckedCertificate, CertificateCheckOptions, PemBlock } from './ssl/pem.js';
export { replaceCertificate, addToCrtList, replaceCaFile, crtListLine, formatCrtListLine } from './ssl/replace.js';
export type {
  SslCommandRunner,
  LoadedCertificate,
  PersistOptions,
  ReplaceCertificateOptions,
  ReplaceCertificateResult,
  AddToCrtListOptions,
} from './ssl/replace.js';
