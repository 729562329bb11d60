import { escapeForMessage } from '../run/failure-line.js';
import { ParseError } from '../errors/ha-error.js';

/** Options of `parseInteger`. */
export interface IntegerOptions {
  /** The smallest value accepted (default `Number.MIN_SAFE_INTEGER`). */
  min?: number;
  /** The largest value accepted (default `Number.MAX_SAFE_INTEGER`). */
  max?: number;
  /** What the value is (`--port`, `weight`), for the error. */
  what?: string;
}

const isBlank = (code: number) => code === 32 || (code >= 9 && code <= 13);

/** A whole decimal number within `min`…`max` (a sign and blanks around allowed, nothing else), or undefined. */
export function safeParseInteger(text: string, options: IntegerOptions = {}): number | undefined {
  // Scanned by hand, not with a regex: a config can hold hundreds of thousands of numbers.
  let start = 0;
  let end = text.length;
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  let i = start;
  const sign = text.charCodeAt(i);
  if (sign === 43 || sign === 45) i++;
  if (i === end) return undefined;
  for (; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return undefined;
  }
  const value = Number(text.slice(start, end));
  const min = options.min ?? Number.MIN_SAFE_INTEGER;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  return Number.isSafeInteger(value) && value >= min && value <= max ? value : undefined;
}

/** `safeParseInteger`, throwing a `ParseError` (reason `INVALID_INTEGER`) that names `what` and the range. */
export function parseInteger(text: string, options: IntegerOptions = {}): number {
  const value = safeParseInteger(text, options);
  if (value === undefined) {
    const range =
      options.min === undefined && options.max === undefined
        ? ''
        : ` from ${options.min ?? '…'} to ${options.max ?? '…'}`;
    throw new ParseError(
      'INVALID_INTEGER',
      `${options.what ?? 'value'}: '${escapeForMessage(text, 60)}' is not a whole number${range}`,
    );
  }
  return value;
}
