import { HaError, type HaErrorOptions } from './ha-error.js';

/** The daemons whose absence ha-toolkit reports as one error. */
export type ServiceName = 'pacemaker' | 'corosync' | 'drbd' | 'haproxy';

/**
 * The daemon (or kernel module) a call needs is not there: Pacemaker not
 * running, corosync's IPC unreachable, the drbd module not loaded. Not a
 * failure of the call itself: callers retry later or report the service down.
 * The tool's own words are in the message, and its `CommandError` is the `cause`.
 */
export class ServiceUnavailableError extends HaError {
  /** Which service is missing. */
  readonly service: ServiceName;
  /** The exit code of the command that found out, when one did. */
  readonly exitCode: number | undefined;

  constructor(service: ServiceName, message: string, options: HaErrorOptions & { exitCode?: number | undefined } = {}) {
    super('SERVICE_UNAVAILABLE', message, options);
    this.service = service;
    this.exitCode = options.exitCode;
  }
}
