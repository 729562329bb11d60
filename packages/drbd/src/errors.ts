import { CommandError, ParseError, ServiceUnavailableError, type HaErrorOptions, type SourcePosition } from '@ha/core';
import type { DrbdStatusParseReason } from './codes.js';

/**
 * The errors @ha/drbd throws, all core's: `ParseError` (a syntax error, or a
 * text that is not a DRBD status; `reason` a `DrbdParseReason`),
 * `ConfigRejectedError` (`writeConfig` refused a file, with the findings),
 * `ServiceUnavailableError` with `service: 'drbd'` (the kernel module is not
 * there), `CommandError` (drbdadm or drbdsetup failed otherwise),
 * `UnsafeArgumentError` (a name that would be spliced into a command) and
 * `TypeError` (a bad argument).
 */

/** A `ParseError` for a status text that is not what it should be; the reason is one of the package's closed union. */
export function statusParseError(
  reason: DrbdStatusParseReason,
  message: string,
  position: SourcePosition | { file?: string | undefined } = {},
  options: HaErrorOptions = {},
): ParseError<DrbdStatusParseReason> {
  return new ParseError(reason, message, position, options);
}

// What drbdsetup prints when it cannot reach the module (it tries to load it first), and what
// drbdadm says of a drbdsetup child that exited 20. Not among them: drbdadm's `modinfo: ERROR:
// Module drbd not found.` (printed on every run without the module, a dry run that works
// included), nor a drbdmeta that exited 20 (`open(/dev/sdb1) failed`: a missing disk).
const unavailableOutput = new RegExp(
  [
    'Failed to modprobe drbd',
    '^modprobe: FATAL: Module drbd not found',
    "Could not connect to 'drbd' generic netlink family",
    "^Command 'drbdsetup[^']*' terminated with exit code 20$",
  ].join('|'),
  'm',
);

/**
 * The `ServiceUnavailableError` (service `drbd`) a failed drbdsetup or
 * drbdadm run stands for, or undefined when it failed for another reason (a
 * timeout, a refusal, a missing program). The `CommandError` is its `cause`.
 */
export function drbdUnavailableFrom(error: unknown): ServiceUnavailableError | undefined {
  if (!(error instanceof CommandError) || error.timedOut) return undefined;
  // drbdsetup exits 20 when it cannot talk to the module, whatever it printed.
  const isDrbdsetup = /(^|\/)drbdsetup(-\d+)?$/.test(error.file);
  if (!unavailableOutput.test(error.stderr) && !(isDrbdsetup && error.exitCode === 20)) return undefined;
  return new ServiceUnavailableError(
    'drbd',
    `DRBD is not available here: the drbd kernel module is not loaded (${error.message})`,
    { exitCode: error.exitCode, cause: error },
  );
}
