import type { ConfigStage, HaErrorCode } from '@ha/core';
import type { HaproxyCode } from './codes.js';

/**
 * The errors of @ha/haproxy-config are @ha/core's; this names which of them
 * it throws, and with what, as closed unions callers can switch on:
 *
 * - `ParseError` (`parse`, `readConfig`, `ConfigBuilder.toDocument`): its `reason` is a `HaproxyParseReason`;
 * - `ConfigRejectedError<HaproxyCode>` (`writeConfig`, `install`): its `stage` is an `InstallStage` (or `activate`
 *   when a `writeConfig` `activate` of yours throws something else), its `findings` are `HaproxyDiagnostic`s;
 * - `HaError` with a `HaproxyErrorCode` for the rest (a missing section, a file that cannot be written …);
 * - `TypeError` for an argument that cannot be right (a server name with a blank, an empty reload command).
 */

/** The `reason` of a `ParseError` from this package: the syntax error the parser found first. */
export type HaproxyParseReason = Extract<
  HaproxyCode,
  | 'UNTERMINATED_QUOTE'
  | 'BINARY_CONTENT'
  | 'DIRECTIVE_OUTSIDE_SECTION'
  | 'UNMATCHED_CONDITIONAL'
  | 'UNTERMINATED_CONDITIONAL'
>;

/** Where `install` (and `writeConfig`, before `reload`) stops when the change is refused: a `ConfigRejectedError`'s `stage`. */
export type InstallStage = Extract<ConfigStage, 'stale' | 'lock' | 'validate' | 'check' | 'reload' | 'confirm'>;

/**
 * The `code` of every `HaError` this package throws: its own (`PARSE_ERROR`,
 * `CONFIG_REJECTED`, `NOT_FOUND` for a missing section, server or file,
 * `PRECONDITION_FAILED` for a name already taken, `WRITE_FAILED`) and those
 * of @ha/core it passes on (`TOOL_NOT_FOUND` and `COMMAND_TIMED_OUT` from
 * `haproxy -c`, `INPUT_TOO_LARGE` from a reader, `VALIDATION_ERROR` from the
 * typed view's schema). A failed reload is the `cause` of a
 * `ConfigRejectedError` at stage `reload`, whatever its own code.
 */
export type HaproxyErrorCode = Extract<
  HaErrorCode,
  | 'PARSE_ERROR'
  | 'CONFIG_REJECTED'
  | 'NOT_FOUND'
  | 'PRECONDITION_FAILED'
  | 'WRITE_FAILED'
  | 'TOOL_NOT_FOUND'
  | 'COMMAND_TIMED_OUT'
  | 'INPUT_TOO_LARGE'
  | 'VALIDATION_ERROR'
>;
