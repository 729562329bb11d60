import {
  CommandError,
  escapeForMessage,
  HaError,
  ParseError,
  ServiceUnavailableError,
  type CommandOutcome,
  type HaErrorOptions,
} from '@ha/core';

/**
 * Every `reason` a `ParseError` from this package carries: the text is empty
 * (`EMPTY_INPUT`), not well-formed XML (`MALFORMED_XML`), a tool's `<status
 * code>` that is not a number (`BAD_STATUS_CODE`), XML that is not a status
 * (`NOT_STATUS_XML`), a status without its `<summary>` (`NO_SUMMARY`), XML
 * without a `<constraints>` section (`NO_CONSTRAINTS`), a fencing document
 * (agent list, metadata, history, CIB resources or topology) without the
 * element it must have (`NOT_FENCING_XML`), or one whose content is not what
 * Pacemaker writes: a level index that is no number, a device without agent
 * (`BAD_FENCING_XML`); a CIB whose root is not `<cib>` (`NOT_CIB`), crm_simulate output
 * without its `<cluster_status>` (`NOT_SIMULATION_XML`), a saved scheduler input that is not
 * one (`NOT_SCHEDULER_INPUT`), crm_verify output that is XML but not its `<pacemaker-result>`
 * (`NOT_VERIFY_OUTPUT`), resource-agent metadata or an agent list that is not one (`NOT_AGENT_XML`), a spec file that is not YAML (`MALFORMED_SPEC`).
 */
export type PcsParseReason =
  | 'EMPTY_INPUT'
  | 'MALFORMED_XML'
  | 'BAD_STATUS_CODE'
  | 'NOT_STATUS_XML'
  | 'NO_SUMMARY'
  | 'NO_CONSTRAINTS'
  | 'NOT_FENCING_XML'
  | 'BAD_FENCING_XML'
  | 'NOT_CIB'
  | 'NOT_SIMULATION_XML'
  | 'NOT_SCHEDULER_INPUT'
  | 'NOT_VERIFY_OUTPUT'
  | 'NOT_AGENT_XML'
  | 'MALFORMED_SPEC';

/** A `ParseError` whose reason is one of this package's (the compiler keeps the union closed). */
export function pcsParseError(
  reason: PcsParseReason,
  message: string,
  position: ConstructorParameters<typeof ParseError>[2],
  options: HaErrorOptions = {},
): ParseError {
  return new ParseError(reason, message, position, options);
}

/**
 * Pacemaker is not there to answer: crm_mon could not reach the cluster (not
 * running on this node, still starting, or shutting down: status 102), or
 * pcs says the cluster is not running. `PcsClient.waitFor` keeps polling
 * through it. The message names the tool's first error line and pacemakerd's
 * state when crm_mon told it; the tool's `CommandError` (with its whole
 * output), or its `PacemakerToolError`, is the `cause`.
 */
export function pacemakerUnavailable(
  exitCode: number,
  message: string,
  details: readonly string[],
  options: HaErrorOptions & { pacemakerdState?: string | undefined } = {},
): ServiceUnavailableError {
  const detail = details.find((line) => line.trim().length > 0)?.trim();
  const said = detail === undefined ? '' : ` (${escapeForMessage(detail)})`;
  const state = options.pacemakerdState ? ` [pacemakerd: ${options.pacemakerdState}]` : '';
  return new ServiceUnavailableError('pacemaker', `the cluster is not available: ${message}${said}${state}`, {
    exitCode,
    cause: options.cause,
  });
}

/** True for the error `readClusterStatus` throws when Pacemaker is not there (a `ServiceUnavailableError` for `pacemaker`). */
export function isPacemakerUnavailable(error: unknown): error is ServiceUnavailableError {
  return error instanceof ServiceUnavailableError && error.service === 'pacemaker';
}

/** Status XML of an API version this package cannot vouch for (a future major one). */
export class UnsupportedApiVersionError extends HaError {
  /** The version the document declared (`api-version`, or the legacy `version`); empty when it declared none. */
  readonly version: string;

  constructor(where: string, version: string) {
    super(
      'UNSUPPORTED_VERSION',
      `${where}: unsupported Pacemaker status API version '${version || '(none)'}' (this package reads pacemaker-result 2.x and the legacy crm_mon 1.1 format)`,
    );
    this.version = version;
  }
}

/** What a Pacemaker tool reported inside its XML: `<status code="…" message="…">` and its `<errors>`. */
export interface PacemakerToolReport {
  /** The tool, from the XML's `request` attribute (`crm_mon`), or `undefined` when it names none. */
  tool: string | undefined;
  /** The whole command line the tool echoed in `request`, when it did. */
  request: string | undefined;
  /** `<status code>`: the tool's exit status as it saw it (0 even for some failures, e.g. a missing CIB file). */
  statusCode: number;
  /** `<status message>`: the text of that status (`OK`, `No such object` …). */
  statusMessage: string;
  /** The `<error>` lines, in order. */
  errors: string[];
}

/**
 * A Pacemaker tool (crm_mon, crm_resource, stonith_admin, cibadmin …) said in
 * its XML output that it failed: a non-zero `<status code>`, or `<errors>`.
 * crm_mon does so even with exit status 0 (a missing or invalid CIB file, a
 * CIB it could not reach), so the XML, not the exit status, is the verdict:
 * such a document is never read as a cluster state. The message is the first
 * line of the tool's first error (or its status when it wrote no error), after
 * where the XML came from; every error stays in `errors`.
 *
 * @example
 * // CIB_file=/nonexistent.xml crm_mon --one-shot --output-as=xml (exit status 0)
 * // → PacemakerToolError 'crm_mon (CIB_file=/nonexistent.xml): Could not connect to the CIB: No such device or address'
 * //   { tool: 'crm_mon', statusCode: 0, statusMessage: 'OK', errors: ['Could not connect to the CIB: No such device or address'] }
 */
export class PacemakerToolError extends HaError implements PacemakerToolReport {
  /** Where the XML came from (`crm_mon`, `crm_mon (CIB_file=cib.xml)`, a file name). */
  readonly source: string;
  /** The tool (`crm_mon`), from the XML's `request`. */
  readonly tool: string | undefined;
  /** The command line the tool echoed. */
  readonly request: string | undefined;
  /** `<status code>` (0 even for some failures). */
  readonly statusCode: number;
  /** `<status message>` (`OK`, `No such object`). */
  readonly statusMessage: string;
  /** Every `<error>`, whole, in order. */
  readonly errors: string[];

  constructor(source: string, report: PacemakerToolReport, options: { cause?: unknown } = {}) {
    // An <error> can span lines (crm_resource: "Resource 'x' not found", then "Error performing operation: …"); its first says what.
    const first = report.errors
      .find((error) => error.trim().length > 0)
      ?.trim()
      .split('\n')[0]
      ?.trim();
    const what =
      first ??
      `${report.tool ?? 'the tool'} reported status ${report.statusCode} (${report.statusMessage || 'no message'})`;
    const more =
      report.errors.length > 1
        ? ` (and ${report.errors.length - 1} more error${report.errors.length > 2 ? 's' : ''})`
        : '';
    super('COMMAND_FAILED', `${source}: ${escapeForMessage(what)}${more}`, options);
    this.source = source;
    this.tool = report.tool;
    this.request = report.request;
    this.statusCode = report.statusCode;
    this.statusMessage = report.statusMessage;
    this.errors = [...report.errors];
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
    if (this.pcsErrors.length > 0)
      this.message = `${outcome.command}: ${this.pcsErrors.map((line) => escapeForMessage(line)).join('; ')}`;
  }
}
