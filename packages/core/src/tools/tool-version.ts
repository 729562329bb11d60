import { HaError } from '../errors/ha-error.js';
import { ToolNotFoundError } from '../run/command-error.js';
import { defaultRunner, type Runner } from '../run/runner.js';

/** How to ask one program for its version. */
export interface ToolSpec {
  /** What users call it (`haproxy`, `pacemaker`). */
  name: string;
  /** The program to run, found on PATH (`crm_mon`, `drbdadm`). */
  file: string;
  /** Arguments that make it print its version, e.g. `['-v']` for haproxy. */
  args: readonly string[];
  /** First capture group is the version. Tried on stdout, then stderr. */
  pattern: RegExp;
  /** Extra environment for the version command (e.g. `LC_ALL: 'C'` so the output is not translated). */
  env?: Record<string, string>;
  /** Exit codes besides 0 that still print the version. */
  allowExitCodes?: readonly number[];
}

/** A program's presence and version on this machine (`toolVersionSchema` is its schema). */
export interface ToolVersion {
  /** The tool's name from its `ToolSpec` (`haproxy`, `pacemaker`). */
  name: string;
  /** The program that was run (`ToolSpec.file`). */
  file: string;
  /** Whether the program exists on PATH; false only for a missing program, not for a failing one. */
  found: boolean;
  /** The version it printed (`2.6.12`); undefined when it is missing or printed none. */
  version?: string | undefined;
  /** Why no version was read although the program exists (it failed, or printed no version). */
  error?: string | undefined;
}

/** The version `pattern` finds in `output`, or undefined. */
export function parseToolVersion(output: string, pattern: RegExp): string | undefined {
  return pattern.exec(output)?.[1];
}

/** Runs the tool's version command; a missing tool is `found: false`, not an error. */
export async function detectToolVersion(spec: ToolSpec, runner: Runner = defaultRunner): Promise<ToolVersion> {
  try {
    const result = await runner.run(spec.file, spec.args, {
      timeoutMs: 10_000,
      ...(spec.env ? { env: spec.env } : {}),
      ...(spec.allowExitCodes ? { allowExitCodes: spec.allowExitCodes } : {}),
    });
    const version = parseToolVersion(result.stdout, spec.pattern) ?? parseToolVersion(result.stderr, spec.pattern);
    return version === undefined
      ? { name: spec.name, file: spec.file, found: true, error: 'no version in its output' }
      : { name: spec.name, file: spec.file, found: true, version };
  } catch (error) {
    if (error instanceof ToolNotFoundError) return { name: spec.name, file: spec.file, found: false };
    if (error instanceof HaError) return { name: spec.name, file: spec.file, found: true, error: error.message };
    throw error;
  }
}
