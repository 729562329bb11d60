import { ParseError } from '@ha/core';
import type { Labels } from '../model.js';

/** `name=value`, `name!=value`, `name=~regex`, `name!~regex`, Alertmanager's matcher forms. */
export interface Matcher {
  /** The label (or `alertname`, `severity`) it looks at. */
  name: string;
  /** The value, or the regular expression (anchored: it must match the whole value). */
  value: string;
  /** `=~` or `!~`: `value` is a regular expression. */
  regex: boolean;
  /** `!=` or `!~`: it matches what does not match. */
  negative: boolean;
}

/** What a matcher sees of an alert: its labels, plus `alertname` and `severity`. */
export type MatchTarget = Labels & {
  /** The alert's name. */
  alertname: string;
  /** Its severity. */
  severity: string;
};

/** Reads `alertname=HaproxyServerDown, server=~"srv[12]"` (comma-separated; values may be quoted). */
export function parseMatchers(text: string): Matcher[] {
  const matchers: Matcher[] = [];
  for (const part of splitTopLevel(text)) {
    const match = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/.exec(part);
    if (!match)
      throw new ParseError(
        'INVALID_MATCHER',
        `'${part.trim()}' is not a matcher (name=value, name!=value, name=~regex, name!~regex)`,
      );
    const [, name, operator, raw] = match as unknown as [string, string, string, string];
    const value = /^".*"$/.test(raw) ? (JSON.parse(raw) as string) : raw;
    const regex = operator === '=~' || operator === '!~';
    if (regex) {
      try {
        new RegExp(value);
      } catch (error) {
        throw new ParseError('INVALID_MATCHER', `'${value}' is not a regular expression: ${(error as Error).message}`);
      }
    }
    matchers.push({ name, value, regex, negative: operator.startsWith('!') });
  }
  return matchers;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === '"' && text[i - 1] !== '\\') quoted = !quoted;
    if (char === ',' && !quoted) {
      if (current.trim()) parts.push(current);
      current = '';
    } else current += char;
  }
  if (current.trim()) parts.push(current);
  return parts;
}

/** True when every matcher holds (regexes are anchored, as in Alertmanager). */
export function matchesAll(matchers: readonly Matcher[], target: MatchTarget): boolean {
  return matchers.every((matcher) => {
    const actual = target[matcher.name] ?? '';
    const hit = matcher.regex ? new RegExp(`^(?:${matcher.value})$`).test(actual) : actual === matcher.value;
    return matcher.negative ? !hit : hit;
  });
}

/** `name="value"` words of a matcher, for display. */
export function formatMatchers(matchers: readonly Matcher[]): string {
  const operator = (matcher: Matcher) =>
    matcher.negative ? (matcher.regex ? '!~' : '!=') : matcher.regex ? '=~' : '=';
  return matchers.map((matcher) => `${matcher.name}${operator(matcher)}${JSON.stringify(matcher.value)}`).join(', ');
}
