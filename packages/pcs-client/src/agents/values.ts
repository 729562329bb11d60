import { safeParseDuration } from '@ha/core';

/**
 * How Pacemaker reads the words of a value (its `crm_str_to_boolean`,
 * interval specs and scores), so a value is judged the way the cluster
 * will read it.
 */

/** The words Pacemaker reads as true and as false, in any case. */
export const pacemakerBooleanWords: { readonly true: readonly string[]; readonly false: readonly string[] } = {
  true: ['true', 'on', 'yes', 'y', '1'],
  false: ['false', 'off', 'no', 'n', '0'],
};

/** The boolean a word stands for, as Pacemaker reads it (`Yes` → true, `off` → false), or `undefined` for any other. */
export function parsePacemakerBoolean(text: string): boolean | undefined {
  const word = text.toLowerCase();
  if (pacemakerBooleanWords.true.includes(word)) return true;
  if (pacemakerBooleanWords.false.includes(word)) return false;
  return undefined;
}

/** A whole number, optionally signed (`42`, `-1`). */
export function isIntegerWord(text: string): boolean {
  return /^[+-]?\d+$/.test(text);
}

/** A time as Pacemaker takes one: a number of seconds, a number and a unit (`500ms`, `10s`, `1min`, `2h`), or ISO 8601 (`PT10S`). */
export function isTimeWord(text: string): boolean {
  return safeParseDuration(text, { defaultUnit: 's' }) !== undefined;
}

/** A score: a whole number or `INFINITY`, `+INFINITY`, `-INFINITY` (any case). */
export function isScoreWord(text: string): boolean {
  return isIntegerWord(text) || /^[+-]?infinity$/i.test(text);
}
