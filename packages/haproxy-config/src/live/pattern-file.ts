import { HaError } from '@ha/core';

/**
 * A map or ACL file as HAProxy reads it (one entry per line; blank lines and
 * `#` comments skipped; a map's key is the first word and its value the rest
 * of the line), kept byte for byte so an edit changes only its own lines.
 */
export interface PatternFile {
  /** `map`: `KEY VALUE` lines; `acl`: one pattern per line. */
  kind: 'map' | 'acl';
  /** Every line, in order. */
  lines: PatternFileLine[];
  /** The line ending new lines get: the file's first one, else `\n`. */
  eol: '\n' | '\r\n';
}

/** One line of a `PatternFile`: its text and line ending, and the entry it holds (none for a blank or comment). */
export interface PatternFileLine {
  /** The line without its ending. */
  text: string;
  /** `\n`, `\r\n`, or `` on a last line without one. */
  eol: string;
  /** The key (a map) or pattern (an ACL); undefined for a blank line or a comment. */
  key: string | undefined;
  /** A map entry's value (`` when the line has none). */
  value: string | undefined;
}

/**
 * Parses a map (`kind` `map`) or ACL (`acl`) file, keeping every byte.
 *
 * @example parsePatternFile('# hosts\nexample.com be_web\n', 'map').lines[1]?.value // 'be_web'
 */
export function parsePatternFile(text: string, kind: 'map' | 'acl'): PatternFile {
  const lines: PatternFileLine[] = [];
  let start = 0;
  let eol: '\n' | '\r\n' | undefined;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const crlf = newline !== -1 && end > start && text.charCodeAt(end - 1) === 13;
    const body = text.slice(start, crlf ? end - 1 : end);
    const ending = newline === -1 ? '' : crlf ? '\r\n' : '\n';
    if (eol === undefined && ending !== '') eol = ending === '\r\n' ? '\r\n' : '\n';
    lines.push(entryLine(body, ending, kind));
    start = end + 1;
  }
  return { kind, lines, eol: eol ?? '\n' };
}

// As HAProxy's readers of these files take a line: a `#` in the first column makes a comment, leading blanks
// are skipped, the line ends at a carriage return, and an ACL pattern (a map value) keeps its trailing blanks.
function entryLine(text: string, eol: string, kind: 'map' | 'acl'): PatternFileLine {
  const comment = { text, eol, key: undefined, value: undefined };
  if (text.startsWith('#')) return comment;
  const cr = text.indexOf('\r');
  const body = (cr === -1 ? text : text.slice(0, cr)).replace(/^[ \t]+/, '');
  if (body === '') return comment;
  if (kind === 'acl') return { text, eol, key: body, value: undefined };
  const blank = body.search(/[ \t]/);
  if (blank === -1) return { text, eol, key: body, value: '' };
  return { text, eol, key: body.slice(0, blank), value: body.slice(blank).replace(/^[ \t]+/, '') };
}

/** The file's text: `parsePatternFile`'s input, with only edited lines changed. */
export function printPatternFile(file: PatternFile): string {
  let text = '';
  for (const line of file.lines) text += line.text + line.eol;
  return text;
}

/** The entries in file order: `[key, value]` for a map, `[pattern, '']` for an ACL. */
export function patternFileEntries(file: PatternFile): [string, string][] {
  const entries: [string, string][] = [];
  for (const line of file.lines) if (line.key !== undefined) entries.push([line.key, line.value ?? '']);
  return entries;
}

/**
 * Refuses a key, pattern or value HAProxy could not read back from the file
 * or the Runtime API could not take as one word of one command: empty keys,
 * blanks, a leading `#`, line breaks, `;`, NUL. A `TypeError`, before anything is applied.
 */
export function assertPatternWords(kind: 'map' | 'acl', key: string, value?: string): void {
  const what = kind === 'map' ? 'map key' : 'ACL pattern';
  if (key.length === 0) throw new TypeError(`an empty ${what} cannot be written`);
  if (/[\r\n;\0]/.test(key)) throw new TypeError(`${what} ${JSON.stringify(key)} holds a line break, ';' or NUL`);
  if (key.startsWith('#'))
    throw new TypeError(`${what} ${JSON.stringify(key)} starts with '#': the file reads a comment`);
  // A map file's key ends at the first blank, and a Runtime API command takes it (or a pattern) as one word.
  if (/[ \t]/.test(key)) throw new TypeError(`${what} ${JSON.stringify(key)} holds blanks: it must be one word`);
  if (value === undefined) return;
  if (/[\r\n;\0]/.test(value)) throw new TypeError(`map value ${JSON.stringify(value)} holds a line break, ';' or NUL`);
  if (/[ \t]/.test(value))
    throw new TypeError(`map value ${JSON.stringify(value)} holds blanks: the Runtime API takes it as one word only`);
}

function newLine(file: PatternFile, key: string, value: string | undefined): PatternFileLine {
  const text = file.kind === 'map' && value !== undefined && value !== '' ? `${key} ${value}` : key;
  return { text, eol: file.eol, key, value: file.kind === 'map' ? (value ?? '') : undefined };
}

// A last line without an ending gets one before a line is added after it.
function append(file: PatternFile, line: PatternFileLine): void {
  const last = file.lines[file.lines.length - 1];
  if (last && last.eol === '') last.eol = file.eol;
  file.lines.push(line);
}

/**
 * Adds an entry at the end. An `HaError` `PRECONDITION_FAILED` when the key
 * (pattern) is there already: a second entry would shadow nothing and a
 * delete would remove both (use `setPatternEntry`).
 */
export function addPatternEntry(file: PatternFile, key: string, value?: string): void {
  assertPatternWords(file.kind, key, value);
  if (file.lines.some((line) => line.key === key))
    throw new HaError('PRECONDITION_FAILED', `the ${file.kind} file has an entry '${key}' already`);
  append(file, newLine(file, key, value));
}

/** Gives every entry of `key` the new value (as `set map` does), keeping its indentation; `NOT_FOUND` when there is none. */
export function setPatternEntry(file: PatternFile, key: string, value: string): void {
  if (file.kind !== 'map') throw new TypeError('an ACL file has no values to set');
  assertPatternWords('map', key, value);
  let found = false;
  for (const line of file.lines) {
    if (line.key !== key) continue;
    const indent = /^[ \t]*/.exec(line.text)?.[0] ?? '';
    line.text = value === '' ? `${indent}${key}` : `${indent}${key} ${value}`;
    line.value = value;
    found = true;
  }
  if (!found) throw new HaError('NOT_FOUND', `the map file has no entry '${key}'`);
}

/** Removes every entry of `key` (as `del map` does); `NOT_FOUND` when there is none. */
export function deletePatternEntry(file: PatternFile, key: string): void {
  const before = file.lines.length;
  file.lines = file.lines.filter((line) => line.key !== key);
  if (file.lines.length === before) throw new HaError('NOT_FOUND', `the ${file.kind} file has no entry '${key}'`);
}

/**
 * Replaces every entry: comments and blank lines stay where they are, the new
 * entries take the place of the first old one (the end, when there was none).
 */
export function replacePatternEntries(
  file: PatternFile,
  entries: readonly (readonly [string, string] | string)[],
): void {
  const fresh = entries.map((entry) => {
    const [key, value] = typeof entry === 'string' ? [entry, undefined] : entry;
    assertPatternWords(file.kind, key, file.kind === 'map' ? (value ?? '') : undefined);
    return newLine(file, key, value);
  });
  const first = file.lines.findIndex((line) => line.key !== undefined);
  const kept = file.lines.filter((line) => line.key === undefined);
  if (first === -1) {
    file.lines = kept;
    for (const line of fresh) append(file, line);
    return;
  }
  const before = file.lines.slice(0, first).filter((line) => line.key === undefined).length;
  file.lines = [...kept.slice(0, before), ...fresh, ...kept.slice(before)];
  const last = file.lines[file.lines.length - 1];
  // The file ended with an entry lacking a line ending: the new last line keeps the file's habit.
  for (const line of file.lines.slice(0, -1)) if (line.eol === '') line.eol = file.eol;
  if (last && fresh.includes(last)) last.eol = file.eol;
}
