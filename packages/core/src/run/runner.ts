import { closeSync, openSync } from 'node:fs';
import { once } from 'node:events';
import type * as Execa from 'execa';
import type { Options as ExecaOptions } from 'execa';
import { UnsafeArgumentError } from '../errors/ha-error.js';
import { CommandError, ToolNotFoundError, type CommandOutcome } from './command-error.js';

/** How a command's standard streams are connected. */
export type StdioMode = 'pipe' | 'inherit' | 'ignore';

/** Options of one command run. */
export interface RunOptions {
  /** Kill the command (SIGTERM, then SIGKILL) after this many ms. Default: the runner's, else 60 000. */
  timeoutMs?: number;
  /** Variables added to (or, with `cleanEnv`, making up) the environment. */
  env?: Record<string, string | undefined>;
  /** Start from an empty environment instead of this process's. */
  cleanEnv?: boolean;
  /** Working directory of the command; default this process's. */
  cwd?: string;
  /** Written to the command's standard input. */
  input?: string;
  /** `pipe` (default) captures output; `inherit` passes the terminal through; `ignore` detaches all three. */
  stdio?: StdioMode;
  /** Exit codes, besides 0, that are answers rather than failures (crm_mon's, `grep`'s 1 …). */
  allowExitCodes?: readonly number[];
}

/** A command that ran and exited with an accepted code. */
export interface CommandResult extends CommandOutcome {
  exitCode: number;
}

/** Options of a long-running process started in the background. */
export interface DetachedOptions {
  /** Variables added to (or, with `cleanEnv`, making up) the environment. */
  env?: Record<string, string | undefined>;
  /** Start from an empty environment instead of this process's. */
  cleanEnv?: boolean;
  /** Working directory of the process; default this process's. */
  cwd?: string;
  /** Append the process's stdout and stderr to this file; otherwise they go to /dev/null. */
  logFile?: string;
}

/** A started background process. */
export interface DetachedProcess {
  /** Its process id, to signal it later (it leads its own session, so also its process group). */
  pid: number;
  /** The command as started, quoted for humans. */
  command: string;
}

/**
 * The one way ha-toolkit runs programs. Libraries take a `Runner` so tests and
 * callers can inject another (a lab node, a recorder) without touching the core.
 */
export interface Runner {
  /**
   * Runs a program to its end and resolves with its outcome once it exits with 0 or an
   * allowed code; rejects with `CommandError` (failed, killed, timed out),
   * `ToolNotFoundError` (not installed) or `UnsafeArgumentError` (a NUL byte in an argument).
   * @example const { stdout } = await runner.run('crm_mon', ['--one-shot', '--output-as=xml']);
   */
  run(file: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** Starts a daemon in its own session, not waited for and not tied to this process. */
  spawnDetached(file: string, args: readonly string[], options?: DetachedOptions): Promise<DetachedProcess>;
  /**
   * Starts a long-running command and hands its standard output line by line
   * (`drbdsetup events2`, `crm_mon` in a loop). `stop()` ends it; `done`
   * settles when it exits: a `CommandError` for a failure we did not cause.
   */
  stream(file: string, args: readonly string[], options?: StreamOptions): StreamingProcess;
}

/** Options of a streamed command. */
export interface StreamOptions {
  /** Variables added to (or, with `cleanEnv`, making up) the environment. */
  env?: Record<string, string | undefined>;
  /** Start from an empty environment instead of this process's. */
  cleanEnv?: boolean;
  /** Working directory of the command; default this process's. */
  cwd?: string;
  /**
   * Hand standard output as it arrives, chunk by chunk, instead of line by line: for output that
   * matters before its newline (crm_mon's progress dot, printed the moment the CIB changes).
   */
  chunks?: boolean;
}

/** A running, streamed command. */
export interface StreamingProcess {
  /** Standard output, a line at a time (without the newline), or with `chunks` as it arrives, until the command exits. */
  lines: AsyncIterable<string>;
  /** Ends the command (SIGTERM, then SIGKILL); resolves when it is gone. */
  stop(): Promise<void>;
  /** Settles when the command exits: its outcome, or the typed error. */
  done: Promise<CommandResult>;
}

/** Rewrites a command before it runs, e.g. to run it inside a namespace. */
export type CommandWrapper = (file: string, args: readonly string[]) => { file: string; args: string[] };

/** Defaults every command of a runner gets. */
export interface RunnerOptions {
  /** Timeout of every `run`, in ms, unless the call gives its own; default 60 000. Streamed and detached commands have none. */
  timeoutMs?: number;
  /** Variables every command gets; a call's own `env` wins over these. */
  env?: Record<string, string | undefined>;
  /** Every command starts from an empty environment (plus `env`) unless a call says otherwise. */
  cleanEnv?: boolean;
  /** Applied to every command (`nsenter …`, `sudo …`). */
  wrap?: CommandWrapper;
  /** Shown before the command in errors (`[node1] crm_mon …`). */
  label?: string;
}

const defaultTimeoutMs = 60_000;

/** What an execa result says, in the shape of our errors. */
function outcomeOf(
  file: string,
  args: readonly string[],
  shown: string,
  result: {
    exitCode?: number | undefined;
    signal?: string | undefined;
    stdout?: unknown;
    stderr?: unknown;
    durationMs: number;
  },
  timedOut: boolean,
): CommandOutcome {
  return {
    file,
    args: [...args],
    command: shown,
    exitCode: result.exitCode,
    signal: result.signal,
    stdout: typeof result.stdout === 'string' ? result.stdout : '',
    stderr: typeof result.stderr === 'string' ? result.stderr : '',
    timedOut,
    durationMs: result.durationMs,
  };
}

/** A program that could not be started (or that a wrapper such as nsenter could not find) is a `ToolNotFoundError`. */
function assertFound(outcome: CommandOutcome, realFile: string, wrapped: boolean, cause: unknown): void {
  if (isSpawnNotFound(cause)) throw new ToolNotFoundError(realFile, outcome.args, outcome.command, { cause });
  if (wrapped && isWrappedNotFound(outcome)) throw new ToolNotFoundError(outcome.file, outcome.args, outcome.command);
}

/** Creates a runner over execa with the given defaults. */
export function createRunner(defaults: RunnerOptions = {}): Runner {
  const prepare = (file: string, args: readonly string[]) => {
    assertSafeCommand(file, args);
    const wrapped = defaults.wrap ? defaults.wrap(file, args) : { file, args: [...args] };
    const shown = formatCommand(file, args);
    return { ...wrapped, shown: defaults.label ? `[${defaults.label}] ${shown}` : shown };
  };
  const environment = (options: { env?: Record<string, string | undefined>; cleanEnv?: boolean }) => ({
    env: { ...defaults.env, ...options.env },
    extendEnv: !(options.cleanEnv ?? defaults.cleanEnv ?? false),
  });

  return {
    async run(file, args, options = {}) {
      const { file: realFile, args: realArgs, shown } = prepare(file, args);
      const stdio = options.stdio ?? 'pipe';
      const execaOptions: ExecaOptions = {
        ...environment(options),
        reject: false,
        timeout: options.timeoutMs ?? defaults.timeoutMs ?? defaultTimeoutMs,
        forceKillAfterDelay: 2_000,
        stripFinalNewline: false,
        maxBuffer: 1024 * 1024 * 1024,
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        ...(options.input === undefined
          ? { stdin: stdio === 'inherit' ? 'inherit' : 'ignore' }
          : { input: options.input }),
        stdout: stdio,
        stderr: stdio,
      };
      const { execa } = await loadExeca();
      const result = await execa(realFile, realArgs, execaOptions);
      const outcome = outcomeOf(file, args, shown, result, result.timedOut);
      assertFound(outcome, realFile, defaults.wrap !== undefined, result.cause);
      const accepted =
        outcome.exitCode === 0 ||
        (outcome.exitCode !== undefined && (options.allowExitCodes ?? []).includes(outcome.exitCode));
      if (!accepted || outcome.timedOut) {
        throw new CommandError(outcome, { cause: result.cause });
      }
      return { ...outcome, exitCode: outcome.exitCode as number };
    },

    stream(file, args, options = {}) {
      liveGroups.ensureExitHook();
      const { file: realFile, args: realArgs, shown } = prepare(file, args);
      let stopped = false;
      // Chunks may split a UTF-8 sequence: the decoder keeps the partial bytes for the next one.
      const decoder = new TextDecoder();
      // Boxed: an execa subprocess is itself a promise, which `await` would unwrap.
      const child = loadExeca().then(({ execa }) => ({
        subprocess: execa(realFile, realArgs, {
          ...environment(options),
          ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
          reject: false,
          stdin: 'ignore',
          stdout: 'pipe',
          stderr: 'pipe',
          buffer: { stdout: false, stderr: true },
          stripFinalNewline: false,
          // Its own process group, ended as a whole: a wrapper that forks (nsenter into a PID
          // namespace) would otherwise die alone and leave the real command holding the pipe.
          detached: true,
        }),
      }));
      const end = async () => {
        const { subprocess } = await child;
        // Once `done` settled every writer of the pipe is gone: the group id may belong to another process by now.
        if (subprocess.pid === undefined || settled) return;
        killGroup(subprocess.pid, 'SIGTERM');
        const force = setTimeout(() => killGroup(subprocess.pid as number, 'SIGKILL'), 2_000);
        await done.catch(() => undefined);
        clearTimeout(force);
      };
      // A reader that stops early (a break, a throw) ends the command: marked as ours before the
      // command sees its pipe close, so that is not reported as a failure.
      const lines: AsyncIterable<string> = {
        [Symbol.asyncIterator]() {
          let inner: AsyncIterator<unknown> | undefined;
          const open = async () => {
            if (inner) return inner;
            const iterable = (await child).subprocess.iterable(
              options.chunks ? { from: 'stdout', binary: true } : { from: 'stdout' },
            );
            inner = iterable[Symbol.asyncIterator]();
            return inner;
          };
          return {
            async next(): Promise<IteratorResult<string>> {
              const result = await (await open()).next();
              if (result.done) return { done: true, value: undefined };
              const value =
                result.value instanceof Uint8Array
                  ? decoder.decode(result.value, { stream: true })
                  : String(result.value);
              return { done: false, value };
            },
            async return(): Promise<IteratorResult<string>> {
              stopped = true;
              void end();
              await (await open()).return?.();
              return { done: true, value: undefined };
            },
          };
        },
      };
      const done = child.then(async ({ subprocess }) => {
        const result = await subprocess;
        // Its standard output went to `lines`, not into the outcome.
        const outcome = { ...outcomeOf(file, args, shown, result, false), stdout: '' };
        assertFound(outcome, realFile, defaults.wrap !== undefined, result.cause);
        if (!stopped && outcome.exitCode !== 0) throw new CommandError(outcome, { cause: result.cause });
        return { ...outcome, exitCode: outcome.exitCode ?? 0 };
      });
      // Read by the caller; never an unhandled rejection meanwhile.
      let settled = false;
      void done.then(
        () => (settled = true),
        () => (settled = true),
      );
      void child.then(({ subprocess }) => {
        const pid = subprocess.pid;
        if (pid === undefined) return;
        liveGroups.pids.add(pid);
        void done.finally(() => liveGroups.pids.delete(pid)).catch(() => undefined);
      });
      return {
        lines,
        done,
        stop: async () => {
          stopped = true;
          await end();
          await done.catch(() => undefined);
        },
      };
    },
    async spawnDetached(file, args, options = {}) {
      const { file: realFile, args: realArgs, shown } = prepare(file, args);
      const log = options.logFile === undefined ? undefined : openSync(options.logFile, 'a');
      try {
        // execa hands a plain fd number straight to spawn (its types only list 0-9), so the
        // daemon writes to the file itself and holds no pipe of ours.
        const logTarget = (log ?? 'ignore') as unknown as 'ignore';
        const detachedOptions: ExecaOptions = {
          ...environment(options),
          ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
          detached: true,
          reject: false,
          cleanup: false,
          stdin: 'ignore',
          stdout: logTarget,
          stderr: logTarget,
        };
        const { execa } = await loadExeca();
        const child = execa(realFile, realArgs, detachedOptions);
        // once('spawn') rejects with the spawn error (ENOENT, EACCES) when there is one.
        const spawnError = await once(child, 'spawn').then(
          () => undefined,
          (error: unknown) => error,
        );
        if (spawnError !== undefined || child.pid === undefined) {
          await child;
          if (isSpawnNotFound(spawnError))
            throw new ToolNotFoundError(realFile, [...args], shown, { cause: spawnError });
          const message = spawnError instanceof Error ? spawnError.message : String(spawnError);
          throw new CommandError(
            {
              file,
              args: [...args],
              command: shown,
              exitCode: undefined,
              signal: undefined,
              stdout: '',
              stderr: message,
              timedOut: false,
              durationMs: 0,
            },
            { cause: spawnError },
          );
        }
        child.unref();
        // The promise settles when the daemon exits; nobody waits on it.
        child.catch(() => undefined);
        return { pid: child.pid, command: shown };
      } finally {
        if (log !== undefined) closeSync(log);
      }
    },
  };
}

// execa takes ~70 ms to load; a CLI that never runs a program (ha-haproxy) should not pay for it.
let execaModule: Promise<typeof Execa> | undefined;
function loadExeca(): Promise<typeof Execa> {
  execaModule ??= import('execa');
  return execaModule;
}

/** The runner most callers want: this process's environment, 60 s timeout. */
export const defaultRunner: Runner = createRunner();

/**
 * Refuses what cannot be a single argument of an argument vector. There is no
 * shell anywhere, but a NUL byte would still truncate an argument silently.
 */
export function assertSafeCommand(file: string, args: readonly unknown[]): void {
  if (typeof file !== 'string' || file.length === 0 || file.includes('\0')) {
    throw new UnsafeArgumentError('the program name must be a non-empty string without NUL bytes', String(file));
  }
  for (const arg of args) {
    if (typeof arg !== 'string') {
      throw new UnsafeArgumentError(`arguments must be strings, got ${typeof arg}`, String(arg));
    }
    if (arg.includes('\0')) {
      throw new UnsafeArgumentError('an argument contains a NUL byte', arg);
    }
  }
}

/** Joins a command for display, quoting arguments a shell user would need quoted. */
export function formatCommand(file: string, args: readonly string[]): string {
  return [file, ...args].map(quoteForDisplay).join(' ');
}

function quoteForDisplay(word: string): string {
  if (word.length > 0 && /^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function isSpawnNotFound(cause: unknown): boolean {
  return (
    typeof cause === 'object' &&
    cause !== null &&
    (cause as { code?: unknown }).code === 'ENOENT' &&
    (cause as { syscall?: unknown }).syscall?.toString().startsWith('spawn') === true
  );
}

// Behind a wrapper (nsenter, env) a missing program is exit 126/127 with a message, not ENOENT.
function isWrappedNotFound(outcome: CommandOutcome): boolean {
  return (
    (outcome.exitCode === 127 || outcome.exitCode === 126) && /No such file or directory|not found/.test(outcome.stderr)
  );
}

// The process groups of streamed commands still running: ended when this process exits, so a
// detached group (see `stream`) never outlives the program that started it.
const liveGroups = {
  pids: new Set<number>(),
  hooked: false,
  ensureExitHook(): void {
    if (this.hooked) return;
    this.hooked = true;
    process.once('exit', () => {
      for (const pid of this.pids) killGroup(pid, 'SIGKILL');
    });
  },
};

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
