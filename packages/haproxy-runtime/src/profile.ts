import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { escapeForMessage, HaError, ParseError, parseDuration, UsageError } from '@ha/core';
import { parse as parseIni } from 'ini';
import { z } from 'zod';

/** Where a profile file is looked for when none is named: the user's, then the system's. */
export const defaultProfilePaths = [join(homedir(), '.config', 'ha-toolkit', 'haproxy.ini'), '/etc/ha-toolkit/haproxy.ini'];

/** The socket HAProxy's Debian package configures. */
export const defaultSocket = '/run/haproxy/admin.sock';

const profileSchema = z
  .object({
    socket: z.string().min(1),
    timeout: z.string().optional(),
    mode: z.enum(['session', 'oneshot']).optional(),
  })
  .strict();

/** A named connection profile: which socket, how long to wait, which mode. */
export interface ConnectionProfile {
  /** The section's `socket`: a path or `ipv4@HOST:PORT`, as `HaproxyRuntime` takes it. */
  socket: string;
  /** The section's `timeout` (`5s`), in ms; undefined when it has none. */
  timeoutMs: number | undefined;
  /** The section's `mode`; undefined when it has none (each command picks). */
  mode: 'session' | 'oneshot' | undefined;
}

/**
 * Reads a profile from an INI file, one section per HAProxy:
 *
 * ```ini
 * [default]
 * socket = /run/haproxy/admin.sock
 * [edge2]
 * socket = ipv4@10.0.0.2:9999
 * timeout = 5s
 * ```
 * Every error names the file, the section and the key.
 */
export function parseProfiles(text: string, file: string): Map<string, ConnectionProfile> {
  let document: Record<string, unknown>;
  try {
    document = parseIni(text) as Record<string, unknown>;
  } catch (error) {
    // The ini package names no position.
    throw new ParseError('NOT_INI', `not an INI file: ${(error as Error).message}`, { file, line: 1, column: 1 }, { cause: error });
  }
  const profiles = new Map<string, ConnectionProfile>();
  for (const [section, values] of Object.entries(document)) {
    if (typeof values !== 'object' || values === null) throw new UsageError(`${file}: '${escapeForMessage(section, 80)}' is outside any [section]`);
    const result = profileSchema.safeParse(values);
    if (!result.success) {
      const problems = result.error.issues.map((issue) =>
        issue.code === 'unrecognized_keys' ? `${issue.keys.join(', ')}: unknown key (known: socket, timeout, mode)` : `${issue.path.join('.')}: ${issue.input === undefined ? 'missing' : issue.message}`,
      );
      throw new UsageError(`${file}: [${section}] ${problems.join('; ')}`);
    }
    const timeoutMs = result.data.timeout === undefined ? undefined : parseDuration(result.data.timeout, { what: `${file}: [${section}] timeout` });
    profiles.set(section, { socket: result.data.socket, timeoutMs, mode: result.data.mode });
  }
  return profiles;
}

/**
 * Finds the profile to use: `name` (default `default`) in `file`, or in the
 * first default path that exists. Undefined when no file exists and no name was asked for.
 */
export async function loadProfile(options: { file?: string; name?: string }): Promise<ConnectionProfile | undefined> {
  const candidates = options.file ? [options.file] : defaultProfilePaths;
  for (const file of candidates) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (options.file) throw new HaError('NOT_FOUND', `${file}: cannot read: ${(error as Error).message}`, { cause: error });
      continue;
    }
    const profiles = parseProfiles(text, file);
    const name = options.name ?? 'default';
    const profile = profiles.get(name);
    if (!profile && options.name) throw new UsageError(`${file}: no profile [${name}] (there are: ${[...profiles.keys()].join(', ') || 'none'})`);
    return profile;
  }
  if (options.name) throw new UsageError(`no profile file found for --profile ${options.name} (looked in ${candidates.join(', ')})`);
  return undefined;
}
