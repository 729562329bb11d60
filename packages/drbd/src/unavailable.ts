import { CommandError, HaError, type HaErrorOptions } from '@ha/core';

/**
 * drbdsetup (or drbdadm, through it) could not reach DRBD: the kernel module
 * is not loaded and cannot be. The tool's own words are in the message, and
 * its `CommandError` (whole output) is the `cause`.
 */
export class DrbdUnavailableError extends HaError {
  /** The exit code of the command that found out: drbdsetup's is 20; drbdadm passes it on, or exits 1. */
  readonly exitCode: number | undefined;

  constructor(message: string, exitCode: number | undefined, options: HaErrorOptions = {}) {
    super('CLUSTER_UNAVAILABLE', message, options);
    this.exitCode = exitCode;
  }
}

// What drbdsetup prints when it cannot reach the module (it tries to load it first), and what
// drbdadm says of a drbdsetup child that exited 20. Not among them: drbdadm's `modinfo: ERROR:
// Module drbd not found.` (printed on every run without the module, a dry run that works
// included), nor a drbdmeta that exited 20 (`open(/dev/sdb1) failed`: a missing disk).
const unavailableOutput = /Failed to modprobe drbd|^modprobe: FATAL: Module drbd not found|Could not connect to 'drbd' generic netlink family|^Command 'drbdsetup[^']*' terminated with exit code 20$/m;

/**
 * The `DrbdUnavailableError` a failed drbdsetup or drbdadm run stands for,
 * or undefined when it failed for another reason (a timeout, a refusal, a
 * missing program).
 */
export function drbdUnavailableFrom(error: unknown): DrbdUnavailableError | undefined {
  if (!(error instanceof CommandError) || error.timedOut) return undefined;
  // drbdsetup exits 20 when it cannot talk to the module, whatever it printed.
  const isDrbdsetup = /(^|\/)drbdsetup(-\d+)?$/.test(error.file);
  if (!unavailableOutput.test(error.stderr) && !(isDrbdsetup && error.exitCode === 20)) return undefined;
  return new DrbdUnavailableError(`DRBD is not available here: the drbd kernel module is not loaded (${error.message})`, error.exitCode, { cause: error });
}
