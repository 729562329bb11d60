/**
 * @ha/core: what every ha-toolkit package shares. One way to run a command,
 * one error vocabulary, positions and diagnostics for parsers, atomic and
 * reversible file installs, zod helpers, and CLI plumbing.
 */
export {
  HaError,
  isHaError,
  ParseError,
  ValidationError,
  UnsafeArgumentError,
  SocketError,
  UsageError,
  InputTooLargeError,
  formatPosition,
} from './errors/ha-error.js';
export type { HaErrorCode, HaErrorOptions, SourcePosition, ValidationIssue } from './errors/ha-error.js';
export { ConfigRejectedError } from './errors/config-rejected.js';
export type { ConfigStage } from './errors/config-rejected.js';
export { ServiceUnavailableError } from './errors/service-unavailable.js';
export type { ServiceName } from './errors/service-unavailable.js';

export { CommandError, ToolNotFoundError } from './run/command-error.js';
export { pickFailureLine, escapeForMessage } from './run/failure-line.js';
export type { CommandOutcome } from './run/command-error.js';
export { createRunner, defaultRunner, assertSafeCommand, formatCommand } from './run/runner.js';
export type {
  Runner,
  RunnerOptions,
  RunOptions,
  CommandResult,
  CommandWrapper,
  DetachedOptions,
  DetachedProcess,
  StdioMode,
  StreamOptions,
  StreamingProcess,
} from './run/runner.js';

export { LineCounter } from './text/line-counter.js';
export { parseDuration, safeParseDuration, formatDuration } from './text/duration.js';
export type { DurationOptions } from './text/duration.js';
export { parseInteger, safeParseInteger } from './text/integer.js';
export type { IntegerOptions } from './text/integer.js';
export type { LinePosition, LineCounterOptions } from './text/line-counter.js';
export {
  createDiagnostic,
  formatDiagnostic,
  prettifyDiagnostic,
  hasErrors,
  parseErrorFromDiagnostic,
  throwOnErrors,
} from './diagnostics/diagnostic.js';
export type { Diagnostic, Severity, SourceRange } from './diagnostics/diagnostic.js';
export { DiagnosticCollector, foldDiagnostics, DEFAULT_KEEP_PER_CODE } from './diagnostics/fold.js';
export type { CheckResult } from './diagnostics/check-result.js';
export { evaluateHealthFindings } from './diagnostics/health.js';
export type { Health, HealthReason } from './diagnostics/health.js';

export { writeFileAtomic, installFile, sha256 } from './fs/atomic-write.js';
export { readTextFile, readTextFileWithHash, assertInputSize, DEFAULT_MAX_INPUT_BYTES } from './fs/read.js';
export type { ReadTextFileOptions } from './fs/read.js';
export { withFileLock } from './fs/lock.js';
export type { ConfigFile, ReadConfigResult, ConfigWriteOptions } from './fs/config-file.js';
export type { FileLockOptions } from './fs/lock.js';
export type { FileAttributes, InstallOptions, InstallResult } from './fs/atomic-write.js';

export { parseWithSchema, safeParseWithSchema, toValidationIssues } from './schema/zod.js';
export type { SafeResult } from './schema/zod.js';

export { defineCliCommand, runCli, runCliCaptured, runCliMain, describeError, processIo } from './cli/cli.js';
export type { CliCommand, CliContext, CliIo } from './cli/cli.js';

export { detectToolVersion, parseToolVersion } from './tools/tool-version.js';
export { toolVersionSchema } from './tools/tool-version-schema.js';
export type { ToolSpec, ToolVersion } from './tools/tool-version.js';
export { createToolsCommand, createPackageCli } from './tools/tools-command.js';
export { createFmtCommand } from './cli/fmt-command.js';
export { reportFindings } from './cli/findings.js';
export { maxBytesArg, parseMaxBytes } from './cli/max-bytes.js';
export { jsonArg, toJson, printJson } from './cli/json.js';
export type { PackageCliOptions } from './tools/tools-command.js';
