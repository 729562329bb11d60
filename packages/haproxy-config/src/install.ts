import { defaultRunner, HaError, installFile, isHaError, readTextFile, sha256, type Runner } from '@ha/core';
import { HaproxyMaster, type ReloadResult } from '@ha/haproxy-runtime';
import type { HaproxyDiagnostic } from './codes.js';
import { safeParse, type HaproxyDocument } from './parse/cst.js';
import { serialize } from './print/serialize.js';
import { checkFilesWithHaproxy, type HaproxyCheckOptions } from './validate/haproxy-check.js';

/** How to make HAProxy load the new file. */
export type ReloadMethod =
  | {
      /** Through the master CLI (`-S`) at this socket: its `reload`, then `show proc` says whether a new worker took over. @example '/run/haproxy-master.sock' */
      masterSocket: string;
    }
  | {
      /** A command of yours, run with the installer's runner; exit 0 is success. @example ['systemctl', 'reload', 'haproxy'] */
      command: readonly string[];
    }
  /** Anything else: throw to fail. */
  | ((path: string) => Promise<void>);

/** Options of `install`. */
export interface InstallConfigOptions {
  /** The file to replace (or create). @example '/etc/haproxy/haproxy.cfg' */
  path: string;
  /**
   * SHA-256 of the file as you read it (`readConfigFile` gives it): a change
   * based on a stale read is refused. `null`: the file must not exist yet.
   */
  expectedSha256?: string | null;
  /** Check the candidate with the real `haproxy -c` first (default true). */
  check?: boolean;
  /** For a split configuration: every `-f` path in HAProxy's order, `path` among them (it is checked in its place). */
  checkWith?: readonly string[];
  /** Passed to `haproxy -c` (environment for `${VAR}`s, the program). */
  checkOptions?: HaproxyCheckOptions;
  /** How HAProxy loads the new file; none: the file is only written. @example { masterSocket: '/run/haproxy-master.sock' } */
  reload?: ReloadMethod;
  /** After a reload: anything that proves the new process serves (a request through it). Throw to roll back. */
  confirm?: () => Promise<void>;
  /** Runs `haproxy -c` and a reload command (default: @ha/core's). */
  runner?: Runner;
  /** Where the previous file is kept (default `PATH.bak`); `false` keeps none. */
  backupPath?: string | false;
  /** How long to wait for another installer of the same file, in ms (default 30 s). */
  lockTimeoutMs?: number;
}

/** What `install` did. */
export interface InstallReport {
  /** The file installed. */
  path: string;
  /** False when the file already held exactly this (nothing written, nothing reloaded). */
  changed: boolean;
  /** Where the previous file was kept, when it was. */
  backupPath: string | undefined;
  /** Whether `haproxy -c` checked the candidate. */
  checked: boolean;
  /** Whether HAProxy was reloaded. */
  reloaded: boolean;
  /** What the master CLI said of the reload (with `reload: { masterSocket }`). */
  reload: ReloadResult | undefined;
  /** SHA-256 of what is now in the file: the `expectedSha256` of the next change. */
  sha256: string;
}

/**
 * Where an install stopped: `stale` (the file changed since it was read),
 * `lock` (another installer held it too long), `write` (the candidate, the
 * backup or the rename could not be written), `check` (`haproxy -c` refused
 * the file or could not run), `reload`, `confirm`.
 */
export type InstallStage = 'stale' | 'lock' | 'write' | 'check' | 'reload' | 'confirm';

/**
 * An install that did not complete. Before `reload` nothing was changed;
 * after a failed reload or confirmation the file was put back (and HAProxy
 * reloaded with it, when it had been).
 */
export class InstallError extends HaError {
  /** Where it stopped. */
  readonly stage: InstallStage;
  /** `haproxy -c`'s findings, when the check refused the file. */
  readonly findings: HaproxyDiagnostic[];
  /** Whether the previous file was put back (only after `reload` or `confirm`; before them nothing had changed). */
  readonly rolledBack: boolean;
  /** After a failed confirm: whether reloading the previous file worked. */
  readonly restored: boolean | undefined;

  constructor(stage: InstallStage, message: string, fields: { findings?: HaproxyDiagnostic[]; rolledBack: boolean; restored?: boolean; cause?: unknown }) {
    super(codeOf(stage, fields.cause), message, fields.cause === undefined ? {} : { cause: fields.cause });
    this.stage = stage;
    this.findings = fields.findings ?? [];
    this.rolledBack = fields.rolledBack;
    this.restored = fields.restored;
  }
}

// The code a caller may already branch on: the one of the error wrapped, else what the stage means.
function codeOf(stage: InstallStage, cause: unknown): HaError['code'] {
  if (stage === 'check' && cause === undefined) return 'VALIDATION_ERROR';
  if (stage === 'stale') return 'PRECONDITION_FAILED';
  if (stage === 'reload' || stage === 'confirm') return 'WRITE_FAILED';
  return isHaError(cause) ? cause.code : 'WRITE_FAILED';
}

/** What `readConfigFile` read. */
export interface ConfigFile {
  /** The file's text as read. */
  text: string;
  /** The text parsed (problems in its `diagnostics`). */
  document: HaproxyDocument;
  /** SHA-256 of `text`: `install`'s `expectedSha256`. */
  sha256: string;
}

/**
 * Reads a config file with the hash `install` needs to refuse a change
 * based on a stale read. A file larger than `maxBytes` (default 16 MiB) is
 * refused with an `InputTooLargeError`.
 *
 * @example const { document, sha256 } = await readConfigFile('/etc/haproxy/haproxy.cfg')
 */
export async function readConfigFile(path: string, options: { maxBytes?: number | undefined } = {}): Promise<ConfigFile> {
  const text = await readTextFile(path, { maxBytes: options.maxBytes });
  return { text, document: safeParse(text, { file: path }), sha256: sha256(text) };
}

/**
 * Installs a configuration safely: under a lock, refusing a stale read;
 * a candidate written beside the file and fsynced; checked by the real
 * `haproxy -c`; the old file backed up; renamed into place atomically; HAProxy
 * reloaded; the new process confirmed. If the reload or the confirmation
 * fails, the old file is put back (and reloaded, if a reload had happened).
 * Resolves when all that is done; an `InstallError` says what failed where.
 */
export async function install(config: HaproxyDocument | string, options: InstallConfigOptions): Promise<InstallReport> {
  const text = typeof config === 'string' ? config : serialize(config);
  const runner = options.runner ?? defaultRunner;
  const path = options.path;
  let reloadResult: ReloadResult | undefined;
  let reloaded = false;
  let checked = false;
  const reload = async (): Promise<ReloadResult | undefined> => {
    const method = options.reload;
    if (method === undefined) return undefined;
    if (typeof method === 'function') {
      await method(path);
      return undefined;
    }
    if ('masterSocket' in method) {
      const result = await new HaproxyMaster(method.masterSocket).reload();
      if (!result.success) throw new HaError('COMMAND_FAILED', `HAProxy refused the reload (master: ${result.after.find((entry) => entry.type === 'master')?.failedReloads ?? '?'} failed reload(s)); the old workers still serve`);
      return result;
    }
    const [file, ...args] = method.command;
    if (file === undefined) throw new HaError('USAGE_ERROR', 'the reload command is empty');
    await runner.run(file, args, { timeoutMs: 120_000 });
    return undefined;
  };

  // What installFile does before calling validate: the stale-read check, the lock, the candidate.
  let stage = 'prepare' as InstallStage | 'prepare';
  try {
    const result = await installFile(path, text, {
      lock: { timeoutMs: options.lockTimeoutMs ?? 30_000 },
      ...(options.expectedSha256 === undefined ? {} : { expectedSha256: options.expectedSha256 }),
      ...(options.backupPath === undefined ? {} : { backupPath: options.backupPath }),
      validate: async (candidate) => {
        stage = 'check';
        if (options.check !== false) {
          const files = (options.checkWith ?? [path]).map((file) => (file === path ? candidate : file));
          const check = await checkFilesWithHaproxy(files, { runner, ...options.checkOptions });
          checked = true;
          if (!check.valid) {
            // haproxy named the candidate; the user knows the file by its own name.
            const findings = check.findings.map((finding) => (finding.file === candidate ? { ...finding, file: path } : finding));
            const first = findings.find((finding) => finding.severity === 'error');
            throw new InstallError('check', `${path}: haproxy -c refused the new configuration${first ? `: ${first.message.replace(/^haproxy -c: /, '')} (line ${first.line})` : ''}`, { findings, rolledBack: false });
          }
        }
        stage = 'write';
      },
      activate: async () => {
        stage = 'reload';
        reloadResult = await reload();
        reloaded = options.reload !== undefined;
        stage = 'confirm';
        await options.confirm?.();
      },
    });
    return { path, changed: result.changed, backupPath: result.backupPath, checked, reloaded, reload: reloadResult, sha256: sha256(text) };
  } catch (error) {
    if (error instanceof InstallError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (stage === 'prepare' || stage === 'check' || stage === 'write') {
      // Nothing was changed yet: say where it stopped, with the cause's own words.
      const at = stage !== 'prepare' ? stage : isHaError(error) && error.code === 'PRECONDITION_FAILED' ? 'stale' : isHaError(error) && error.code === 'TIMEOUT' ? 'lock' : 'write';
      throw new InstallError(at, at === 'check' ? `${path}: haproxy -c could not check the new configuration: ${message}` : message, { rolledBack: false, cause: error });
    }
    // installFile put the old file back. If HAProxy had loaded the new one, load the old one again.
    let restored: boolean | undefined;
    if (reloaded) {
      try {
        await reload();
        restored = true;
      } catch {
        restored = false;
      }
    }
    const cause = isHaError(error) && error.code === 'WRITE_FAILED' && error.cause !== undefined ? (error.cause as Error) : (error as Error);
    throw new InstallError(stage, `${path}: ${stage === 'reload' ? 'the reload failed' : 'the new configuration did not serve'} (${cause.message}); the previous file is back${reloaded ? (restored ? ' and reloaded' : ' but reloading it failed too') : ''}`, {
      rolledBack: true,
      ...(restored === undefined ? {} : { restored }),
      cause,
    });
  }
}
