import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { CommandError, defaultRunner, type CheckResult, type Runner } from '@ha/core';
import type { HaproxyCode, HaproxyDiagnostic } from '../codes.js';
import type { HaproxyDocument } from '../parse/cst.js';
import { serialize } from '../print/serialize.js';

/** Options of `checkWithHaproxy` and `checkFilesWithHaproxy`. */
export interface HaproxyCheckOptions {
  /** Runs `haproxy` (default: @ha/core's). */
  runner?: Runner;
  /** The `haproxy` program (default from PATH). @example '/usr/sbin/haproxy' */
  haproxy?: string;
  /** Environment the configuration's `${VAR}`s are read from. @example { BACKEND_ADDR: '10.0.0.5' } */
  env?: Record<string, string>;
  /** Give up after this many ms (default 60 s). */
  timeoutMs?: number;
  /** The file name a text is checked under (and its findings name; default `haproxy.cfg`). @example '/etc/haproxy/haproxy.cfg' */
  file?: string;
}

/**
 * Runs the real `haproxy -c` on files (every file of a split configuration,
 * in order) and maps its `[ALERT]` and `[WARNING]` lines (`parsing
 * [FILE:LINE] : …`) to findings. Messages that name no line are put at 1:1 of
 * the first file. `valid` is false when it found errors (exit 1); a file with
 * no error where nothing listens (exit 2) is valid, with a warning saying so.
 *
 * @example const { valid, findings } = await checkFilesWithHaproxy(['/etc/haproxy/haproxy.cfg'])
 */
export async function checkFilesWithHaproxy(
  files: readonly string[],
  options: HaproxyCheckOptions = {},
): Promise<CheckResult<HaproxyCode>> {
  const runner = options.runner ?? defaultRunner;
  const haproxy = options.haproxy ?? 'haproxy';
  const timeoutMs = options.timeoutMs ?? 60_000;
  // -V: a `quiet` in the global section would otherwise silence every alert.
  const args = ['-V', '-c', ...files.flatMap((file) => ['-f', file])];
  let exitCode: number;
  let output: string;
  try {
    const result = await runner.run(haproxy, args, { allowExitCodes: [1, 2], timeoutMs, env: options.env });
    exitCode = result.exitCode;
    output = `${result.stdout}${result.stderr}`;
  } catch (error) {
    if (error instanceof CommandError && error.exitCode !== undefined && !error.timedOut) {
      exitCode = error.exitCode;
      output = `${error.stdout}${error.stderr}`;
    } else throw error;
  }
  return { valid: exitCode === 0 || exitCode === 2, findings: mapHaproxyOutput(output, files[0]), output };
}

/**
 * `checkFilesWithHaproxy` for a text or documents in memory (a split
 * configuration's, in HAProxy's order): they are written to a private
 * temporary folder under their own file names, and the findings and output
 * name the documents' files again.
 *
 * @example const { valid, findings } = await checkWithHaproxy(document)
 */
export async function checkWithHaproxy(
  input: HaproxyDocument | string | readonly HaproxyDocument[],
  options: HaproxyCheckOptions = {},
): Promise<CheckResult<HaproxyCode>> {
  const file = options.file ?? 'haproxy.cfg';
  const texts =
    typeof input === 'string'
      ? [{ file, text: input }]
      : (Array.isArray(input) ? input : [input as HaproxyDocument]).map((document) => ({
          file: document.file ?? file,
          text: serialize(document),
        }));
  const directory = await mkdtemp(join(tmpdir(), 'ha-haproxy-check-'));
  try {
    const names = new Map<string, string>();
    for (const [index, entry] of texts.entries()) {
      const path = join(directory, `${String(index).padStart(3, '0')}-${basename(entry.file)}`);
      await writeFile(path, entry.text);
      names.set(path, entry.file);
    }
    const result = await checkFilesWithHaproxy([...names.keys()], options);
    const findings = result.findings.map((finding) =>
      finding.file === undefined ? finding : { ...finding, file: names.get(finding.file) ?? finding.file },
    );
    return {
      ...result,
      findings,
      output: [...names].reduce((text, [temp, real]) => text.split(temp).join(real), result.output),
    };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/**
 * Reads HAProxy's `[ALERT]`/`[WARNING]` lines into findings, and its "will
 * not start (no listener)" into a warning.
 *
 * @example mapHaproxyOutput(result.output, 'haproxy.cfg')
 */
export function mapHaproxyOutput(output: string, defaultFile?: string): HaproxyDiagnostic[] {
  const findings: HaproxyDiagnostic[] = [];
  for (const raw of output.split('\n')) {
    if (/has no error but will not start \(no listener\)/.test(raw)) {
      const message =
        'haproxy -c: the configuration has no error but HAProxy will not start: nothing listens (no listener)';
      findings.push({
        code: 'HAPROXY_WARNING',
        severity: 'warning',
        message,
        file: defaultFile,
        line: 1,
        column: 1,
        range: { start: 0, end: 0 },
      });
      continue;
    }
    const head = /^\[(ALERT|WARNING)\]\s*(?:\(\d+\)\s*)?:\s*(?:config\s*:\s*)?(.*)$/.exec(raw.trim());
    if (!head) continue;
    let message = head[2] as string;
    // Summaries that repeat what the lines before said.
    if (/^(Fatal errors found in configuration|Error\(s\) found in configuration file)/.test(message)) continue;
    const where = /(?:parsing\s+)?\[([^\]:]+(?::[^\]:]+)*):(\d+)\]\s*:?\s*/.exec(message);
    let file = defaultFile;
    let line = 1;
    if (where) {
      file = where[1];
      line = Number(where[2]);
      message = `${message.slice(0, where.index)}${message.slice(where.index + where[0].length)}`.trim();
    }
    findings.push({
      code: head[1] === 'ALERT' ? 'HAPROXY_ALERT' : 'HAPROXY_WARNING',
      severity: head[1] === 'ALERT' ? 'error' : 'warning',
      message: `haproxy -c: ${message}`,
      file,
      line,
      column: 1,
      range: { start: 0, end: 0 },
    });
  }
  return findings;
}
