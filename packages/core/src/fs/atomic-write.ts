import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, chown, copyFile, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConfigRejectedError } from '../errors/config-rejected.js';
import { HaError } from '../errors/ha-error.js';
import { withFileLock, type FileLockOptions } from './lock.js';

/** Mode and ownership of a written file. Default: those of the file it replaces, else 0644. */
export interface FileAttributes {
  /** Permission bits, e.g. `0o640`; set exactly, the umask does not apply. */
  mode?: number;
  /** Numeric user id of the owner (changing it needs root). */
  uid?: number;
  /** Numeric group id (changing it needs root or membership of the group). */
  gid?: number;
}

/**
 * Writes `path` so that a reader sees the old or the new content, never a mix:
 * temp file in the same directory, fsync, rename, fsync of the directory.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  attributes: FileAttributes = {},
): Promise<void> {
  // A replaced file keeps its mode, owner and group unless told otherwise (a 0640 root:haclient file stays so).
  const temp = await writeTemp(path, data, { ...(await attributesOf(path)), ...pickAttributes(attributes) });
  await commitTemp(temp, path);
}

/** What `installFile` did. */
export interface InstallResult {
  /** The installed file, as the caller named it. */
  path: string;
  /** False when the file already held exactly this content (nothing was written). */
  changed: boolean;
  /** Where the previous content was saved, when there was one. */
  backupPath: string | undefined;
  /** Puts the previous content back (or removes the file if there was none). */
  rollback(): Promise<void>;
}

/** The safe-install steps around the atomic write. */
export interface InstallOptions extends FileAttributes {
  /**
   * Checks the candidate file (with the real tool) before it replaces anything.
   * Throw to refuse: a `ConfigRejectedError` for a refusal (it reaches the caller as is).
   */
  validate?: (candidatePath: string) => Promise<void>;
  /** Where the previous content goes. Default `PATH.bak`; `false` keeps no backup. */
  backupPath?: string | false;
  /**
   * Runs after the new file is in place (a reload). If it throws, the previous file is
   * put back and the caller gets a `ConfigRejectedError` with `rolledBack` (stage
   * `activate`, or the stage of a `ConfigRejectedError` it threw).
   */
  activate?: (path: string) => Promise<void>;
  /**
   * Runs after a failed `activate` once the previous file is back, still under
   * the lock: the daemon loads the previous file again (HAProxy had reloaded
   * the new one). It gets the activation's error; what it throws reaches the caller instead.
   */
  onRollback?: (path: string, error: unknown) => Promise<void>;
  /**
   * The SHA-256 (hex) of the content the change was based on. When the file
   * now holds something else (someone changed it since it was read), the
   * install is refused: no change is made on top of a stale read. `null`
   * means the file must not exist yet.
   */
  expectedSha256?: string | null;
  /**
   * Hold an exclusive lock on the file for the whole install (`PATH.lock`),
   * so two installers never interleave and the stale-read check holds.
   */
  lock?: boolean | FileLockOptions;
}

/** SHA-256 of a text or bytes, in hex: what `expectedSha256` compares. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Validated, atomic, reversible replacement of a config file: write a candidate,
 * validate it, back up the current file, rename into place, activate, and roll
 * back if activation fails.
 */
export async function installFile(
  path: string,
  data: string | Uint8Array,
  options: InstallOptions = {},
): Promise<InstallResult> {
  if (!options.lock) return installUnlocked(path, data, options);
  let locked = false;
  try {
    return await withFileLock(
      path,
      () => {
        locked = true;
        return installUnlocked(path, data, options);
      },
      options.lock === true ? {} : options.lock,
    );
  } catch (error) {
    // Another writer held the file past the timeout: the change was refused before anything was read.
    if (!locked && error instanceof HaError && error.code === 'TIMEOUT') {
      throw new ConfigRejectedError(path, 'lock', [], { detail: error.message.replace(`${path}: `, ''), cause: error });
    }
    throw error;
  }
}

async function installUnlocked(
  path: string,
  data: string | Uint8Array,
  options: InstallOptions,
): Promise<InstallResult> {
  const previous = await readIfExists(path);
  if (options.expectedSha256 !== undefined) {
    const actual = previous === undefined ? null : sha256(previous);
    if (actual !== options.expectedSha256) {
      const what = previous === undefined ? 'is gone' : options.expectedSha256 === null ? 'was created' : 'has changed';
      throw new ConfigRejectedError(path, 'stale', [], {
        detail: `${what} since it was read; read it again and redo the change`,
      });
    }
  }
  const next = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
  const backupPath = options.backupPath === false ? undefined : (options.backupPath ?? `${path}.bak`);
  if (previous !== undefined && previous.equals(next)) {
    return { path, changed: false, backupPath: undefined, rollback: async () => undefined };
  }

  const attributes = { ...(await attributesOf(path)), ...pickAttributes(options) };
  const candidate = await writeTemp(path, next, attributes);
  try {
    await options.validate?.(candidate);
  } catch (error) {
    await unlink(candidate).catch(() => undefined);
    throw error;
  }

  let savedBackup: string | undefined;
  if (previous !== undefined && backupPath !== undefined) {
    await copyAtomic(path, backupPath);
    savedBackup = backupPath;
  }
  await commitTemp(candidate, path);

  const rollback = async () => {
    if (previous === undefined) await unlink(path).catch(() => undefined);
    else await writeFileAtomic(path, previous, attributes);
  };
  if (options.activate) {
    try {
      await options.activate(path);
    } catch (error) {
      await rollback();
      await options.onRollback?.(path, error);
      if (error instanceof ConfigRejectedError) throw error.withRollback();
      throw new ConfigRejectedError(path, 'activate', [], {
        rolledBack: true,
        detail: `activation failed: ${errorMessage(error)}`,
        cause: error,
      });
    }
  }
  return { path, changed: true, backupPath: savedBackup, rollback };
}

async function writeTemp(path: string, data: string | Uint8Array, attributes: FileAttributes): Promise<string> {
  const temp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const handle = await open(
      temp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
      attributes.mode ?? 0o644,
    );
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // open() honours the umask; the caller asked for an exact mode.
    if (attributes.mode !== undefined) await chmod(temp, attributes.mode);
    if (attributes.uid !== undefined || attributes.gid !== undefined) {
      await chown(temp, attributes.uid ?? -1, attributes.gid ?? -1);
    }
    return temp;
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw new HaError('WRITE_FAILED', `${path}: cannot write: ${errorMessage(error)}`, { cause: error });
  }
}

async function commitTemp(temp: string, path: string): Promise<void> {
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw new HaError('WRITE_FAILED', `${path}: cannot replace: ${errorMessage(error)}`, { cause: error });
  }
  await syncDirectory(dirname(path));
}

async function copyAtomic(from: string, to: string): Promise<void> {
  const temp = join(dirname(to), `.${basename(to)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await copyFile(from, temp);
    // The backup of a 0600 file is no more readable than the file itself.
    const source = await attributesOf(from);
    if (source.mode !== undefined) await chmod(temp, source.mode);
    if (source.uid !== undefined) await chown(temp, source.uid, source.gid ?? -1).catch(() => undefined);
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw new HaError('WRITE_FAILED', `${to}: cannot write backup: ${errorMessage(error)}`, { cause: error });
  }
  await commitTemp(temp, to);
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new HaError('WRITE_FAILED', `${path}: cannot read current content: ${errorMessage(error)}`, { cause: error });
  }
}

async function attributesOf(path: string): Promise<FileAttributes> {
  try {
    const info = await stat(path);
    return { mode: info.mode & 0o7777, uid: info.uid, gid: info.gid };
  } catch {
    return {};
  }
}

function pickAttributes(options: FileAttributes): FileAttributes {
  const picked: FileAttributes = {};
  if (options.mode !== undefined) picked.mode = options.mode;
  if (options.uid !== undefined) picked.uid = options.uid;
  if (options.gid !== undefined) picked.gid = options.gid;
  return picked;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
