import { readdirSync, readFileSync } from 'node:fs';

/** What the lab reads of this machine's process table (/proc). */

export function listPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number);
  } catch {
    return [];
  }
}

/** A file of /proc/PID (or /proc/self); empty when the process is gone. */
export function readProcFile(pid: number | 'self', file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}

export function readCommandLine(pid: number): string[] {
  return readProcFile(pid, 'cmdline')
    .split('\0')
    .filter((arg) => arg.length > 0);
}

/** True while the process runs; a zombie has exited, only its parent has not reaped it. */
export function isAlive(pid: number): boolean {
  const stat = readProcFile(pid, 'stat');
  return stat.length > 0 && !/^\d+ \(.*\) Z /.test(stat);
}

/** Processes (other than this one) whose command line contains `text`. */
export function processesMentioning(text: string): number[] {
  return listPids().filter((pid) => pid !== process.pid && readCommandLine(pid).join(' ').includes(text));
}

/**
 * Sends a signal; a process that is already gone is not an error. Only to one real
 * process: 0 and negative numbers (process groups, everything) and PID 1 are refused.
 */
export function sendSignal(pid: number, signal: NodeJS.Signals): void {
  if (!Number.isSafeInteger(pid) || pid <= 1)
    throw new RangeError(`refusing to signal PID ${pid}: not one process of the lab`);
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
