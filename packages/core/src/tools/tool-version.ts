import { z } from 'zod';
import { HaError } from '../errors/ha-error.js';
import { ToolNotFoundError } from '../run/command-error.js';
import { defaultRunner, type Runner } from '../run/runner.js';

/** How to ask one program for its version. */
export interface ToolSpec {
  /** What users call it (`haproxy`, `pacemaker`). */
  name: string;
  file: string;
  args: readonly string[];
  /** First capture group is the version. Tried on stdout, then stderr. */
  pattern: RegExp;
  env?: Record<string, string>;
  /** Exit codes besides 0 that still print the version. */
  allowExitCodes?: readonly number[];
}

/** Schema of what `detectToolVersion` returns (also the `tools --json` output). */
export const toolVersionSchema = z.object({
  name: z.string(),
  file: z.string(),
  found: z.boolean(),
  version: z.string().optional(),
  error: z.string().optional(),
});

/** A program's presence and version on this machine. */
export type ToolVersion = z.infer<typeof toolVersionSchema>;

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
