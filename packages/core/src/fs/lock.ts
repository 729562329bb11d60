import { constants } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { HaError } from '../errors/ha-error.js';

/** Options of `withFileLock`. */
export interface FileLockOptions {
  /** How long to wait for another holder, ms (default 30 s). */
  timeoutMs?: number;
  /** The lock file (default `PATH.lock`). */
  lockPath?: string;
}

/**
 * Runs `work` holding an exclusive lock on `path`, so two installers of the
 * same file never interleave. The lock is a file created with O_EXCL that
 * holds the owner's PID; a lock left by a process that died is taken over.
 */
export async function withFileLock<T>(path: string, work: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const lockPath = options.lockPath ?? `${path}.lock`;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    try {
      const handle = await open(lockPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new HaError('WRITE_FAILED', `${lockPath}: cannot create lock: ${(error as Error).message}`, {
          cause: error,
        });
      const owner = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (owner > 0 && !isRunning(owner)) {
        // Its owner is gone: a crashed installer. Take it over (another waiter may win the race; then we wait).
        await unlink(lockPath).catch(() => undefined);
        continue;
      }
      if (Date.now() >= deadline)
        throw new HaError(
          'TIMEOUT',
          `${path}: locked by process ${owner || '?'} (${lockPath}) for longer than ${options.timeoutMs ?? 30_000} ms`,
        );
      await sleep(50);
    }
  }
  try {
    return await work();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
