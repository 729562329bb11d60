import { safeParseInteger } from '@ha/core';

// Pacemaker's INFINITY is the score 1,000,000.
const infinity = 1_000_000;

/** A score as Pacemaker writes it (`100`, `-50`, `INFINITY`, `+INFINITY`, `-INFINITY`), or undefined for anything else. */
export function parseScore(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (/^\s*\+?INFINITY\s*$/i.test(text)) return infinity;
  if (/^\s*-INFINITY\s*$/i.test(text)) return -infinity;
  return safeParseInteger(text);
}
