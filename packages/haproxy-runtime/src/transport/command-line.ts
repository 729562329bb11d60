import { UnsafeArgumentError } from '@ha/core';

/** A word of a Runtime API command: strings are sent as they are, numbers as decimals. */
export type CommandWord = string | number;

/**
 * Joins words into one command line. A word that would end or split the
 * command (`;`, a line break, NUL) or become two words (blanks) is refused
 * before anything is sent.
 */
export function buildCommandLine(words: readonly CommandWord[]): string {
  if (words.length === 0) throw new UnsafeArgumentError('a command needs at least one word', '');
  return words
    .map((word) => {
      const text = typeof word === 'number' ? String(word) : word;
      if (typeof word === 'number' && !Number.isFinite(word))
        throw new UnsafeArgumentError(`not a finite number: ${text}`, text);
      if (text.length === 0) throw new UnsafeArgumentError('an empty word would shift the arguments', text);
      if (/[;\r\n\0]/.test(text))
        throw new UnsafeArgumentError(
          `refusing ${JSON.stringify(text)}: ';', line breaks and NUL would end or split the command`,
          text,
        );
      if (/[\s]/.test(text))
        throw new UnsafeArgumentError(
          `refusing ${JSON.stringify(text)}: blanks would split it into several arguments`,
          text,
        );
      return text;
    })
    .join(' ');
}

/** Checks a raw command line typed by a user (`ha-haproxy exec`): one command, no separators. */
export function assertSingleCommand(line: string): string {
  if (/[;\r\n\0]/.test(line))
    throw new UnsafeArgumentError(
      `refusing ${JSON.stringify(line)}: ';', line breaks and NUL would end or split the command`,
      line,
    );
  if (line.trim().length === 0) throw new UnsafeArgumentError('an empty command', line);
  return line.trim();
}

/**
 * The text after `<<` of a payload command. It ends at the first empty line, so
 * it may not contain one; NUL is refused too.
 */
export function assertPayload(payload: string): string {
  const body = payload.replace(/\n+$/, '');
  if (body.includes('\0')) throw new UnsafeArgumentError('the payload contains a NUL byte', payload);
  if (/\n\s*\n/.test(body) || /^\s*$/.test(body))
    throw new UnsafeArgumentError(
      'a payload may not be empty or contain an empty line (it would end the payload)',
      payload,
    );
  return body;
}
