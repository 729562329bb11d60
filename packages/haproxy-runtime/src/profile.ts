import { homedir } from 'node:os';
import { join } from 'node:path';
import { escapeForMessage, HaError, parseDuration, readTextFile } from '@ha/core';
import { parse as parseIni } from 'ini';
import { z } from 'zod';
import { runtimeParseError } from './errors.js';

/** Where a profile file is looked for when none is named: the user's, then the system's. */
export const defaultProfilePaths = [
  join(homedir(), '.config', 'ha-toolkit', 'haproxy.ini'),
  '/etc/ha-toolkit/haproxy.ini',
];

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
 * Every mistake is a `ParseError` naming the file, the section and the key.
 */
export function parseProfiles(text: string, file: string): Map<string, ConnectionProfile> {
  // The ini package reads any text (it throws for none): what is wrong shows in the sections and keys.
  const document = parseIni(text) as Record<string, unknown>;
  const profiles = new Map<string, ConnectionProfile>();
  for (const [section, values] of Object.entries(document)) {
    if (typeof values !== 'object' || values === null) {
      throw runtimeParseError('OUTSIDE_SECTION', `'${escapeForMessage(section, 80)}' is outside any [section]`, {
        file,
      });
    }
    const result = profileSchema.safeParse(values);
    if (!result.success) {
      const problems = result.error.issues.map((issue) =>
        issue.code === 'unrecognized_keys'
          ? `${issue.keys.join(', ')}: unknown key (known: socket, timeout, mode)`
          : `${issue.path.join('.')}: ${issue.input === undefined ? 'missing' : issue.message}`,
      );
      throw runtimeParseError('INVALID_PROFILE', `[${section}] ${problems.join('; ')}`, { file });
    }
    const { socket, timeout, mode } = result.data;
    profiles.set(section, {
      socket,
      timeoutMs: timeout === undefined ? undefined : profileDuration(timeout, section, file),
      mode,
    });
  }
  return profiles;
}

// Core's words for a bad duration, with the file as the position (its reason stays INVALID_DURATION).
function profileDuration(text: string, section: string, file: string): number {
  try {
    return parseDuration(text, { what: `[${section}] timeout` });
  } catch (error) {
    throw runtimeParseError('INVALID_DURATION', (error as Error).message, { file }, { cause: error });
  }
}

/** Which profile `loadProfile` looks for. */
export interface ProfileQuery {
  /** The profile file; default: the first of `defaultProfilePaths` that exists. */
  file?: string | undefined;
  /** The section; default `default`. Named, it must exist. */
  name?: string | undefined;
}

/**
 * Finds the profile to use: `name` (default `default`) in `file`, or in the
 * first default path that exists. Undefined when no file exists and no name was
 * asked for. A named file that cannot be read, or a named profile that is not
 * there, is a `NOT_FOUND` error.
 */
export async function loadProfile(query: ProfileQuery = {}): Promise<ConnectionProfile | undefined> {
  const { file, name } = query;
  const candidates = file === undefined ? defaultProfilePaths : [file];
  for (const candidate of candidates) {
    let text: string;
    try {
      text = await readTextFile(candidate);
    } catch (error) {
      if (file !== undefined) throw error;
      continue;
    }
    const profiles = parseProfiles(text, candidate);
    const profile = profiles.get(name ?? 'default');
    if (!profile && name !== undefined) {
      throw new HaError(
        'NOT_FOUND',
        `${candidate}: no profile [${name}] (there are: ${[...profiles.keys()].join(', ') || 'none'})`,
      );
    }
    return profile;
  }
  if (name !== undefined)
    throw new HaError('NOT_FOUND', `no profile file found for profile [${name}] (looked in ${candidates.join(', ')})`);
  return undefined;
}
