import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { CommandError, defaultRunner, LineCounter, type CheckResult, type Runner } from '@ha/core';
import type { DrbdCode, DrbdDiagnostic } from '../codes.js';
import { safeParse, type CstNode, type DrbdDocument } from '../parse/cst.js';
import { serialize } from '../print/serialize.js';

/** The environment drbdadm gets without a kernel module: it pretends a DRBD 9 driver is there. */
export const drbdadmEnvironment = { DRBD_DRIVER_VERSION_OVERRIDE: '9.2.0' } as const;

/** Options of `checkFileWithDrbdadm` and `checkWithDrbdadm`. */
export interface DrbdadmCheckOptions {
  /** Runs drbdadm (default: core's `defaultRunner`). */
  runner?: Runner | undefined;
  /** More environment for drbdadm, e.g. `{ __DRBD_NODE__: 'node1' }` to check as that host. */
  env?: Record<string, string> | undefined;
  /** For a text (not a document): the file it is from, to name in the findings and to read its relative includes from. */
  file?: string | undefined;
}

/**
 * Runs the real `drbdadm -c FILE dump` on a file where it is and maps its
 * errors (`FILE:LINE: Parse error: …`, exit 10) to `DRBDADM_ERROR` findings.
 * drbdadm reads the file's includes itself, relative to the file's directory.
 * Works on any host; with `global { disable-ip-verification; }` it accepts
 * addresses that are not local.
 *
 * ```ts
 * const { valid, findings } = await checkFileWithDrbdadm('/etc/drbd.conf');
 * ```
 */
export async function checkFileWithDrbdadm(
  path: string,
  options: DrbdadmCheckOptions = {},
): Promise<CheckResult<DrbdCode>> {
  const { runner = defaultRunner, env = {} } = options;
  try {
    const result = await runner.run('drbdadm', ['-c', path, 'dump'], {
      env: { ...drbdadmEnvironment, ...env },
      timeoutMs: 30_000,
    });
    return { valid: true, findings: [], output: `${result.stdout}${result.stderr}` };
  } catch (error) {
    if (!(error instanceof CommandError) || error.exitCode === undefined || error.timedOut) throw error;
    return { valid: false, findings: mapDrbdadmOutput(error.stderr, path), output: `${error.stdout}${error.stderr}` };
  }
}

/**
 * `checkFileWithDrbdadm` for a document or text in memory (written to a
 * private temporary file). When it names its file (`document.file`, or
 * `options.file` for a text), its relative includes are given to drbdadm
 * from that file's directory, as they would be read there, and the findings
 * name that file.
 *
 * ```ts
 * const result = await checkWithDrbdadm(document, { env: { __DRBD_NODE__: 'node1' } });
 * if (!result.valid) for (const finding of result.findings) console.log(formatDiagnostic(finding));
 * ```
 */
export async function checkWithDrbdadm(
  input: DrbdDocument | string,
  options: DrbdadmCheckOptions = {},
): Promise<CheckResult<DrbdCode>> {
  const document = typeof input === 'string' ? safeParse(input, { file: options.file }).document : input;
  const directory = await mkdtemp(join(tmpdir(), 'ha-drbd-check-'));
  try {
    const path = join(directory, 'resource.res');
    await writeFile(path, serialize(withIncludesFrom(document)));
    const result = await checkFileWithDrbdadm(path, options);
    const name = document.file ?? 'resource.res';
    return {
      ...result,
      findings: aboutFile(result.findings, path, name, serialize(document)),
      output: result.output.split(path).join(name),
    };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

// The copy lives in a temporary directory: a relative `include "drbd.d/*.res";` is written out
// from the original file's directory, on the same line, so drbdadm finds what it would find there.
function withIncludesFrom(document: DrbdDocument): DrbdDocument {
  if (document.file === undefined) return document;
  const directory = dirname(resolve(document.file));
  // A directory that glob(3) or drbdadm's quoting would read differently is left alone.
  if (/[*?[\\"\n]/.test(directory)) return document;
  const children = document.children.map((node): CstNode => {
    const [keyword, pattern, ...rest] = node.words;
    if (
      node.type !== 'statement' ||
      keyword?.value !== 'include' ||
      pattern === undefined ||
      isAbsolute(pattern.value) ||
      /["\\\n]/.test(pattern.value)
    )
      return node;
    const absolute = join(directory, pattern.value);
    return { ...node, words: [keyword, { ...pattern, text: `"${absolute}"`, value: absolute, quoted: true }, ...rest] };
  });
  return { ...document, children };
}

/**
 * drbdadm's findings about a copy (`copy`) made of a file, made about the file itself: named `file`, and,
 * for the lines of `text` (the copy's content), with the range of offsets where the line starts.
 */
export function aboutFile(
  findings: readonly DrbdDiagnostic[],
  copy: string,
  file: string,
  text: string,
): DrbdDiagnostic[] {
  let lines: LineCounter | undefined;
  return findings.map((finding) => {
    if (finding.file !== copy) return finding;
    lines ??= new LineCounter(text);
    const start = lines.offsetOf({ line: finding.line, column: 1 });
    return { ...finding, file, message: finding.message.split(copy).join(file), range: { start, end: start } };
  });
}

/** Reads drbdadm's error output into findings (`FILE:LINE: message`, or a message without a line). */
export function mapDrbdadmOutput(stderr: string, defaultFile?: string): DrbdDiagnostic[] {
  const findings: DrbdDiagnostic[] = [];
  const lines = stderr.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const match = /^(\S+):(\d+): (.*)$/.exec(line.trim());
    if (!match) continue;
    // A message can continue on the next, indented line ("but got '}' (TK 125)").
    let message = match[3] as string;
    while (i + 1 < lines.length && /^\s+\S/.test(lines[i + 1] as string))
      message += ` ${(lines[++i] as string).trim()}`;
    findings.push({
      code: 'DRBDADM_ERROR',
      severity: 'error',
      message: `drbdadm: ${message.replace(/,\s*$/, '')}`,
      file: match[1] ?? defaultFile,
      line: Number(match[2]),
      column: 1,
      range: { start: 0, end: 0 },
    });
  }
  if (findings.length === 0) {
    const text = lines
      .map((line) => line.trim())
      .filter((line) => line.length > 0 && !/PRETENDING|__DRBD_NODE__|modprobe|modinfo/.test(line));
    if (text.length > 0)
      findings.push({
        code: 'DRBDADM_ERROR',
        severity: 'error',
        message: `drbdadm: ${text.join(' ')}`,
        file: defaultFile,
        line: 1,
        column: 1,
        range: { start: 0, end: 0 },
      });
  }
  return findings;
}
