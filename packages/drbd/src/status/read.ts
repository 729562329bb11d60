import { readFile } from 'node:fs/promises';
import { CommandError, defaultRunner, HaError, readTextFile, type Runner } from '@ha/core';
import { parseDrbdsetupJson } from './json.js';
import type { DrbdStatus } from './model.js';
import { parseProcDrbd } from './proc.js';
import { parseDrbdadmStatus } from './text.js';

/** drbdsetup and drbdadm could not talk to DRBD: the kernel module is not loaded (exit 20). */
export class DrbdUnavailableError extends HaError {
  readonly exitCode: number | undefined;
  constructor(message: string, exitCode: number | undefined, options: { cause?: unknown } = {}) {
    super('CLUSTER_UNAVAILABLE', message, options);
    this.exitCode = exitCode;
  }
}

/**
 * The live status: `drbdsetup status --json --statistics` (DRBD 9), or
 * `/proc/drbd` when that is what the kernel offers (8.4).
 */
export async function readDrbdStatus(options: { runner?: Runner; resource?: string } = {}): Promise<DrbdStatus> {
  const runner = options.runner ?? defaultRunner;
  try {
    const { stdout } = await runner.run('drbdsetup', ['status', ...(options.resource ? [options.resource] : []), '--json', '--statistics'], { timeoutMs: 15_000 });
    return parseDrbdsetupJson(stdout, { file: 'drbdsetup status --json' });
  } catch (error) {
    if (error instanceof CommandError && !error.timedOut) {
      // DRBD 8.4 has no --json: its /proc/drbd says it all.
      const proc = await readFile('/proc/drbd', 'utf8').catch(() => undefined);
      if (proc !== undefined && /^version:\s*8\./m.test(proc)) return parseProcDrbd(proc);
      if (error.exitCode === 20 || /modprobe|Module drbd|kernel module/i.test(error.stderr)) {
        throw new DrbdUnavailableError(`DRBD is not available here: the drbd kernel module is not loaded (${error.command} exited with ${error.exitCode})`, error.exitCode, { cause: error });
      }
    }
    throw error;
  }
}

/**
 * A saved status: the output of `drbdsetup status --json`, of `drbdadm
 * status`, or `/proc/drbd`, recognised by its shape.
 */
export function parseDrbdStatusText(text: string, options: { file?: string } = {}): DrbdStatus {
  const start = text.trimStart();
  if (start.startsWith('[')) return parseDrbdsetupJson(text, options);
  if (/^version:\s*\d/m.test(start) || /^\s*\d+:\s+cs:/m.test(start)) return parseProcDrbd(text, options);
  return parseDrbdadmStatus(text, options);
}

/** `parseDrbdStatusText` of a file. */
export async function readDrbdStatusFile(path: string): Promise<DrbdStatus> {
  const text = await readTextFile(path);
  return parseDrbdStatusText(text, { file: path });
}
