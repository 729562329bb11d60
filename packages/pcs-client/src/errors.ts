import { CommandError, HaError, type CommandOutcome } from '@ha/core';

/**
 * crm_mon could not reach the cluster: not running on this node, still
 * starting, or shutting down. `exitCode` is crm_mon's (102: not connected).
 */
export class ClusterUnavailableError extends HaError {
  readonly exitCode: number;
  /** crm_mon's own error lines. */
  readonly details: string[];
  /** pacemakerd's state when crm_mon could tell (`starting_daemons`, `shutting_down` …). */
  readonly pacemakerdState: string | undefined;

  constructor(exitCode: number, message: string, details: readonly string[], pacemakerdState?: string) {
    const detail = details.find((line) => line.trim().length > 0);
    super('CLUSTER_UNAVAILABLE', `the cluster is not available: ${message}${detail ? ` (${detail.trim()})` : ''}${pacemakerdState ? ` [pacemakerd: ${pacemakerdState}]` : ''}`);
    this.exitCode = exitCode;
    this.details = [...details];
    this.pacemakerdState = pacemakerdState;
  }
}

/** Status XML of an API version this package cannot vouch for (a future major one). */
export class UnsupportedApiVersionError extends HaError {
  readonly version: string;

  constructor(where: string, version: string) {
    super('UNSUPPORTED_VERSION', `${where}: unsupported Pacemaker status API version '${version || '(none)'}' (this package reads pacemaker-result 2.x and the legacy crm_mon 1.1 format)`);
    this.version = version;
  }
}

/**
 * pcs refused or failed: the runner's `CommandError` with pcs's own `Error:`
 * lines picked out, so callers can show what pcs said.
 */
export class PcsCommandError extends CommandError {
  /** pcs's error lines (`Error: unable to find resource 'x'`), without the `Error: ` prefix. */
  readonly pcsErrors: string[];

  constructor(outcome: CommandOutcome, options: { cause?: unknown } = {}) {
    super(outcome, options);
    this.pcsErrors = `${outcome.stderr}\n${outcome.stdout}`
      .split('\n')
      .map((line) => /^\s*Error:\s*(.*)$/.exec(line)?.[1]?.trim())
      .filter((line): line is string => line !== undefined && line.length > 0);
    if (this.pcsErrors.length > 0) this.message = `${outcome.command}: ${this.pcsErrors.join('; ')}`;
  }
}
