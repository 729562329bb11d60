import type { CliIo } from './cli.js';

/** The `--json` flag every command that can print JSON declares: `args: { ...jsonArg, … }`. */
export const jsonArg = { json: { type: 'boolean', description: 'Print JSON' } } as const;

/**
 * JSON text of a value, with bigints as decimal strings (DRBD's counters and
 * HAProxy's byte totals pass 2^53) instead of the TypeError `JSON.stringify` throws.
 */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, entry: unknown) => (typeof entry === 'bigint' ? entry.toString() : entry),
    indent,
  );
}

/** Prints a value as indented JSON and a newline: what every `--json` answer is. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${toJson(value, 2)}\n`);
}
