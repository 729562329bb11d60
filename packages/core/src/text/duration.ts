import { UsageError } from '../errors/ha-error.js';

// Units as HAProxy, Pacemaker and our own config files write them.
const unitMs: Record<string, number> = {
  us: 0.001,
  ms: 1,
  s: 1_000,
  sec: 1_000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  d: 86_400_000,
};

/**
 * Reads a duration such as `500ms`, `5s`, `2m`, `1h` or `1d` into
 * milliseconds. A bare number is in `defaultUnit` (HAProxy's timeouts
 * default to ms, Pacemaker's to s). Throws a `UsageError` naming `what`.
 */
export function parseDuration(text: string, options: { defaultUnit?: 'ms' | 's'; what?: string } = {}): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = (match?.[2] ?? '').toLowerCase() || (options.defaultUnit ?? 'ms');
  const factor = unitMs[unit];
  if (!match || factor === undefined) {
    throw new UsageError(`${options.what ?? 'duration'}: '${text}' is not a duration (e.g. 500ms, 5s, 2m, 1h)`);
  }
  return Number(match[1]) * factor;
}

/** A short human form of a duration in ms: `850ms`, `12.5s`, `3m20s`, `2h5m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1_000).toFixed(1))}s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1_000)}s`;
  return `${Math.floor(ms / 3_600_000)}h${Math.round((ms % 3_600_000) / 60_000)}m`;
}
