import { ParseError } from '../errors/ha-error.js';

// Units as HAProxy (us ms s m h d), Pacemaker (us usec ms msec s sec m min h hr) and our own config files write them.
const unitMs: Record<string, number> = {
  us: 0.001,
  usec: 0.001,
  ms: 1,
  msec: 1,
  s: 1_000,
  sec: 1_000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  d: 86_400_000,
};

// ISO 8601 durations as Pacemaker takes them (PT5M, P1DT2H, PT0.5S); like Pacemaker, a year is 365 days and a month 30.
// Each field is an optional number (a decimal fraction allowed) and its designator: `(?:(\d+(?:\.\d+)?)Y)?`.
const isoNumber = String.raw`(\d+(?:\.\d+)?)`;
const isoDateFields = `(?:${isoNumber}Y)?(?:${isoNumber}M)?(?:${isoNumber}W)?(?:${isoNumber}D)?`;
const isoTimeFields = `(?:T(?:${isoNumber}H)?(?:${isoNumber}M)?(?:${isoNumber}S)?)?`;
const iso = new RegExp(String.raw`^\s*P${isoDateFields}${isoTimeFields}\s*$`, 'i');

/** Options of `parseDuration`. */
export interface DurationOptions {
  /** The unit of a bare number: HAProxy's timeouts are in ms, Pacemaker's intervals in s. Default `ms`. */
  defaultUnit?: 'ms' | 's';
  /** What the value is (`--timeout`, `[haproxy] interval`), for the error. */
  what?: string;
}

/**
 * Reads a duration into milliseconds: `500ms`, `5s`, `2m`, `1h`, `1d`, `10us`,
 * Pacemaker's `msec`/`sec`/`min`/`hr`, or ISO 8601 (`PT5M`, `P1DT2H`; a year 365 days, a month 30, as Pacemaker counts). A bare
 * number is in `defaultUnit`. Returns undefined for anything else.
 */
export function safeParseDuration(text: string, options: DurationOptions = {}): number | undefined {
  const plain = plainDuration(text, options.defaultUnit ?? 'ms');
  if (plain !== null) return plain;
  const parts = iso.exec(text);
  if (!parts || parts.slice(1).every((part) => part === undefined)) return undefined;
  const [years, months, weeks, days, hours, minutes, seconds] = parts.slice(1).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return (((years * 365 + months * 30 + weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60_000 + seconds * 1_000;
}

const isDigit = (code: number) => code >= 48 && code <= 57;
const isBlank = (code: number) => code === 32 || (code >= 9 && code <= 13);
const isLetter = (code: number) => (code | 32) >= 97 && (code | 32) <= 122;

/**
 * `NUMBER[UNIT]` with blanks around (`5s`, ` 1.5 min `), scanned by hand: configs hold
 * hundreds of thousands of these, and a regex per value showed in profiles. Null when the
 * text is not of this form (it may be ISO 8601); undefined for an unknown unit.
 */
function plainDuration(text: string, defaultUnit: string): number | undefined | null {
  const end = text.length;
  let i = 0;
  while (i < end && isBlank(text.charCodeAt(i))) i++;
  const numberStart = i;
  while (i < end && isDigit(text.charCodeAt(i))) i++;
  if (i === numberStart) return null;
  if (text.charCodeAt(i) === 46) {
    const fraction = ++i;
    while (i < end && isDigit(text.charCodeAt(i))) i++;
    if (i === fraction) return null;
  }
  const numberEnd = i;
  while (i < end && isBlank(text.charCodeAt(i))) i++;
  const unitStart = i;
  while (i < end && isLetter(text.charCodeAt(i))) i++;
  const unitEnd = i;
  while (i < end && isBlank(text.charCodeAt(i))) i++;
  if (i !== end) return null;
  const factor = unitMs[unitStart === unitEnd ? defaultUnit : text.slice(unitStart, unitEnd).toLowerCase()];
  return factor === undefined ? undefined : Number(text.slice(numberStart, numberEnd)) * factor;
}

/** `safeParseDuration`, throwing a `ParseError` (reason `INVALID_DURATION`) naming `what` for anything else. */
export function parseDuration(text: string, options: DurationOptions = {}): number {
  const ms = safeParseDuration(text, options);
  if (ms === undefined) {
    throw new ParseError(
      'INVALID_DURATION',
      `${options.what ?? 'duration'}: '${text}' is not a duration (e.g. 500ms, 5s, 2m, 1h, PT5M)`,
    );
  }
  return ms;
}

/** A short human form of a duration in ms: `850ms`, `12.5s`, `3m20s`, `2h5m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1_000).toFixed(1))}s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1_000)}s`;
  return `${Math.floor(ms / 3_600_000)}h${Math.round((ms % 3_600_000) / 60_000)}m`;
}
