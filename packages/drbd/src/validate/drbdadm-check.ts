import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError, defaultRunner, type Runner } from '@ha/core';
import type { DrbdDiagnostic } from '../codes.js';
import { serialize, type DrbdDocument } from '../parse/cst.js';

/** The environment drbdadm gets without a kernel module: it pretends a DRBD 9 driver is there. */
export const drbdadmEnvironment = { DRBD_DRIVER_VERSION_OVERRIDE: '9.2.0' } as const;

/**
 * Runs the real `drbdadm -c FILE dump` and maps its errors (`FILE:LINE:
 * Parse error: …`, exit 10) to findings. Works on any host; with
 * `global { disable-ip-verification; }` it accepts addresses that are not local.
 */
export async function checkFileWithDrbdadm(file: string, options: { runner?: Runner; env?: Record<string, string> } = {}): Promise<{ valid: boolean; exitCode: number; findings: DrbdDiagnostic[]; output: string }> {
  const runner = options.runner ?? defaultRunner;
  try {
    const result = await runner.run('drbdadm', ['-c', file, 'dump'], { env: { ...drbdadmEnvironment, ...options.env }, timeoutMs: 30_000 });
    return { valid: true, exitCode: result.exitCode, findings: [], output: result.stdout };
  } catch (error) {
    if (!(error instanceof CommandError) || error.exitCode === undefined || error.timedOut) throw error;
    return { valid: false, exitCode: error.exitCode, findings: mapDrbdadmOutput(error.stderr, file), output: `${error.stdout}${error.stderr}` };
  }
}

/** `checkFileWithDrbdadm` for a document in memory (written to a private temporary file). */
export async function checkWithDrbdadm(document: DrbdDocument, options: { runner?: Runner; env?: Record<string, string> } = {}): Promise<{ valid: boolean; exitCode: number; findings: DrbdDiagnostic[]; output: string }> {
  const directory = await mkdtemp(join(tmpdir(), 'ha-drbd-check-'));
  try {
    const path = join(directory, 'resource.res');
    await writeFile(path, serialize(document));
    const result = await checkFileWithDrbdadm(path, options);
    const name = document.file ?? 'resource.res';
    for (const finding of result.findings) if (finding.file === path) finding.file = name;
    return { ...result, output: result.output.split(path).join(name) };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** Reads drbdadm's error output into findings. */
export function mapDrbdadmOutput(stderr: string, defaultFile?: string): DrbdDiagnostic[] {
  const findings: DrbdDiagnostic[] = [];
  const lines = stderr.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const match = /^(\S+):(\d+): (.*)$/.exec(line.trim());
    if (!match) continue;
    // A message can continue on the next, indented line ("but got '}' (TK 125)").
    let message = match[3] as string;
    while (i + 1 < lines.length && /^\s+\S/.test(lines[i + 1] as string)) message += ` ${(lines[++i] as string).trim()}`;
    findings.push({ code: 'DRBDADM_ERROR', severity: 'error', message: `drbdadm: ${message.replace(/,\s*$/, '')}`, file: match[1] ?? defaultFile, line: Number(match[2]), column: 1, range: { start: 0, end: 0 } });
  }
  if (findings.length === 0) {
    const text = lines.map((line) => line.trim()).filter((line) => line.length > 0 && !/PRETENDING|__DRBD_NODE__|modprobe|modinfo/.test(line));
    if (text.length > 0) findings.push({ code: 'DRBDADM_ERROR', severity: 'error', message: `drbdadm: ${text.join(' ')}`, file: defaultFile, line: 1, column: 1, range: { start: 0, end: 0 } });
  }
  return findings;
}
