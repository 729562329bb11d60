/**
 * The one error vocabulary of ha-toolkit. Every package throws these (or
 * subclasses that add fields), so callers branch on `code` or `instanceof`
 * and never on message text.
 */

/** Every code an `HaError` can carry. Closed: add here, not ad hoc. */
export type HaErrorCode =
  | 'PARSE_ERROR'
  | 'VALIDATION_ERROR'
  | 'COMMAND_FAILED'
  | 'COMMAND_TIMED_OUT'
  | 'TOOL_NOT_FOUND'
  | 'UNSAFE_ARGUMENT'
  | 'SOCKET_ERROR'
  | 'PROTOCOL_ERROR'
  | 'REJECTED'
  | 'PERMISSION_DENIED'
  | 'UNKNOWN_COMMAND'
  | 'SERVICE_UNAVAILABLE'
  | 'CONFIG_REJECTED'
  | 'UNSUPPORTED_VERSION'
  | 'WRITE_FAILED'
  | 'USAGE_ERROR'
  | 'NOT_FOUND'
  | 'PRECONDITION_FAILED'
  | 'INPUT_TOO_LARGE'
  | 'TIMEOUT';

// A brand survives duplicated copies of this package in one dependency tree,
// where `instanceof` would not.
const brand = Symbol.for('ha-toolkit.HaError');

/** Options every `HaError` constructor accepts. */
export interface HaErrorOptions {
  /** The lower-level error this one wraps. */
  cause?: unknown;
}

/** Base class of every error ha-toolkit throws on purpose. */
export class HaError extends Error {
  /** Stable machine-readable identity of the failure. */
  readonly code: HaErrorCode;
  readonly [brand] = true;

  constructor(code: HaErrorCode, message: string, options: HaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }
}

/** True for any `HaError`, including one from another copy of this package. */
export function isHaError(value: unknown): value is HaError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/** Position of a problem in a source file, 1-based. */
export interface SourcePosition {
  /** Path of the file as the caller named it; undefined for text that came from no file (a string, stdin). */
  file?: string | undefined;
  /** 1-based line number. */
  line: number;
  /** 1-based column, counted in UTF-16 code units from the start of the line. */
  column: number;
}

/**
 * A config or output could not be parsed. Names the file, line and column when
 * the problem has a place; a whole input that is not what was expected ("not
 * drbdadm status output", a duration that is not one) may have only a file, or nothing.
 */
export class ParseError<Reason extends string = string> extends HaError {
  /** The file that failed to parse; undefined when the text came from no file. */
  readonly file: string | undefined;
  /** 1-based line of the problem; undefined when it has no one place. */
  readonly line: number | undefined;
  /** 1-based column of the problem; undefined when it has no one place. */
  readonly column: number | undefined;
  /** The parser's own code for this problem (a package's closed union of diagnostic codes). */
  readonly reason: Reason;
  /** The message without its position: for a caller that re-raises it with more words. */
  readonly detail: string;

  constructor(
    reason: Reason,
    message: string,
    position: SourcePosition | { file?: string | undefined } = {},
    options: HaErrorOptions = {},
  ) {
    const placed = 'line' in position ? position : undefined;
    const where = placed ? formatPosition(placed) : position.file;
    super('PARSE_ERROR', where === undefined ? message : `${where}: ${message}`, options);
    this.reason = reason;
    this.detail = message;
    this.file = position.file;
    this.line = placed?.line;
    this.column = placed?.column;
  }
}

/** One problem found by a schema, with the path into the data. */
export interface ValidationIssue {
  /** Keys and array indexes from the root of the data to the bad value, e.g. `['nodes', 2, 'name']`; empty for the root. */
  path: (string | number)[];
  /** The schema's code for the problem (zod's issue code, e.g. `invalid_type`). */
  code: string;
  /** What is wrong, in words, without the path. */
  message: string;
}

/** Data crossing a boundary did not match its schema. */
export class ValidationError extends HaError {
  /** Every problem found, in the schema's order; the message names only the first. */
  readonly issues: ValidationIssue[];
  /** What was being validated ("crm_mon XML", "lab state"), for the message. */
  readonly subject: string;

  /** `message` replaces the default one (`invalid SUBJECT at PATH: …`) when the caller words the first issue better. */
  constructor(subject: string, issues: ValidationIssue[], options: HaErrorOptions & { message?: string } = {}) {
    const first = issues[0];
    const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(
      'VALIDATION_ERROR',
      options.message ?? `invalid ${subject}${where}: ${first?.message ?? 'unknown problem'}${more}`,
      options,
    );
    this.subject = subject;
    this.issues = issues;
  }
}

/** A value that would be spliced into a command or protocol line was refused. */
export class UnsafeArgumentError extends HaError {
  /** The refused value, as it was given (escape it before printing: it may hold control characters). */
  readonly value: string;

  constructor(message: string, value: string) {
    super('UNSAFE_ARGUMENT', message);
    this.value = value;
  }
}

/** A socket could not be reached, or failed mid-conversation. */
export class SocketError extends HaError {
  /** The socket as it was addressed: a Unix socket path or `host:port`; the message starts with it. */
  readonly address: string;
  /** The system error code (`ENOENT`, `ECONNREFUSED` …) when there is one. */
  readonly systemCode: string | undefined;

  constructor(address: string, message: string, options: HaErrorOptions & { systemCode?: string } = {}) {
    super('SOCKET_ERROR', `${address}: ${message}`, options);
    this.address = address;
    this.systemCode = options.systemCode;
  }
}

/** The CLI was called wrongly. CLIs map it to exit code 2. */
export class UsageError extends HaError {
  constructor(message: string, options: HaErrorOptions = {}) {
    super('USAGE_ERROR', message, options);
  }
}

/** Renders `file:line:column` (`<input>:line:column` without a file). */
export function formatPosition(position: SourcePosition): string {
  return `${position.file ?? '<input>'}:${position.line}:${position.column}`;
}

/**
 * An input is larger than the limit its reader accepts. Every reader has one, so a
 * wrong file (a disk image, a log) is refused at once instead of exhausting memory.
 */
export class InputTooLargeError extends HaError {
  /** The file, or what the text was (`standard input`). */
  readonly source: string;
  /** Its size in bytes (at least this many when it was read as a stream). */
  readonly size: number;
  /** The limit in force, in bytes. */
  readonly limit: number;

  constructor(source: string, size: number, limit: number, options: HaErrorOptions & { hint?: string } = {}) {
    const hint = options.hint ?? 'raise it with the maxBytes option (--max-bytes in the CLIs)';
    super(
      'INPUT_TOO_LARGE',
      `${source}: ${size.toLocaleString('en-US')} bytes is more than the limit of ${limit.toLocaleString('en-US')} bytes (${hint})`,
      options,
    );
    this.source = source;
    this.size = size;
    this.limit = limit;
  }
}
