import { HaError, type HaErrorCode } from '@ha/core';

/**
 * HAProxy refused a command (see `classifyAnswer` for how a refusal is told
 * from data). Code `REJECTED`; subclasses for the refusals any command can get.
 */
export class RuntimeCommandError extends HaError {
  /** The command line as it was sent, without the master CLI's `@N ` prefix: `set server web/srv1 weight 5`. */
  readonly command: string;
  /** HAProxy's answer, exactly as it came (without the newlines that end it): `No such server.` */
  readonly response: string;

  /**
   * @param command The command line as sent.
   * @param response HAProxy's answer; its first line goes into the message.
   * @param code `REJECTED` unless a subclass says otherwise.
   */
  constructor(command: string, response: string, code: HaErrorCode = 'REJECTED') {
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
      .map((line) => line.trim().split(/\s+:\s+/)[0]?.trim() ?? '')
      .filter((line) => line.length > 0);
  }
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim().length > 0)?.trim() ?? '';
}
