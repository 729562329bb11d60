import { parseDuration } from '@ha/core';

/**
 * Reads a duration as Pacemaker writes one into milliseconds: `10000ms`,
 * `29s`, `2min`, a bare number (in `defaultUnit`: status XML counts ms, the
 * CIB's operation intervals count seconds), or ISO 8601 (`PT10S`,
 * `P1DT2H30M`). Undefined for an empty or unreadable value: a status document
 * with an odd duration is still a status document.
 */
export function parseDurationMs(text: string | undefined, defaultUnit: 'ms' | 's' = 'ms'): number | undefined {
  if (text === undefined) return undefined;
  const value = text.trim();
  if (value === '') return undefined;
  if (/^P/i.test(value)) return parseIsoDuration(value);
  try {
    return parseDuration(value, { defaultUnit });
  } catch {
    return undefined;
  }
}

// Years and months have no fixed length; Pacemaker itself counts them as 365 and 30 days.
const isoUnits: [string, number][] = [
  ['Y', 365 * 86_400_000],
  ['M', 30 * 86_400_000],
  ['W', 7 * 86_400_000],
  ['D', 86_400_000],
];
const isoTimeUnits: [string, number][] = [
  ['H', 3_600_000],
  ['M', 60_000],
  ['S', 1_000],
];

function parseIsoDuration(value: string): number | undefined {
  const match = /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(value);
  if (!match || value.toUpperCase() === 'P' || value.toUpperCase().endsWith('T')) return undefined;
  const parts = [...isoUnits, ...isoTimeUnits];
  let total = 0;
  for (let i = 0; i < parts.length; i++) {
    const amount = match[i + 1];
    if (amount !== undefined) total += Number(amount) * (parts[i] as [string, number])[1];
  }
  return total;
}
