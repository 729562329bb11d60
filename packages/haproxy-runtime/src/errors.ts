import { HaError, type HaErrorCode } from '@ha/core';

/** HAProxy answered a command with an error. `response` is its text, as sent. */
export class RuntimeCommandError extends HaError {
  readonly command: string;
  readonly response: string;

  constructor(command: string, response: string, code: HaErrorCode = 'REJECTED') {
    super(code, `haproxy refused '${command}': ${firstLine(response) || '(empty answer)'}`);
    this.command = command;
    this.response = response;
  }
}

/** The socket's level (`user`, `operator`) is too low for the command. */
export class PermissionDeniedError extends RuntimeCommandError {
  constructor(command: string, response: string) {
    super(command, response, 'PERMISSION_DENIED');
  }
}

/** HAProxy does not know the command; `suggestions` are the commands it listed instead. */
export class UnknownCommandError extends RuntimeCommandError {
  readonly suggestions: string[];

  constructor(command: string, response: string) {
    super(command, response, 'UNKNOWN_COMMAND');
    this.suggestions = response
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+:\s+/)[0]?.trim() ?? '')
      .filter((line) => line.length > 0);
  }
}

/** Throws the typed error for HAProxy's generic refusals (any command can get them). */
export function throwOnGenericRefusal(command: string, response: string): void {
  if (response.startsWith('Permission denied')) throw new PermissionDeniedError(command, response);
  if (response.startsWith('Unknown command')) throw new UnknownCommandError(command, response);
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim().length > 0)?.trim() ?? '';
}
