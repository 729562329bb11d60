import {
  CommandError,
  defaultRunner,
  formatPosition,
  ParseError,
  pickFailureLine,
  readTextFile,
  type Runner,
} from '@ha/core';
import { isPacemakerUnavailable, pacemakerUnavailable, PacemakerToolError } from '../errors.js';
import type { ClusterStatus } from './model.js';
import { parseClusterStatus } from './parse.js';

/**
 * Where a status comes from. `live` runs crm_mon directly (fast, and no pcsd:
 * pcs goes through pcsd, which hangs on sick nodes); `pcs` runs `pcs status
 * xml`; `xml-file` reads a saved crm_mon or `pcs status xml` output;
 * `cib-file` has the real crm_mon render a saved CIB (`CIB_file=…`), so
 * status works offline.
 *
 * @example { kind: 'cib-file', path: '/var/lib/pacemaker/cib/cib.xml' }
 */
export type StatusSource =
  | {
      /** crm_mon on the runner's node. */
      kind: 'live';
    }
  | {
      /** `pcs status xml`. */
      kind: 'pcs';
    }
  | {
      /** A saved status. */
      kind: 'xml-file';
      /** A saved `crm_mon --output-as=xml` or `pcs status xml` output. */
      path: string;
    }
  | {
      /** A saved CIB, rendered by crm_mon. */
      kind: 'cib-file';
      /** A saved CIB (`cibadmin --query > cib.xml`, or `/var/lib/pacemaker/cib/cib.xml`). */
      path: string;
    };

/** Options of `readClusterStatus` and `readClusterStatusXml`. */
export interface ReadStatusOptions {
  /** Where the status comes from (default `{ kind: 'live' }`). */
  source?: StatusSource | undefined;
  /** Runs crm_mon or pcs (default: this machine; a lab node's runner in tests). */
  runner?: Runner | undefined;
  /** Deadline of the crm_mon or pcs run, ms (default 30 s). */
  timeoutMs?: number | undefined;
  /** Refuse a status larger than this many bytes (`InputTooLargeError`). Default: core's `DEFAULT_MAX_INPUT_BYTES` (16 MiB). */
  maxBytes?: number | undefined;
}

/** The arguments crm_mon gets for a full status: one shot, inactive resources too, XML. */
// --fence-history=3: every fencing, successes included (crm_mon's default, 1, lists only failed and pending ones).
export const crmMonArgs = ['--one-shot', '--inactive', '--fence-history=3', '--output-as=xml'] as const;

// Every option of a read, defaulted once.
type ReadSettings = Required<Pick<ReadStatusOptions, 'source' | 'runner' | 'timeoutMs'>> &
  Pick<ReadStatusOptions, 'maxBytes'>;

function settingsOf(options: ReadStatusOptions): ReadSettings {
  return {
    source: options.source ?? { kind: 'live' },
    runner: options.runner ?? defaultRunner,
    timeoutMs: options.timeoutMs ?? 30_000,
    maxBytes: options.maxBytes,
  };
}

// What a source gave: the XML, and for a tool, its name, its stderr and (when it exited non-zero) the failure.
interface Fetched {
  xml: string;
  origin: string;
  tool: string | undefined;
  stderr: string;
  failure: CommandError | undefined;
}

/**
 * The status XML as text, from any source, with where it came from and its
 * parsed model. The text is only returned when it is a status: the errors are
 * those of `readClusterStatus`.
 */
export async function readClusterStatusXml(
  options: ReadStatusOptions = {},
): Promise<{ xml: string; origin: string; status: ClusterStatus }> {
  const settings = settingsOf(options);
  const fetched = await fetchStatusXml(settings);
  try {
    const status = parseClusterStatus(fetched.xml, { file: fetched.origin, maxBytes: settings.maxBytes });
    // The tool exited non-zero, and its XML reported nothing wrong: the cluster did not answer properly.
    if (fetched.failure) {
      const exitCode = fetched.failure.exitCode ?? 1;
      throw pacemakerUnavailable(exitCode, `${fetched.tool} exited with code ${exitCode}`, lines(fetched.stderr), {
        cause: fetched.failure,
      });
    }
    return { xml: fetched.xml, origin: fetched.origin, status };
  } catch (error) {
    throw explain(error, fetched, settings.source);
  }
}

/**
 * Reads and parses the cluster status. See `StatusSource` for where it can
 * come from. Never a verdict on something that is not a status: crm_mon's
 * reported failures (also with exit status 0: a missing or invalid CIB file)
 * are a `PacemakerToolError`, a cluster crm_mon or pcs cannot reach a
 * `ServiceUnavailableError` (service `pacemaker`), text that is not a status a
 * `ParseError`. A CIB file is never "unavailable": crm_mon's words about it
 * are a `PacemakerToolError`.
 */
export async function readClusterStatus(options: ReadStatusOptions = {}): Promise<ClusterStatus> {
  return (await readClusterStatusXml(options)).status;
}

async function fetchStatusXml({ source, runner, timeoutMs, maxBytes }: ReadSettings): Promise<Fetched> {
  switch (source.kind) {
    case 'xml-file':
      return {
        xml: await readTextFile(source.path, { maxBytes }),
        origin: source.path,
        tool: undefined,
        stderr: '',
        failure: undefined,
      };
    case 'cib-file':
      return runCrmMon(runner, timeoutMs, `crm_mon (CIB_file=${source.path})`, { CIB_file: source.path });
    case 'pcs':
      try {
        const result = await runner.run('pcs', ['status', 'xml'], { timeoutMs });
        return { xml: result.stdout, origin: 'pcs status xml', tool: 'pcs', stderr: result.stderr, failure: undefined };
      } catch (error) {
        // pcs passes on crm_mon's XML of a failure (on its stderr): that XML says what went wrong, as crm_mon's own does.
        const xml =
          error instanceof CommandError && !error.timedOut
            ? [error.stdout, error.stderr].find((text) => text.includes('<pacemaker-result'))
            : undefined;
        if (error instanceof CommandError && xml !== undefined)
          return { xml, origin: 'pcs status xml', tool: 'pcs', stderr: '', failure: error };
        if (
          error instanceof CommandError &&
          /is pacemaker running|not running|Connection refused|Could not connect/i.test(
            `${error.stderr}${error.stdout}`,
          )
        ) {
          throw pacemakerUnavailable(
            error.exitCode ?? 1,
            'pcs status xml failed',
            lines(`${error.stderr}\n${error.stdout}`),
            { cause: error },
          );
        }
        throw error;
      }
    default:
      return runCrmMon(runner, timeoutMs, 'crm_mon');
  }
}

async function runCrmMon(
  runner: Runner,
  timeoutMs: number,
  origin: string,
  env: Record<string, string> = {},
): Promise<Fetched> {
  try {
    const result = await runner.run('crm_mon', [...crmMonArgs], { timeoutMs, env });
    return { xml: result.stdout, origin, tool: 'crm_mon', stderr: result.stderr, failure: undefined };
  } catch (error) {
    // A failing crm_mon still answers in XML (status 102 when the cluster is down …): its XML says what went wrong.
    if (error instanceof CommandError && !error.timedOut && error.stdout.includes('<pacemaker-result'))
      return { xml: error.stdout, origin, tool: 'crm_mon', stderr: error.stderr, failure: error };
    throw error;
  }
}

/** The error to throw for what went wrong with a fetched status, with the tool's words. */
function explain(error: unknown, fetched: Fetched, source: StatusSource): unknown {
  // The non-zero exit of crm_mon, with its whole output, stays reachable.
  if ((error instanceof PacemakerToolError || isPacemakerUnavailable(error)) && fetched.failure)
    error.cause ??= fetched.failure;
  if (error instanceof PacemakerToolError) {
    // Live (crm_mon or pcs), "could not connect to the CIB" is the cluster not answering (the CIB manager down or starting),
    // which waitFor rides out; with CIB_file the same words mean the file is missing or invalid.
    if (
      (source.kind === 'live' || source.kind === 'pcs') &&
      error.errors.some((line) => /^could not connect\b/i.test(line.trim()))
    ) {
      return pacemakerUnavailable(error.statusCode, 'crm_mon could not connect to the CIB', error.errors, {
        cause: error,
      });
    }
    return error;
  }
  // The tool printed something that is not a status (crm_mon: an empty result for a CIB that fails its
  // schema): the reason is on its stderr.
  if (error instanceof ParseError && fetched.tool !== undefined && fetched.stderr.trim() !== '') {
    return withToolWords(error, `${fetched.tool} said: ${pickFailureLine(fetched.stderr, '')}`);
  }
  return error;
}

/** The same `ParseError` (reason, place) with the tool's words after its message; the original is the cause. */
function withToolWords(error: ParseError, words: string): ParseError {
  const placed =
    error.line !== undefined && error.column !== undefined
      ? { file: error.file, line: error.line, column: error.column }
      : undefined;
  const prefix = placed ? formatPosition(placed) : error.file;
  const message = prefix === undefined ? error.message : error.message.slice(prefix.length + 2);
  return new ParseError(error.reason, `${message} (${words})`, placed ?? { file: error.file }, { cause: error });
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim().length > 0);
}
