import { readFile } from 'node:fs/promises';
import { assertInputSize, CommandError, defaultRunner, readTextFile, type Runner } from '@ha/core';
import { drbdUnavailableFrom, statusParseError } from '../errors.js';
import { parseEvents2Text } from './events2.js';
import { parseDrbdsetupJson } from './json.js';
import type { DrbdStatus, DrbdStatusParseOptions } from './model.js';
import { parseProcDrbd } from './proc.js';
import { parseDrbdadmStatus } from './text.js';

/** Options of `readDrbdStatus`. */
export interface ReadDrbdStatusOptions {
  /** Runs drbdsetup (default: core's `defaultRunner`). */
  runner?: Runner | undefined;
  /** Only this resource (`drbdsetup status RES`). */
  resource?: string | undefined;
}

/**
 * The live status: `drbdsetup status --json --statistics` (DRBD 9), or
 * `/proc/drbd` when that is what the kernel offers (8.4). Without the kernel
 * module it throws `ServiceUnavailableError` (`service: 'drbd'`); another failure of drbdsetup is its
 * `CommandError`.
 */
export async function readDrbdStatus(options: ReadDrbdStatusOptions = {}): Promise<DrbdStatus> {
  const { runner = defaultRunner, resource } = options;
  try {
    const { stdout } = await runner.run(
      'drbdsetup',
      ['status', ...(resource ? [resource] : []), '--json', '--statistics'],
      { timeoutMs: 15_000 },
    );
    return parseDrbdsetupJson(stdout, { file: 'drbdsetup status --json' });
  } catch (error) {
    if (error instanceof CommandError && !error.timedOut) {
      // DRBD 8.4 has no --json: its /proc/drbd says it all.
      const proc = await readFile('/proc/drbd', 'utf8').catch(() => undefined);
      if (proc !== undefined && /^version:\s*8\./m.test(proc)) return parseProcDrbd(proc, { file: '/proc/drbd' });
    }
    throw drbdUnavailableFrom(error) ?? error;
  }
}

/** The formats `parseDrbdStatusText` recognises, by their first line. */
type StatusFormat = 'drbdsetup-json' | 'proc-drbd' | 'events2' | 'drbdadm-status';

const events2Line =
  /^(?:\S+\s+)?(?:exists|create|change|destroy|call|response|rename)\s+(?:resource|device|connection|peer-device|path|helper|-)(?:\s|$)/;

function formatOf(text: string): StatusFormat | undefined {
  const start = text.search(/\S/);
  if (start === -1) return undefined;
  if (text[start] === '[' || text[start] === '{') return 'drbdsetup-json';
  const lineStart = text.lastIndexOf('\n', start) + 1;
  const lineEnd = text.indexOf('\n', start);
  const first = text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd);
  if (/^version:\s*\d/.test(first) || /^\s*\d+:\s+cs:/.test(first)) return 'proc-drbd';
  if (events2Line.test(first.trim())) return 'events2';
  return 'drbdadm-status';
}

/**
 * A saved status, recognised by its shape: the output of `drbdsetup status
 * --json`, of `drbdadm status`, `/proc/drbd`, or `drbdsetup events2 --now`
 * (replayed to the state it ends in). Text that is none of them (empty, or
 * another file altogether) is a `ParseError`; a text larger than `maxBytes`
 * (default 16 MiB) an `InputTooLargeError`.
 *
 * ```ts
 * const status = parseDrbdStatusText(await readFile('status.txt', 'utf8'), { file: 'status.txt' });
 * console.log(status.source, evaluateDrbdHealth(status).state);
 * ```
 */
export function parseDrbdStatusText(text: string, options: DrbdStatusParseOptions = {}): DrbdStatus {
  assertInputSize(text, options.file ?? 'the status text', options.maxBytes);
  const format = formatOf(text);
  // The size is checked: the parsers below need not check it again.
  const parse = { ...options, maxBytes: Number.MAX_SAFE_INTEGER };
  switch (format) {
    case undefined:
      throw statusParseError(
        'BAD_STATUS',
        'not a DRBD status: the text is empty (expected drbdsetup status --json, drbdadm status, /proc/drbd or drbdsetup events2 output)',
        { file: options.file },
      );
    case 'drbdsetup-json':
      return parseDrbdsetupJson(text, parse);
    case 'proc-drbd':
      return parseProcDrbd(text, parse);
    case 'events2':
      return parseEvents2Text(text, parse);
    case 'drbdadm-status':
      return parseDrbdadmStatus(text, parse);
  }
}

/**
 * `parseDrbdStatusText` of a file, refused before it is read when it is
 * larger than `maxBytes` (default 16 MiB; `InputTooLargeError`).
 */
export async function readDrbdStatusFile(
  path: string,
  options: { maxBytes?: number | undefined } = {},
): Promise<DrbdStatus> {
  const text = await readTextFile(path, { maxBytes: options.maxBytes });
  return parseDrbdStatusText(text, { file: path, maxBytes: options.maxBytes });
}
