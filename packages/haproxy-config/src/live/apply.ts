import { readFile } from 'node:fs/promises';
import {
  ConfigRejectedError,
  HaError,
  installFile,
  readTextFileWithHash,
  sha256,
  withFileLock,
  type Runner,
} from '@ha/core';
import {
  buildCommandLine,
  HaproxyRuntime,
  PermissionDeniedError,
  RuntimeCommandError,
  UnknownCommandError,
} from '@ha/haproxy-runtime';
import type { HaproxyDocument } from '../parse/cst.js';
import { serialize } from '../print/serialize.js';
import { readConfig } from '../io/read.js';
import { install, writeConfig, type ReloadMethod } from '../io/write.js';
import type { HaproxyCheckOptions } from '../validate/haproxy-check.js';
import {
  describeChange,
  isPatternChange,
  isTlsChange,
  splitServerPath,
  type HaproxyChange,
  type ServerChange,
  type TlsChange,
} from './change.js';
import { planPatternChange } from './pattern-plan.js';
import { planServerChange, type ChangePlan, type PlannedStep, type RuntimeStep, type ServerSnapshot } from './plan.js';
import { lineChanges } from './line-changes.js';
import { saveServerState, serverStateFileOf } from './server-state.js';

/** Options of `applyChange`. */
export interface ApplyChangeOptions {
  /**
   * The configuration as HAProxy reads it (`-f` paths: a file, or files and
   * directories in order). A server change is written to the file whose
   * backend it names. @example '/etc/haproxy/haproxy.cfg'
   */
  config: string | readonly string[];
  /** The Runtime API (`level admin`): a socket path or a client. @example '/run/haproxy/admin.sock' */
  socket: string | HaproxyRuntime;
  /** How HAProxy reloads, for a change the runtime cannot make (without one, such a change is refused). */
  reload?: ReloadMethod;
  /** After such a reload: a check that the new process serves (throw to roll back). */
  confirm?: () => Promise<void>;
  /** The SHA-256 of the file the change was based on (from `readConfig`); default: the file as read now. */
  expectedSha256?: string;
  /** Plan only: the report says what would change, nothing is applied. */
  dryRun?: boolean;
  /** Check the new configuration with the real `haproxy -c` first (default true). */
  check?: boolean;
  /** Passed to `haproxy -c`: the environment for `${VAR}`s, the program, a timeout. */
  checkOptions?: Omit<HaproxyCheckOptions, 'runner' | 'file'>;
  /** Runs `haproxy -c` and reload commands. */
  runner?: Runner;
}

/** What `applyChange` did (or, with `dryRun`, would do). */
export interface ApplyReport {
  /** The change, in words. */
  change: string;
  /** `runtime`: applied live through the Runtime API and written to its file; `reload`: installed by a validated reload. */
  route: 'runtime' | 'reload';
  /** Why a reload was needed. */
  reason: string | undefined;
  /** The file written: haproxy.cfg (or the split file holding the backend), a map or an ACL file. */
  file: string;
  /** The Runtime API commands run (or to run), in order. */
  commands: string[];
  /** The file's lines the change removes, as they were. */
  removed: string[];
  /** The lines it writes. */
  added: string[];
  /** False for a dry run. */
  applied: boolean;
  /** Whether HAProxy was reloaded. */
  reloaded: boolean;
  /** The server-state file written after the change, so a reload keeps what the runtime holds. */
  serverStateFile: string | undefined;
  /** SHA-256 of the file now: the next change's `expectedSha256`. */
  sha256: string;
  /** Things to know (a drain kept only by the server-state file …). */
  notes: string[];
}

/**
 * Applies one change to a running HAProxy and to the file it came from, so
 * neither is left behind. Where HAProxy can make the change live (weights,
 * states, addresses, maxconn, checks, servers added or deleted, map and ACL
 * entries), the new file is checked by `haproxy -c` and put in place under its
 * lock (stale-read check, backup), then the Runtime API commands run; if one
 * is refused, the commands already run are undone and the previous file is
 * put back (a `ConfigRejectedError` with `rolledBack`). A change the runtime
 * cannot make is installed by `install` with `reload`. Values are checked
 * before anything is read: a bad weight, a map value with `;` or a line break
 * are `TypeError`s; a backend, server or map that does not exist is an `HaError` `NOT_FOUND`.
 *
 * @example
 * await applyChange(
 *   { kind: 'set-weight', server: 'servers/web1', weight: 50 },
 *   { config: '/etc/haproxy/haproxy.cfg', socket: '/run/haproxy/admin.sock' },
 * );
 */
export async function applyChange(change: HaproxyChange, options: ApplyChangeOptions): Promise<ApplyReport> {
  const runtime = typeof options.socket === 'string' ? new HaproxyRuntime(options.socket) : options.socket;
  try {
    return await applyWith(runtime, change, options);
  } finally {
    if (typeof options.socket === 'string') await runtime.close();
  }
}

async function applyWith(
  runtime: HaproxyRuntime,
  change: HaproxyChange,
  options: ApplyChangeOptions,
): Promise<ApplyReport> {
  if (isPatternChange(change)) return applyPatternChange(runtime, change, options);
  if (isTlsChange(change)) return applyTlsChange(runtime, change, options);
  const paths = typeof options.config === 'string' ? [options.config] : options.config;
  const read = await readConfig(paths);
  const target = fileFor(read.files, change);
  const before = serialize(target.document);
  let plan: ChangePlan;
  if (change.kind === 'edit') {
    change.edit(target.document);
    plan = { route: 'reload', reason: 'only a reload applies this edit', steps: [], notes: [] };
  } else plan = planServerChange(target.document, change, await snapshotOf(runtime, change));
  const text = serialize(target.document);
  const stateFile = serverStateFileOf(read.files.map((file) => file.document));
  // With a server-state file, the drain is kept after all.
  if (stateFile !== undefined) plan.notes = plan.notes.filter((note) => !note.includes('server-state file'));
  const base = {
    change: describeChange(change),
    route: plan.route,
    reason: plan.reason,
    file: target.path,
    commands: plan.steps.map((planned) => commandText(planned.step)),
    ...lineChanges(before, text),
    notes: plan.notes,
  };
  const expectedSha256 = options.expectedSha256 ?? target.sha256;
  if (options.dryRun)
    return { ...base, applied: false, reloaded: false, serverStateFile: undefined, sha256: target.sha256 };
  const writeOptions = {
    expectedSha256,
    check: options.check ?? true,
    // Every file of a split configuration, directories listed as haproxy -f reads them (the target among them).
    checkWith: paths.length > 1 || paths[0] !== target.path ? read.files.map((file) => file.path) : undefined,
    checkOptions: options.checkOptions,
    runner: options.runner,
  };
  if (plan.route === 'runtime') {
    try {
      let saved: string | undefined;
      const live = async () => {
        await runSteps(runtime, plan.steps);
        saved = await saveStateOrUndo(runtime, stateFile, plan.steps);
      };
      if (text === before) await underLock(target.path, expectedSha256, live);
      else await writeConfig(target.path, text, { ...writeOptions, activate: live });
      return { ...base, applied: true, reloaded: false, serverStateFile: saved, sha256: sha256(text) };
    } catch (error) {
      // The running process cannot make this change: the same file, installed by a reload.
      if (!(rootCause(error) instanceof ReloadInstead)) throw error;
      const reason = (rootCause(error) as ReloadInstead).message;
      return reloadRoute({ ...base, route: 'reload', reason, commands: [] }, runtime, target.path, text, {
        ...options,
        ...writeOptions,
        stateFile,
      });
    }
  }
  return reloadRoute(base, runtime, target.path, text, { ...options, ...writeOptions, stateFile });
}

async function reloadRoute(
  base: Omit<ApplyReport, 'applied' | 'reloaded' | 'serverStateFile' | 'sha256'>,
  runtime: HaproxyRuntime,
  path: string,
  text: string,
  options: ApplyChangeOptions & {
    expectedSha256: string;
    checkWith: string[] | undefined;
    stateFile: string | undefined;
  },
): Promise<ApplyReport> {
  if (options.reload === undefined)
    throw new HaError(
      'PRECONDITION_FAILED',
      `${base.change}: ${base.reason ?? 'this change needs a reload'}, and no reload method was given`,
    );
  const report = await install(path, text, {
    expectedSha256: options.expectedSha256,
    check: options.check,
    checkWith: options.checkWith,
    checkOptions: options.checkOptions,
    runner: options.runner,
    reload: options.reload,
    confirm: options.confirm,
    serverState: options.stateFile === undefined ? undefined : { runtime },
  });
  return {
    ...base,
    route: 'reload',
    applied: true,
    reloaded: report.reloaded,
    serverStateFile: options.stateFile,
    sha256: report.sha256,
  };
}

async function applyPatternChange(
  runtime: HaproxyRuntime,
  change: Extract<HaproxyChange, { map: string } | { acl: string }>,
  options: ApplyChangeOptions,
): Promise<ApplyReport> {
  const kind = 'map' in change ? 'map' : 'acl';
  const file = 'map' in change ? change.map : change.acl;
  const loaded = (await runtime.showMaps(kind)).some((entry) => entry.file === file);
  if (!loaded) throw new HaError('NOT_FOUND', `the running HAProxy has no ${kind} loaded from ${file}`);
  const { text: before, sha256: readSha } = await readTextFileWithHash(file);
  const current = await runtime.showMap(file, { kind });
  const { text, steps } = planPatternChange(before, change, current);
  const base = {
    change: describeChange(change),
    route: 'runtime' as const,
    reason: undefined,
    file,
    commands: steps.map((planned) => commandText(planned.step)),
    ...lineChanges(before, text),
    notes: [],
    serverStateFile: undefined,
    reloaded: false,
  };
  if (options.dryRun) return { ...base, applied: false, sha256: readSha };
  const expectedSha256 = options.expectedSha256 ?? readSha;
  const live = () => runSteps(runtime, steps);
  if (text === before) await underLock(file, expectedSha256, live);
  else await installFile(file, text, { lock: true, expectedSha256, activate: live });
  return { ...base, applied: true, sha256: sha256(text) };
}

// Certificates go through @ha/haproxy-runtime, which checks the PEM first, commits it live and writes the file
// (putting the old one back in HAProxy when the write fails).
async function applyTlsChange(
  runtime: HaproxyRuntime,
  change: TlsChange,
  options: ApplyChangeOptions,
): Promise<ApplyReport> {
  const base = {
    change: describeChange(change),
    route: 'runtime' as const,
    reason: undefined,
    file: change.kind === 'crt-list-add' ? change.crtList : change.file,
    removed: [],
    added: [],
    reloaded: false,
    serverStateFile: undefined,
  };
  const kind = change.kind === 'certificate' || change.kind === 'crt-list-add' ? 'cert' : change.kind;
  const commands =
    change.kind === 'crt-list-add'
      ? [
          `new ssl cert ${change.file}`,
          `set ssl cert ${change.file} <<`,
          `commit ssl cert ${change.file}`,
          `add ssl crt-list ${change.crtList} <<`,
        ]
      : [`set ssl ${kind} ${change.file} <<`, `commit ssl ${kind} ${change.file}`];
  if (options.dryRun) return { ...base, commands, applied: false, notes: [], sha256: '' };
  const notes: string[] = [];
  let written: string;
  if (change.kind === 'certificate') {
    const result = await runtime.replaceCertificate(change.file, change.certificate, { key: change.key });
    notes.push(
      `serial ${result.before.serial} → ${result.after.serial}, valid until ${result.after.notAfter.toISOString()}`,
    );
    written = change.file;
  } else if (change.kind === 'crt-list-add') {
    const entry = await runtime.addToCrtList(change.crtList, change.file, change.certificate, {
      filters: change.filters,
    });
    notes.push(`served for ${entry.filters.length > 0 ? entry.filters.join(', ') : 'every name the certificate has'}`);
    written = change.crtList;
  } else {
    await runtime.replaceCaFile(change.kind, change.file, change.pem);
    written = change.file;
  }
  return { ...base, commands, applied: true, notes, sha256: sha256(await readFile(written)) };
}

function fileFor(
  files: readonly { path: string; document: HaproxyDocument; sha256: string }[],
  change: ServerChange | Extract<HaproxyChange, { kind: 'edit' }>,
): { path: string; document: HaproxyDocument; sha256: string } {
  if (change.kind === 'edit') return files[0] as (typeof files)[number];
  const { backend } = splitServerPath(change.server);
  const found = files.find((file) =>
    file.document.sections.some(
      (section) => (section.kind === 'backend' || section.kind === 'listen') && section.name === backend,
    ),
  );
  if (!found) throw new HaError('NOT_FOUND', `no backend named '${backend}' in ${files.map((f) => f.path).join(', ')}`);
  return found;
}

async function snapshotOf(runtime: HaproxyRuntime, change: ServerChange): Promise<ServerSnapshot | undefined> {
  const { backend, server } = splitServerPath(change.server);
  let states;
  try {
    states = await runtime.showServersState(backend);
  } catch (error) {
    if (error instanceof RuntimeCommandError && /backend/i.test(error.message))
      throw new HaError('NOT_FOUND', `the running HAProxy has no backend '${backend}'`, { cause: error });
    throw error;
  }
  const state = states.find((row) => row.srv_name === server);
  if (state === undefined) return undefined;
  const rows = await runtime.showStat({ proxyId: state.be_id, types: 4, serverId: state.srv_id });
  const row = rows.find((entry) => entry.svname === server);
  const maxconn = Number(row?.slim ?? 0);
  return { state, maxconn: Number.isFinite(maxconn) ? maxconn : 0 };
}

/** Refusal of a step HAProxy cannot do live: the change goes by a reload. */
class ReloadInstead extends Error {}

async function runSteps(runtime: HaproxyRuntime, steps: readonly PlannedStep[]): Promise<void> {
  const done: PlannedStep[] = [];
  for (const planned of steps) {
    try {
      await runStepPatiently(runtime, planned);
    } catch (error) {
      await undoOrExplain(runtime, done, error);
      if (cannotDoLive(planned, error))
        throw new ReloadInstead(`HAProxy refused '${commandText(planned.step)}': ${error.message}`, { cause: error });
      throw error;
    }
    done.push(planned);
  }
}

// A refusal that says the running process cannot make this change (not a socket without the right, nor an old
// HAProxy without the command): the change goes by a reload.
function cannotDoLive(planned: PlannedStep, error: unknown): error is RuntimeCommandError {
  if (!planned.reloadOnRefusal || !(error instanceof RuntimeCommandError)) return false;
  if (error instanceof PermissionDeniedError || error instanceof UnknownCommandError) return false;
  return planned.reloadOnRefusal === true || planned.reloadOnRefusal.test(error.message);
}

// A refusal HAProxy lifts by itself (a deleted server's connections still closing) is retried for a while.
async function runStepPatiently(runtime: HaproxyRuntime, planned: PlannedStep): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await runStep(runtime, planned.step);
      return;
    } catch (error) {
      const transient =
        planned.retryWhile !== undefined &&
        error instanceof RuntimeCommandError &&
        planned.retryWhile.test(error.message);
      if (!transient || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

// Undo what ran, newest first. An undo that fails leaves the process changed: the error says so and what failed,
// and keeps the refusal that started it as its cause.
async function undoOrExplain(runtime: HaproxyRuntime, done: readonly PlannedStep[], error: unknown): Promise<void> {
  const failed: string[] = [];
  for (const planned of [...done].reverse())
    for (const step of planned.undo)
      await runStep(runtime, step).catch((undoError: unknown) =>
        failed.push(`${commandText(step)}: ${undoError instanceof Error ? undoError.message : String(undoError)}`),
      );
  if (failed.length > 0)
    throw new HaError(
      'COMMAND_FAILED',
      `${error instanceof Error ? error.message : String(error)}; undoing the change failed too, the running HAProxy ` +
        `differs from its file: ${failed.join('; ')}`,
      { cause: error },
    );
}

async function saveStateOrUndo(
  runtime: HaproxyRuntime,
  stateFile: string | undefined,
  steps: readonly PlannedStep[],
): Promise<string | undefined> {
  if (stateFile === undefined) return undefined;
  try {
    await saveServerState(runtime, stateFile);
    return stateFile;
  } catch (error) {
    await undoOrExplain(runtime, steps, error);
    throw error;
  }
}

async function runStep(runtime: HaproxyRuntime, step: RuntimeStep): Promise<void> {
  if ('words' in step) {
    await runtime.execute(step.words);
    return;
  }
  const { id, kind, entries } = step.replace;
  if (kind === 'map') {
    await runtime.replaceMap(id, entries, kind);
    return;
  }
  // HAProxy 2.6 takes no payload after `add acl`: the new version is filled one pattern at a time, then committed.
  const version = await runtime.prepare(id, 'acl');
  for (const entry of entries)
    await runtime.execute(['add', 'acl', `@${version}`, id, typeof entry === 'string' ? entry : entry[0]]);
  await runtime.commit(id, version, 'acl');
}

function commandText(step: RuntimeStep): string {
  if ('words' in step) return buildCommandLine(step.words);
  const { id, kind, entries } = step.replace;
  return `prepare ${kind} ${id}; add ${kind} @NEW ${id} (${entries.length} entries); commit ${kind} @NEW ${id}`;
}

// A change the file already holds: the runtime side alone, still under the file's lock and stale check.
async function underLock(path: string, expectedSha256: string, run: () => Promise<void>): Promise<void> {
  await withFileLock(path, async () => {
    const { sha256: now } = await readTextFileWithHash(path);
    if (now !== expectedSha256)
      throw new ConfigRejectedError(path, 'stale', [], {
        detail: 'has changed since it was read; read it again and redo the change',
      });
    await run();
  });
}

function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof ReloadInstead) return current;
    current = current.cause;
  }
  return current;
}
