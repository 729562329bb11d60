import { HaError, type HaErrorOptions } from '../errors/ha-error.js';
import { pickFailureLine } from './failure-line.js';

/** What is known of a finished (or failed) command, good or bad. */
export interface CommandOutcome {
  /** The program, as given (`crm_mon`, `/usr/sbin/haproxy`). */
  file: string;
  /** Its arguments, exactly as passed (never a shell string). */
  args: readonly string[];
  /** `file` and `args` joined for humans, quoted where needed. */
  command: string;
  /** `undefined` when the process was killed by a signal or never ran. */
  exitCode: number | undefined;
  /** The signal that ended the process (`SIGKILL`, `SIGTERM` …); undefined when it exited by itself. */
  signal: string | undefined;
  /** Everything it wrote to standard output, final newline kept; `''` when not captured (`stdio` other than `pipe`, a streamed command). */
  stdout: string;
  /** Everything it wrote to standard error, final newline kept; `''` when not captured. */
  stderr: string;
  /** Killed because it ran past its `timeoutMs`. */
  timedOut: boolean;
  /** Wall time from spawn to exit, in ms (0 when it never started). */
  durationMs: number;
}

/** A command exited non-zero, was killed, or timed out. */
export class CommandError extends HaError implements CommandOutcome {
  readonly file: string;
  readonly args: readonly string[];
  readonly command: string;
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly durationMs: number;

  constructor(outcome: CommandOutcome, options: HaErrorOptions = {}) {
    super(outcome.timedOut ? 'COMMAND_TIMED_OUT' : 'COMMAND_FAILED', describeFailure(outcome), options);
    this.file = outcome.file;
    this.args = outcome.args;
    this.command = outcome.command;
    this.exitCode = outcome.exitCode;
    this.signal = outcome.signal;
    this.stdout = outcome.stdout;
    this.stderr = outcome.stderr;
    this.timedOut = outcome.timedOut;
    this.durationMs = outcome.durationMs;
  }
}

/** The program is not installed (or not on PATH). */
export class ToolNotFoundError extends HaError {
  /** The program that could not be started (`pcs`, or the wrapper such as `nsenter` when that is what is missing). */
  readonly file: string;
  /** The arguments it would have had. */
  readonly args: readonly string[];
  /** The whole command as it would have run, quoted for humans (with the runner's label, if any). */
  readonly command: string;

  constructor(file: string, args: readonly string[], command: string, options: HaErrorOptions = {}) {
    super('TOOL_NOT_FOUND', `${file}: command not found (is it installed and on PATH?)`, options);
    this.file = file;
    this.args = args;
    this.command = command;
  }
}

function describeFailure(outcome: CommandOutcome): string {
  const how = outcome.timedOut
    ? `timed out after ${Math.round(outcome.durationMs)} ms`
    : outcome.signal !== undefined
      ? `was killed by ${outcome.signal}`
      : `exited with code ${outcome.exitCode ?? 'unknown'}`;
  const detail = pickFailureLine(outcome.stderr, outcome.stdout);
  return `${outcome.command} ${how}${detail === undefined ? '' : `: ${detail}`}`;
}
