import { HaError, ParseError, type HaErrorOptions, type SourcePosition } from '@ha/core';

/** The codes of HAProxy's refusals: `RuntimeCommandError` (`REJECTED`) and its two subclasses. */
export type RuntimeCommandCode = 'REJECTED' | 'PERMISSION_DENIED' | 'UNKNOWN_COMMAND';

/**
 * Every `code` an `HaError` of this package carries. Bad arguments are plain
 * `TypeError`s (a server that is not `BACKEND/SERVER`, a weight out of range).
 */
export type HaproxyRuntimeErrorCode =
  | RuntimeCommandCode
  /** An answer, or a profile file, this package cannot read: a `ParseError` with a `HaproxyRuntimeParseReason`. */
  | 'PARSE_ERROR'
  /** A `SocketError`: no such socket, nothing listening, connection lost. */
  | 'SOCKET_ERROR'
  /** An `UnsafeArgumentError`: a word or payload that would end, split or shift a command. */
  | 'UNSAFE_ARGUMENT'
  /** No answer in time, or a server that did not reach a state in time. */
  | 'TIMEOUT'
  /** No such server or backend (`serverStat`, `rollingRestart`), profile, or profile file. */
  | 'NOT_FOUND'
  /** A command on a closed session. */
  | 'PRECONDITION_FAILED'
  /** An `InputTooLargeError`: a profile file (or `ha-haproxy batch` input) over its size limit. */
  | 'INPUT_TOO_LARGE'
  /** A `CertificateError`: a certificate, key, CA file or CRL refused before anything reached HAProxy. */
  | 'VALIDATION_ERROR'
  /** A replaced certificate's (or crt-list's, CA file's) file could not be written; HAProxy has the old one back. */
  | 'WRITE_FAILED';

/** Every `reason` of the `ParseError`s this package throws. */
export type HaproxyRuntimeParseReason =
  /** `show stat` answer without its `# pxname,…` header. */
  | 'NOT_STAT_OUTPUT'
  /** A `show stat` header that breaks the format's rules (pxname, svname first; a type column; unique names). */
  | 'BAD_STAT_HEADER'
  /** A cell of a numeric `show stat` column that is not a number. */
  | 'NOT_A_NUMBER'
  /** A line of `show stat typed` that is not `F.2.0.4.scur.1:MGP:u32:1`. */
  | 'NOT_A_FIELD_LINE'
  /** A `show info` answer without its `Name` and `Version`, or with a typed field of the wrong type. */
  | 'NOT_INFO_OUTPUT'
  /** A `show servers state` answer without its `# be_id be_name …` header. */
  | 'NO_HEADER'
  /** A row of `show servers state` or `show proc` whose typed fields do not check. */
  | 'BAD_ROW'
  /** A `show proc` answer without the master's line: not the master CLI. */
  | 'NO_MASTER'
  /** A `prepare map|acl` answer without `New version created: N`. */
  | 'NO_MAP_VERSION'
  /** A profile file with a key outside any `[section]`. */
  | 'OUTSIDE_SECTION'
  /** A profile section with an unknown, missing or wrong key. */
  | 'INVALID_PROFILE'
  /** A duration that is not one: a profile's `timeout`, `--timeout`, `--wait-timeout` (core's `parseDuration`). */
  | 'INVALID_DURATION'
  /** A socket address that is not a path, `ipv4@HOST:PORT` or `ipv6@[HOST]:PORT`. */
  | 'INVALID_SOCKET_ADDRESS';

/**
 * HAProxy refused a command (see `classifyAnswer` for how a refusal is told
 * from data). Code `REJECTED`; subclasses for the refusals any command can get.
 */
export class RuntimeCommandError extends HaError {
  /** `REJECTED`, or the subclass's `PERMISSION_DENIED` / `UNKNOWN_COMMAND`. */
  declare readonly code: RuntimeCommandCode;
  /** The command line as it was sent, without the master CLI's `@N ` prefix: `set server web/srv1 weight 5`. */
  readonly command: string;
  /** HAProxy's answer, exactly as it came (without the newlines that end it): `No such server.` */
  readonly response: string;

  /**
   * @param command The command line as sent.
   * @param response HAProxy's answer; its first line goes into the message.
   * @param code `REJECTED` unless a subclass says otherwise.
   */
  constructor(command: string, response: string, code: RuntimeCommandCode = 'REJECTED') {
    super(code, `haproxy refused '${command}': ${firstLine(response) || '(empty answer)'}`);
    this.command = command;
    this.response = response;
  }
}

/** The socket's level (`user`, `operator`) is too low for the command. Code `PERMISSION_DENIED`. */
export class PermissionDeniedError extends RuntimeCommandError {
  /**
   * @param command The command line as sent.
   * @param response HAProxy's answer (`Permission denied`).
   */
  constructor(command: string, response: string) {
    super(command, response, 'PERMISSION_DENIED');
  }
}

/** HAProxy does not know the command. Code `UNKNOWN_COMMAND`. */
export class UnknownCommandError extends RuntimeCommandError {
  /** The commands HAProxy listed instead, with their arguments: `help [<command>]`, `show info [desc|json|typed|float]*` … */
  readonly suggestions: string[];

  /**
   * @param command The command line as sent.
   * @param response HAProxy's answer: `Unknown command…` and the list of commands it offers.
   */
  constructor(command: string, response: string) {
    super(command, response, 'UNKNOWN_COMMAND');
    this.suggestions = response
      .split('\n')
      .slice(1)
      .map(
        (line) =>
          line
            .trim()
            .split(/\s+:\s+/)[0]
            ?.trim() ?? '',
      )
      .filter((line) => line.length > 0);
  }
}

/** Core's `ParseError`, its reason checked against this package's closed list. */
export function runtimeParseError(
  reason: HaproxyRuntimeParseReason,
  message: string,
  position?: SourcePosition | { file?: string | undefined },
  options?: HaErrorOptions,
): ParseError {
  return new ParseError(reason, message, position, options);
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((line) => line.trim().length > 0)
      ?.trim() ?? ''
  );
}
