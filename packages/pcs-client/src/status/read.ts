import { CommandError, defaultRunner, formatPosition, ParseError, pickFailureLine, readTextFile, type Runner } from '@ha/core';
import { ClusterUnavailableError, PacemakerToolError } from '../errors.js';
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
export const crmMonArgs = ['--one-shot', '--inactive', '--output-as=xml'] as const;

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
export async function readClusterStatusXml(options: ReadStatusOptions = {}): Promise<{ xml: string; origin: string; status: ClusterStatus }> {
  const source = options.source ?? { kind: 'live' };
  const fetched = await fetchStatusXml(source, options);
  try {
    const status = parseClusterStatus(fetched.xml, { file: fetched.origin, maxBytes: options.maxBytes });
    // crm_mon exited non-zero, and its XML reported nothing wrong: the cluster did not answer properly.
    if (fetched.failure) {
      throw new ClusterUnavailableError(fetched.failure.exitCode ?? 1, `crm_mon exited with code ${fetched.failure.exitCode}`, fetched.stderr.split('\n').filter((line) => line.trim().length > 0), undefined, { cause: fetched.failure });
    }
    return { xml: fetched.xml, origin: fetched.origin, status };
  } catch (error) {
    throw explain(error, fetched, source);
  }
}

/**
 * Reads and parses the cluster status. See `StatusSource` for where it can
 * come from. Never a verdict on something that is not a status: crm_mon's
 * reported failures (also with exit status 0: a missing or invalid CIB file)
 * are a `PacemakerToolError`, a cluster crm_mon cannot reach a
 * `ClusterUnavailableError`, text that is not a status a `ParseError`.
 */
export async function readClusterStatus(options: ReadStatusOptions = {}): Promise<ClusterStatus> {
  return (await readClusterStatusXml(options)).status;
}

async function fetchStatusXml(source: StatusSource, options: ReadStatusOptions): Promise<Fetched> {
  const runner = options.runner ?? defaultRunner;
  const timeoutMs = options.timeoutMs ?? 30_000;
  switch (source.kind) {
    case 'xml-file':
      return { xml: await readTextFile(source.path, { maxBytes: options.maxBytes }), origin: source.path, tool: undefined, stderr: '', failure: undefined };
    case 'cib-file':
      return runCrmMon(runner, timeoutMs, `crm_mon (CIB_file=${source.path})`, { CIB_file: source.path });
    case 'pcs':
      try {
        const result = await runner.run('pcs', ['status', 'xml'], { timeoutMs });
        return { xml: result.stdout, origin: 'pcs status xml', tool: 'pcs', stderr: result.stderr, failure: undefined };
      } catch (error) {
        if (error instanceof CommandError && /is pacemaker running|not running|Connection refused|Could not connect/i.test(`${error.stderr}${error.stdout}`)) {
          throw new ClusterUnavailableError(error.exitCode ?? 1, 'pcs status xml failed', `${error.stderr}\n${error.stdout}`.split('\n').filter((line) => line.trim().length > 0), undefined, { cause: error });
        }
        throw error;
      }
    default:
      return runCrmMon(runner, timeoutMs, 'crm_mon');
  }
}

async function runCrmMon(runner: Runner, timeoutMs: number, origin: string, env?: Record<string, string>): Promise<Fetched> {
  try {
    const result = await runner.run('crm_mon', [...crmMonArgs], { timeoutMs, ...(env ? { env } : {}) });
    return { xml: result.stdout, origin, tool: 'crm_mon', stderr: result.stderr, failure: undefined };
  } catch (error) {
    // A failing crm_mon still answers in XML (status 102 when the cluster is down …): its XML says what went wrong.
    if (error instanceof CommandError && !error.timedOut && error.stdout.includes('<pacemaker-result')) return { xml: error.stdout, origin, tool: 'crm_mon', stderr: error.stderr, failure: error };
    throw error;
  }
}

/** The error to throw for what went wrong with a fetched status, with the tool's words. */
function explain(error: unknown, fetched: Fetched, source: StatusSource): unknown {
  // The non-zero exit of crm_mon, with its whole output, stays reachable.
  if ((error instanceof PacemakerToolError || error instanceof ClusterUnavailableError) && fetched.failure) error.cause ??= fetched.failure;
  if (error instanceof PacemakerToolError) {
    // Live, "could not connect to the CIB" is the cluster not answering (the CIB manager down or starting),
    // which waitFor rides out; with CIB_file the same words mean the file is missing or invalid.
    if (source.kind === 'live' && error.errors.some((line) => /^could not connect\b/i.test(line.trim()))) {
      return new ClusterUnavailableError(error.statusCode, 'crm_mon could not connect to the CIB', error.errors, undefined, { cause: error });
    }
    return error;
  }
  // The tool printed something that is not a status (crm_mon: an empty result for a CIB that fails its
  // schema): the reason is on its stderr.
  if (error instanceof ParseError && fetched.tool !== undefined && fetched.stderr.trim() !== '') {
    const said = pickFailureLine(fetched.stderr, '');
    const message = error.message.slice(formatPosition(error).length + 2);
    return new ParseError(error.reason, `${message} (${fetched.tool} said: ${said})`, error, { cause: error });
  }
  return error;
}
