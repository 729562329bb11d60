import { CommandError, defaultRunner, readTextFile, type Runner } from '@ha/core';
import { ClusterUnavailableError } from '../errors.js';
import type { ClusterStatus } from './model.js';
import { parseClusterStatus } from './parse.js';

/**
 * Where a status comes from. `live` runs crm_mon directly (fast, and no pcsd:
 * pcs goes through pcsd, which hangs on sick nodes); `pcs` runs `pcs status
 * xml`; `xml-file` reads a saved crm_mon or `pcs status xml` output;
 * `cib-file` has the real crm_mon render a saved CIB (`CIB_file=…`), so
 * status works offline.
 */
export type StatusSource = { kind: 'live' } | { kind: 'pcs' } | { kind: 'xml-file'; path: string } | { kind: 'cib-file'; path: string };

/** Options of `readClusterStatus`. */
export interface ReadStatusOptions {
  source?: StatusSource;
  /** Runs crm_mon or pcs (default: this machine; a lab node's runner in tests). */
  runner?: Runner;
  timeoutMs?: number;
}

/** The arguments crm_mon gets for a full status: one shot, inactive resources too, XML. */
export const crmMonArgs = ['--one-shot', '--inactive', '--output-as=xml'] as const;

/** The status XML as text, from any source. */
export async function readClusterStatusXml(options: ReadStatusOptions = {}): Promise<{ xml: string; origin: string }> {
  const source = options.source ?? { kind: 'live' };
  const runner = options.runner ?? defaultRunner;
  const timeoutMs = options.timeoutMs ?? 30_000;
  switch (source.kind) {
    case 'xml-file':
      return { xml: await readTextFile(source.path), origin: source.path };
    case 'cib-file':
      return { xml: await runCrmMon(runner, timeoutMs, { CIB_file: source.path }), origin: `crm_mon of ${source.path}` };
    case 'pcs':
      try {
        return { xml: (await runner.run('pcs', ['status', 'xml'], { timeoutMs })).stdout, origin: 'pcs status xml' };
      } catch (error) {
        if (error instanceof CommandError && /is pacemaker running|not running|Connection refused|Could not connect/i.test(`${error.stderr}${error.stdout}`)) {
          throw new ClusterUnavailableError(error.exitCode ?? 1, 'pcs status xml failed', `${error.stderr}\n${error.stdout}`.split('\n').filter((line) => line.trim().length > 0));
        }
        throw error;
      }
    default:
      return { xml: await runCrmMon(runner, timeoutMs), origin: 'crm_mon' };
  }
}

/** Reads and parses the cluster status. See `StatusSource` for where it can come from. */
export async function readClusterStatus(options: ReadStatusOptions = {}): Promise<ClusterStatus> {
  const { xml, origin } = await readClusterStatusXml(options);
  return parseClusterStatus(xml, { file: origin });
}

async function runCrmMon(runner: Runner, timeoutMs: number, env?: Record<string, string>): Promise<string> {
  try {
    return (await runner.run('crm_mon', [...crmMonArgs], { timeoutMs, ...(env ? { env } : {}) })).stdout;
  } catch (error) {
    // A cluster that is down still answers in XML (status code 102 …): let the parser say so, typed.
    if (error instanceof CommandError && !error.timedOut && error.stdout.includes('<pacemaker-result')) {
      parseClusterStatus(error.stdout, { file: 'crm_mon' });
      throw new ClusterUnavailableError(error.exitCode ?? 1, `crm_mon exited with code ${error.exitCode}`, error.stderr.split('\n').filter((line) => line.trim().length > 0));
    }
    throw error;
  }
}
