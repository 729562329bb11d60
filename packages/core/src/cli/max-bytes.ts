import { UsageError } from '../errors/ha-error.js';
import { DEFAULT_MAX_INPUT_BYTES } from '../fs/read.js';

/**
 * The `--max-bytes N` option every CLI that reads a file takes: the size limit
 * of its readers (`readTextFile`'s `maxBytes`). Spread into a command's `args`.
 */
export const maxBytesArg = {
  maxBytes: {
    type: 'string',
    valueHint: 'N',
    description: `Refuse an input larger than N bytes (default ${DEFAULT_MAX_INPUT_BYTES}, 16 MiB; also 16MiB, 1GB …)`,
  },
} as const;

const units: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  kib: 1024,
  m: 1e6,
  mb: 1e6,
  mib: 1024 ** 2,
  g: 1e9,
  gb: 1e9,
  gib: 1024 ** 3,
};

/** The value of `--max-bytes` as a number of bytes (`undefined` when not given); a `UsageError` for anything else. */
export function parseMaxBytes(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(value);
  const unit = match === null ? undefined : units[(match[2] as string).toLowerCase()];
  const bytes = match === null || unit === undefined ? Number.NaN : Number(match[1]) * unit;
  if (!Number.isSafeInteger(bytes))
    throw new UsageError(`--max-bytes: '${value}' is not a number of bytes (e.g. 16777216, 64MiB)`);
  return bytes;
}
