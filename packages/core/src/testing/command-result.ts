import type { CommandResult } from '../run/runner.js';

/**
 * A finished command as a runner reports it, for a test's stand-in runner that
 * replays recorded output: the program, its arguments, what it printed and its exit code.
 */
export function recordedResult(
  file: string,
  args: readonly string[],
  output: { stdout?: string; stderr?: string; exitCode?: number; durationMs?: number } = {},
): CommandResult {
  return {
    file,
    args: [...args],
    command: [file, ...args].join(' '),
    exitCode: output.exitCode ?? 0,
    signal: undefined,
    stdout: output.stdout ?? '',
    stderr: output.stderr ?? '',
    timedOut: false,
    durationMs: output.durationMs ?? 1,
  };
}
