import { parseArgs, type ArgDef, type ArgsDef, type ParsedArgs } from 'citty';
import { isHaError, UsageError } from '../errors/ha-error.js';
import { escapeForMessage } from '../run/failure-line.js';
import { toJson } from './json.js';
import { renderHelp, toKebabCase } from './usage.js';

/** Where a command writes; injectable so tests call commands directly. */
export interface CliIo {
  /** Writes text to standard output as is (add the newline yourself). */
  stdout: (text: string) => void;
  /** Writes text to standard error as is: errors, warnings, progress. */
  stderr: (text: string) => void;
  /** Bytes as they are, for output too large to turn into a string first (falls back to `stdout`). */
  stdoutBytes?: (bytes: Uint8Array) => void;
}

/** What a command's `run` receives. */
export interface CliContext<T extends ArgsDef = ArgsDef> {
  /** The parsed arguments, typed from the command's `args` (`args.dryRun`, `args.node`; every positional word also in `args._`). */
  args: ParsedArgs<T>;
  /** The command's own argv, without the subcommand words, everything after `--` included (`ha-lab exec NODE -- CMD …`). */
  rawArgs: string[];
  /** Where to write; `processIo` in a real process, a capture in tests. */
  io: CliIo;
}

/**
 * A CLI command: citty's shape (`meta`, `args`, `subCommands`) with a `run`
 * that returns its exit code (default 0). A command with subcommands has no run.
 */
export interface CliCommand<T extends ArgsDef = ArgsDef> {
  /** What `--help` shows of the command. */
  meta: {
    /** The word that selects it (`status`), or the program's name on the root (`ha-pcs`). */
    name: string;
    /** One line for `--help`. */
    description: string;
    /** What `--version` prints; read only on the root command. */
    version?: string;
  };
  /**
   * Its flags and positionals, citty's definitions, e.g. `{ json: { type: 'boolean', description: 'Print JSON' } }`;
   * each needs a `description` for `--help`.
   */
  args?: T;
  /** Commands selected by the next word, by name (`ha-pcs status` runs `subCommands.status`). */
  subCommands?: Record<string, CliCommand<any>>;
  /** Does the work; returns the exit code (nothing means 0). A thrown error becomes one line on stderr and exit 2. */
  run?: (context: CliContext<T>) => Promise<number | void> | number | void;
}

/** Types a command's arguments from its definition (`args.nodes` is a string …). */
export function defineCliCommand<const T extends ArgsDef = ArgsDef>(command: CliCommand<T>): CliCommand<T> {
  return command;
}

/** The io of a real process. */
export const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  stdoutBytes: (bytes) => void process.stdout.write(bytes),
};

/**
 * Runs a command tree on `argv` and returns the exit code; never exits, so tests
 * call it directly. `--help`/`-h` print usage (0); `--version` prints the root's
 * version; any error is one line on stderr and exit code 2.
 */
export async function runCli(root: CliCommand<any>, argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const name = root.meta.name;
  let json = argv.includes('--json');
  try {
    const { command, path, rest } = resolveSubcommand(root, [...argv]);
    const ownArgs = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
    json = ownArgs.includes('--json');
    if (ownArgs.includes('--help') || ownArgs.includes('-h')) {
      io.stdout(renderHelp(command, path));
      return 0;
    }
    if (
      command.subCommands &&
      !command.run &&
      firstPositional(ownArgs) === undefined &&
      !ownArgs.includes('--version')
    ) {
      io.stderr(renderHelp(command, path));
      io.stderr(`${name}: no command given\n`);
      return 2;
    }
    if (command === root && ownArgs.includes('--version') && root.meta.version !== undefined) {
      io.stdout(`${root.meta.version}\n`);
      return 0;
    }
    if (command === root && ownArgs.includes('--version') && firstPositional(ownArgs) === undefined) {
      throw new UsageError(`${name} has no version (see ${name} --help)`);
    }
    if (!command.run) {
      throw new UsageError(`unknown command '${firstPositional(rest)}' (see ${name} --help)`);
    }
    const args = parseCommandArgs(command, rest);
    const code = await command.run({ args, rawArgs: rest, io });
    return typeof code === 'number' ? code : 0;
  } catch (error) {
    const message = describeError(error);
    // `… --json | jq`: the pipeline gets one parseable answer, the terminal still gets the line.
    if (json) io.stdout(`${toJson({ error: { code: errorCode(error), message, ...errorFields(error) } })}\n`);
    io.stderr(`${name}: ${message}\n`);
    return 2;
  }
}

/** The `code` of an error as `--json` shows it: an `HaError`'s own, else `USAGE_ERROR` for argument errors, else `INTERNAL_ERROR`. */
function errorCode(error: unknown): string {
  if (isHaError(error)) return error.code;
  if (error instanceof Error && error.name === 'CLIError') return 'USAGE_ERROR';
  return 'INTERNAL_ERROR';
}

/**
 * The fields an `HaError` adds (a refused write's `stage` and `findings`, a parse error's `reason`,
 * `line` and `column`, the missing `service`, a command's `exitCode` and `stderr`), for `--json`:
 * a script branches on them instead of on the message. Not its `cause`, which is for humans.
 */
function errorFields(error: unknown): Record<string, unknown> {
  if (!isHaError(error)) return {};
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (!['code', 'cause', 'message', 'name'].includes(key) && value !== undefined) fields[key] = value;
  }
  return fields;
}

/** `runCli` with the output kept as text: the exit code, stdout and stderr (for tests, and callers that want the words). */
export async function runCliCaptured(
  root: CliCommand<any>,
  argv: readonly string[],
): Promise<{ code: number; out: string; err: string }> {
  const captured = { out: '', err: '' };
  const code = await runCli(root, argv, {
    stdout: (text) => void (captured.out += text),
    stderr: (text) => void (captured.err += text),
  });
  return { code, ...captured };
}

/** Entry for a `bin` shim: owns `process.argv` and the exit code. */
export async function runCliMain(root: CliCommand<any>): Promise<void> {
  // `ha-haproxy stat | head`: the reader left, so nobody wants the rest. Stop quietly, as
  // programs killed by SIGPIPE do (Node ignores that signal, so the write fails with EPIPE).
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.stderr.write(`${root.meta.name}: cannot write the output: ${describeError(error)}\n`);
    process.exit(2);
  });
  process.exitCode = await runCli(root, process.argv.slice(2));
}

/** One line for any error: the message of ours, the class and message of others. */
export function describeError(error: unknown): string {
  if (isHaError(error)) return singleLine(error.message);
  if (error instanceof Error) {
    // citty's own argument errors are usage errors.
    if (error.name === 'CLIError') return singleLine(error.message);
    return singleLine(`${error.name}: ${error.message}`);
  }
  return singleLine(String(error));
}

// One line, with any control byte a message carries from its input escaped (never raw on a terminal).
function singleLine(text: string): string {
  return escapeForMessage(text.replace(/\s*\n\s*/g, ' | ').trim(), 4000);
}

function resolveSubcommand(
  root: CliCommand<any>,
  argv: string[],
): { command: CliCommand<any>; path: string[]; rest: string[] } {
  let command = root;
  const path = [root.meta.name];
  let rest = argv;
  for (;;) {
    const subCommands = command.subCommands;
    if (!subCommands) return { command, path, rest };
    const index = positionalIndex(command, rest);
    if (index === -1 || (rest.indexOf('--') !== -1 && rest.indexOf('--') < index)) return { command, path, rest };
    const next = subCommands[rest[index] as string];
    if (!next) {
      // A command with a run of its own takes the word only if it declares a positional argument.
      const takesPositional = Object.values(command.args ?? {}).some(
        (definition) => (definition as ArgDef).type === 'positional',
      );
      if (command.run && takesPositional) return { command, path, rest };
      throw new UsageError(`unknown command '${rest[index]}' (see ${root.meta.name} --help)`);
    }
    path.push(rest[index] as string);
    command = next;
    rest = [...rest.slice(0, index), ...rest.slice(index + 1)];
  }
}

/** Where the first word that is not an option (nor an option's value) is, or -1. */
function positionalIndex(command: CliCommand<any>, args: readonly string[]): number {
  const valued = new Set<string>();
  for (const [key, definition] of Object.entries(command.args ?? {}) as [string, ArgDef][]) {
    if (definition.type !== 'string' && definition.type !== 'enum') continue;
    valued.add(`--${key}`).add(`--${toKebabCase(key)}`);
    for (const alias of [(definition as { alias?: string | string[] }).alias ?? []].flat())
      valued.add(alias.length === 1 ? `-${alias}` : `--${alias}`);
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('-')) return i;
    if (valued.has(arg)) i++; // `--config FILE`: FILE is the option's
  }
  return -1;
}

function firstPositional(args: readonly string[]): string | undefined {
  return args.find((arg) => !arg.startsWith('-'));
}

function parseCommandArgs(command: CliCommand<any>, rest: string[]): ParsedArgs<any> {
  const definitions = command.args ?? {};
  const known = new Set<string>();
  for (const [key, definition] of Object.entries(definitions) as [string, ArgDef][]) {
    known.add(key);
    known.add(toKebabCase(key));
    const aliases =
      definition.type === 'positional' ? [] : [(definition as { alias?: string | string[] }).alias ?? []].flat();
    for (const alias of aliases) known.add(alias);
  }
  // Everything after `--` belongs to the command (ha-lab exec NODE -- CMD ...).
  const dashDash = rest.indexOf('--');
  const own = dashDash === -1 ? rest : rest.slice(0, dashDash);
  for (const arg of own) {
    if (!arg.startsWith('-') || arg === '-') continue;
    const flag = arg.replace(/^--?(no-)?/, '').split('=')[0] as string;
    if (!known.has(flag) && !known.has(toCamel(flag))) {
      throw new UsageError(`unknown option '${arg}' (see ${command.meta.name} --help)`);
    }
  }
  return parseArgs(rest, definitions);
}

function toCamel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
