import { defaultRunner, HaError, installFile, readTextFile, sha256, type Runner } from '@ha/core';
import { HaproxyMaster, type ReloadResult } from '@ha/haproxy-runtime';
import type { HaproxyDiagnostic } from './codes.js';
import { safeParse, type HaproxyDocument } from './parse/cst.js';
import { serialize } from './print/serialize.js';
import { checkFilesWithHaproxy, type HaproxyCheckOptions } from './validate/haproxy-check.js';

/** How to make HAProxy load the new file. */
export type ReloadMethod =
  /** Through the master CLI (`-S`): its `reload`, then `show proc` says whether a new worker took over. */
  | { masterSocket: string }
  /** A command of yours (`['systemctl', 'reload', 'haproxy']`), run with the installer's runner; exit 0 is success. */
  | { command: readonly string[] }
  /** Anything else: throw to fail. */
  | ((path: string) => Promise<void>);

/** Options of `install`. */
export interface InstallConfigOptions {
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
  reload?: ReloadMethod;
  /** After a reload: anything that proves the new process serves (a request through it). Throw to roll back. */
  confirm?: () => Promise<void>;
  runner?: Runner;
  /** Where the previous file is kept (default `PATH.bak`); `false` keeps none. */
  backupPath?: string | false;
  /** How long to wait for another installer of the same file (default 30 s). */
  lockTimeoutMs?: number;
}

/** What `install` did. */
export interface InstallReport {
  path: string;
  /** False when the file already held exactly this (nothing written, nothing reloaded). */
  changed: boolean;
  backupPath: string | undefined;
  checked: boolean;
  reloaded: boolean;
  reload: ReloadResult | undefined;
  sha256: string;
}

/** An install that did not complete; the file was put back (and HAProxy reloaded with it, when it had been). */
export class InstallError extends HaError {
  readonly stage: 'check' | 'reload' | 'confirm';
  /** `haproxy -c`'s findings, when the check refused the file. */
  readonly findings: HaproxyDiagnostic[];
  readonly rolledBack: boolean;
  /** After a failed confirm: whether reloading the previous file worked. */
  readonly restored: boolean | undefined;

  constructor(stage: InstallError['stage'], message: string, fields: { findings?: HaproxyDiagnostic[]; rolledBack: boolean; restored?: boolean; cause?: unknown }) {
    super(stage === 'check' ? 'VALIDATION_ERROR' : 'WRITE_FAILED', message, fields.cause === undefined ? {} : { cause: fields.cause });
    this.stage = stage;
    this.findings = fields.findings ?? [];
    this.rolledBack = fields.rolledBack;
    this.restored = fields.restored;
  }
}

/** Reads a config file with the hash `install` needs to refuse a change based on a stale read. */
export async function readConfigFile(path: string): Promise<{ text: string; document: HaproxyDocument; sha256: string }> {
  const text = await readTextFile(path);
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

  let stage = 'check' as InstallError['stage'];
  try {
    const result = await installFile(path, text, {
      lock: { timeoutMs: options.lockTimeoutMs ?? 30_000 },
      ...(options.expectedSha256 === undefined ? {} : { expectedSha256: options.expectedSha256 }),
      ...(options.backupPath === undefined ? {} : { backupPath: options.backupPath }),
      validate: async (candidate) => {
        if (options.check === false) return;
        const files = (options.checkWith ?? [path]).map((file) => (file === path ? candidate : file));
        const check = await checkFilesWithHaproxy(files, { runner, ...options.checkOptions });
        checked = true;
        if (!check.valid) {
          // haproxy named the candidate; the user knows the file by its own name.
          const findings = check.findings.map((finding) => (finding.file === candidate ? { ...finding, file: path } : finding));
          const first = findings.find((finding) => finding.severity === 'error');
          throw new InstallError('check', `${path}: haproxy -c refused the new configuration${first ? `: ${first.message.replace(/^haproxy -c: /, '')} (line ${first.line})` : ''}`, { findings, rolledBack: false });
        }
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
    if (stage === 'check' || !(error instanceof HaError) || error.code !== 'WRITE_FAILED' || error.cause === undefined) throw error;
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
    const cause = error.cause as Error;
    throw new InstallError(stage, `${path}: ${stage === 'reload' ? 'the reload failed' : 'the new configuration did not serve'} (${cause.message}); the previous file is back${reloaded ? (restored ? ' and reloaded' : ' but reloading it failed too') : ''}`, {
      rolledBack: true,
      ...(restored === undefined ? {} : { restored }),
      cause,
    });
  }
}
