import {
  ConfigRejectedError,
  defaultRunner,
  HaError,
  installFile,
  readTextFile,
  sha256,
  type ConfigWriteOptions,
  type InstallResult,
  type Runner,
} from '@ha/core';
import type * as RuntimeModule from '@ha/haproxy-runtime';
import type { HaproxyRuntime, ReloadResult } from '@ha/haproxy-runtime';
import { saveServerState, serverStateFileOf } from '../live/server-state.js';
import { safeParse, type HaproxyDocument } from '../parse/cst.js';
import { serialize } from '../print/serialize.js';
import { checkFilesWithHaproxy, type HaproxyCheckOptions } from '../validate/haproxy-check.js';
import { validate } from '../validate/rules.js';
import { configFiles } from './read.js';

/** Options of `writeConfig`: core's write options, and what HAProxy's split configurations and checks need. */
export interface WriteConfigOptions extends ConfigWriteOptions {
  /** Refuse content in which our own rules (`validate`) find an error (default true); false leaves the judgement to `haproxy -c` alone. */
  validate?: boolean;
  /**
   * For a split configuration: every `-f` path in HAProxy's order (files or
   * directories), `path` among them. The new content is checked in its
   * place, with the other files as they are on disk.
   *
   * @example ['/etc/haproxy/haproxy.cfg', '/etc/haproxy/conf.d']
   */
  checkWith?: readonly string[];
  /** Passed to `haproxy -c`: the environment for `${VAR}`s, the program, a timeout. @example { env: { BACKEND_ADDR: '10.0.0.5' } } */
  checkOptions?: Omit<HaproxyCheckOptions, 'runner' | 'file'>;
  /**
   * Runs once the new file is in place, still under the lock (a reload). If
   * it throws, the previous file is put back and the caller gets a
   * `ConfigRejectedError` with `rolledBack` (stage `activate`, or the stage of
   * a `ConfigRejectedError` it threw). `install` is `writeConfig` with this.
   */
  activate?: (path: string) => Promise<void>;
  /** Runs under the lock once the previous file is back after a failed `activate` (core's `InstallOptions.onRollback`). */
  onRollback?: (path: string, error: unknown) => Promise<void>;
}

/**
 * Writes a configuration file safely: our own rules first (stage
 * `validate`), then, under `PATH.lock`, the stale-read check
 * (`expectedSha256`, stage `stale`), a candidate beside the file checked by
 * the real `haproxy -c` (stage `check`), a backup of the previous file, an
 * atomic rename. Every refusal is a `ConfigRejectedError` with its stage and
 * findings, and the file is then as it was; an I/O failure is an `HaError`
 * `WRITE_FAILED`.
 *
 * @example await writeConfig('/etc/haproxy/haproxy.cfg', document, { expectedSha256: read.sha256 })
 */
export async function writeConfig(
  path: string,
  input: HaproxyDocument | string,
  options: WriteConfigOptions = {},
): Promise<InstallResult> {
  const text = typeof input === 'string' ? input : serialize(input);
  const runner = options.runner ?? defaultRunner;
  const check = options.check ?? true;
  const paths = options.checkWith ?? [path];
  if (!paths.includes(path))
    throw new TypeError(`checkWith must name ${path} among its paths (it is checked in its place)`);
  if (options.validate ?? true) {
    const errors = validate(await splitDocuments(paths, path, text)).filter((finding) => finding.severity === 'error');
    if (errors.length > 0) throw new ConfigRejectedError(path, 'validate', errors);
  }
  return installFile(path, text, {
    lock: options.lock ?? true,
    expectedSha256: options.expectedSha256,
    backupPath: options.backupPath,
    validate: check
      ? (candidate) => checkCandidate(path, candidate, paths, { ...options.checkOptions, runner })
      : undefined,
    activate: options.activate,
    onRollback: options.onRollback,
  });
}

// The documents of the configuration as it would be: the new text in its place, the other files as they are.
async function splitDocuments(paths: readonly string[], path: string, text: string): Promise<HaproxyDocument[]> {
  const documents: HaproxyDocument[] = [];
  for (const entry of paths) {
    if (entry === path) documents.push(safeParse(text, { file: path }).document);
    else
      for (const file of await configFiles([entry]))
        documents.push(safeParse(await readTextFile(file), { file }).document);
  }
  return documents;
}

async function checkCandidate(
  path: string,
  candidate: string,
  paths: readonly string[],
  options: HaproxyCheckOptions,
): Promise<void> {
  const result = await checkFilesWithHaproxy(
    paths.map((file) => (file === path ? candidate : file)),
    options,
  );
  if (result.valid) return;
  // haproxy named the candidate; the caller knows the file by its own name.
  const findings = result.findings
    .filter((finding) => finding.severity === 'error')
    .map((finding) => (finding.file === candidate ? { ...finding, file: path } : finding));
  throw new ConfigRejectedError(path, 'check', findings, {
    detail: findings.length === 0 ? 'haproxy -c refused the new configuration' : undefined,
  });
}

/** How to make HAProxy load the new file. */
export type ReloadMethod =
  | {
      /**
       * Through the master CLI (`-S`) at this socket: its `reload`, then `show proc` says whether a new worker took over.
       *
       * @example '/run/haproxy-master.sock'
       */
      masterSocket: string;
    }
  | {
      /** A command of yours, run with the installer's runner; exit 0 is success. @example ['systemctl', 'reload', 'haproxy'] */
      command: readonly string[];
    }
  /** Anything else: throw to fail. */
  | ((path: string) => Promise<void>);

/** Options of `install`: `writeConfig`'s, and how HAProxy takes the new file. */
export interface InstallConfigOptions extends Omit<WriteConfigOptions, 'activate' | 'onRollback'> {
  /** How HAProxy loads the new file; none: the file is only written (and `confirm` run). @example { masterSocket: '/run/haproxy-master.sock' } */
  reload?: ReloadMethod;
  /** After a reload: anything that proves the new process serves (a request through it). Throw to roll back. */
  confirm?: () => Promise<void>;
  /**
   * Keep servers' runtime states and weights across the reload: just before
   * it, what the running process holds (`show servers state`, through this
   * Runtime API socket or client) is written to the configuration's
   * server-state file, which the new process loads (`useServerStateFile`
   * sets that up; without it, an `HaError` `PRECONDITION_FAILED`).
   *
   * @example { socket: '/run/haproxy/admin.sock' }
   */
  serverState?:
    | {
        /** The Runtime API socket. @example '/run/haproxy/admin.sock' */
        socket: string;
      }
    | {
        /** A client of it. */
        runtime: HaproxyRuntime;
      };
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
 * Installs a configuration: `writeConfig` (our rules, lock, stale-read check,
 * `haproxy -c`, backup, atomic rename), then, still under the lock, HAProxy
 * reloaded and the new process confirmed. If the reload fails (stage
 * `reload`) or the confirmation does (stage `confirm`), the previous file is
 * put back (and reloaded, when HAProxy had loaded the new one): a
 * `ConfigRejectedError` with `rolledBack` true, whose message says whether
 * that reload worked.
 *
 * @example await install('/etc/haproxy/haproxy.cfg', document, { expectedSha256: read.sha256, reload: { masterSocket: '/run/haproxy-master.sock' } })
 */
export async function install(
  path: string,
  input: HaproxyDocument | string,
  options: InstallConfigOptions = {},
): Promise<InstallReport> {
  const text = typeof input === 'string' ? input : serialize(input);
  const runner = options.runner ?? defaultRunner;
  const method = options.reload;
  if (method !== undefined && typeof method !== 'function' && 'command' in method && method.command.length === 0)
    throw new TypeError('reload.command is empty');
  const stateFile =
    options.serverState && serverStateFileOf(await splitDocuments(options.checkWith ?? [path], path, text));
  if (options.serverState && stateFile === undefined)
    throw new HaError(
      'PRECONDITION_FAILED',
      `${path}: serverState needs a server-state-file that a proxy loads (useServerStateFile)`,
    );
  const saveState = async () => {
    if (!options.serverState || stateFile === undefined) return;
    const given = 'runtime' in options.serverState ? options.serverState.runtime : undefined;
    const runtime =
      given ?? new (await runtimeCode()).HaproxyRuntime((options.serverState as { socket: string }).socket);
    try {
      await saveServerState(runtime, stateFile);
    } finally {
      if (!given) await runtime.close();
    }
  };
  const reload = async () => {
    await saveState();
    return reloadWith(method, path, runner);
  };
  let reloadResult: ReloadResult | undefined;
  let reloaded = false;
  const activate = async () => {
    try {
      reloadResult = await reload();
    } catch (error) {
      throw new ConfigRejectedError(path, 'reload', [], {
        detail: `the reload failed: ${messageOf(error)}`,
        cause: error,
      });
    }
    reloaded = method !== undefined;
    try {
      await options.confirm?.();
    } catch (error) {
      throw new ConfigRejectedError(path, 'confirm', [], {
        detail: `the new configuration did not serve: ${messageOf(error)}`,
        cause: error,
      });
    }
  };
  // After a failed confirmation HAProxy runs the new file: once the previous one is back, load it again, still under the lock.
  let outcome: string | undefined;
  const onRollback = async (_path: string, error: unknown) => {
    if (!(error instanceof ConfigRejectedError && error.stage === 'confirm' && reloaded)) return;
    const restored = await reload().then(
      () => true,
      () => false,
    );
    outcome = restored
      ? 'the previous file is reloaded'
      : 'reloading the previous file failed too: HAProxy runs the new one';
  };
  try {
    const result = await writeConfig(path, text, { ...options, runner, activate, onRollback });
    return {
      path,
      changed: result.changed,
      backupPath: result.backupPath,
      checked: result.changed && (options.check ?? true),
      reloaded,
      reload: reloadResult,
      sha256: sha256(text),
    };
  } catch (error) {
    if (!(error instanceof ConfigRejectedError && error.stage === 'confirm' && outcome !== undefined)) throw error;
    throw new ConfigRejectedError(path, 'confirm', [], {
      rolledBack: true,
      detail: `${error.detail ?? 'the confirmation failed'}; ${outcome}`,
      cause: error.cause,
    });
  }
}

async function reloadWith(
  method: ReloadMethod | undefined,
  path: string,
  runner: Runner,
): Promise<ReloadResult | undefined> {
  if (method === undefined) return undefined;
  if (typeof method === 'function') {
    await method(path);
    return undefined;
  }
  if ('masterSocket' in method) {
    const result = await new (await runtimeCode()).HaproxyMaster(method.masterSocket).reload();
    if (!result.success) {
      const failed = result.after.find((entry) => entry.type === 'master')?.failedReloads ?? '?';
      throw new HaError(
        'COMMAND_FAILED',
        `HAProxy refused the reload (master: ${failed} failed reload(s)); the old workers still serve`,
      );
    }
    return result;
  }
  const [file, ...args] = method.command as [string, ...string[]];
  await runner.run(file, args, { timeoutMs: 120_000 });
  return undefined;
}

// The Runtime API client (and its answer schemas) loads only for a reload or a server-state save.
function runtimeCode(): Promise<typeof RuntimeModule> {
  return import('@ha/haproxy-runtime');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
