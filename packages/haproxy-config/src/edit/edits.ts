import { HaError } from '@ha/core';
import { CstLine, type CstSection, type HaproxyDocument } from '../parse/cst.js';
import { encodeWord } from '../parse/lexer.js';
import {
  hasServerOptions,
  serverOptionWords,
  type ServerDefinition,
  type ServerOptionsDefinition,
} from '../build/server-options.js';
import { serverSettings } from '../settings.js';

/**
 * Edits of a parsed document. Each changes only the lines it must: new lines
 * take the indentation and line ending the file already uses, a replaced
 * line keeps its indentation and trailing comment, and nothing else moves.
 */

/**
 * The first section of a kind (and name: without one, the first of the kind,
 * named or not), or undefined.
 *
 * @example findSection(document, 'backend', 'servers')
 */
export function findSection(document: HaproxyDocument, kind: string, name?: string): CstSection | undefined {
  return document.sections.find((section) => section.kind === kind && (name === undefined || section.name === name));
}

/**
 * `findSection`, or an `HaError` `NOT_FOUND` naming what is missing.
 *
 * @example requireSection(document, 'defaults')
 */
export function requireSection(document: HaproxyDocument, kind: string, name?: string): CstSection {
  const section = findSection(document, kind, name);
  if (!section)
    throw new HaError('NOT_FOUND', `no ${kind}${name === undefined ? '' : ` '${name}'`} section${inFile(document)}`);
  return section;
}

/**
 * The backend (or listen) named `name`, or an `HaError` `NOT_FOUND`.
 *
 * @example requireBackend(document, 'servers').lines
 */
export function requireBackend(document: HaproxyDocument, name: string): CstSection {
  // A listen is a backend too: the message names what was asked for.
  return requireProxy(document, name, ['backend', 'listen'], 'backend');
}

function requireProxy(
  document: HaproxyDocument,
  name: string,
  kinds: readonly string[],
  what = kinds.join(' or '),
): CstSection {
  const section = document.sections.find((entry) => kinds.includes(entry.kind) && entry.name === name);
  if (!section) throw new HaError('NOT_FOUND', `no ${what} named '${name}'${inFile(document)}`);
  return section;
}

function inFile(document: HaproxyDocument): string {
  return document.file ? ` in ${document.file}` : '';
}

/** A word as it stands in the source (kept byte for byte), as opposed to a value to encode. */
interface RawWord {
  raw: string;
}

/** Words of a new line, each written so HAProxy reads it back as given (raw words as they were). */
function renderWords(words: readonly (string | RawWord)[]): string {
  if (words.length === 0) throw new TypeError('a directive needs at least a keyword');
  return words.map((word) => (typeof word === 'string' ? encodeWord(word) : word.raw)).join(' ');
}

// The source text of a line's words from `from` on: unchanged words are copied, not re-encoded.
function rawWords(line: CstLine, from: number, to?: number): RawWord[] {
  return line.words.slice(from, to).map((word) => ({ raw: line.text.slice(word.start, word.end) }));
}

function indentOf(section: CstSection, document: HaproxyDocument, like?: (line: CstLine) => boolean): string {
  const sample =
    section.lines.find((line) => line.kind === 'directive' && (!like || like(line))) ??
    section.lines.find((line) => line.kind === 'directive');
  if (!sample) return document.indentUnit;
  const first = sample.words[0];
  return first ? sample.text.slice(0, first.start) : document.indentUnit;
}

function newLine(text: string, document: HaproxyDocument, kind: CstLine['kind'] = 'directive'): CstLine {
  return new CstLine(text, document.eol, -1, kind);
}

// Where a new directive goes: after the last line that matches, else after the last directive.
function insertAfter(section: CstSection, line: CstLine, after: (line: CstLine) => boolean): void {
  let index = -1;
  for (let i = section.lines.length - 1; i >= 0; i--) {
    if (after(section.lines[i] as CstLine)) {
      index = i;
      break;
    }
  }
  if (index === -1) {
    for (let i = section.lines.length - 1; i >= 0; i--) {
      if ((section.lines[i] as CstLine).kind === 'directive') {
        index = i;
        break;
      }
    }
  }
  section.lines.splice(index + 1, 0, line);
}

// Replace a line's words, keeping its indentation and its trailing comment.
function rewrite(line: CstLine, words: readonly (string | RawWord)[]): void {
  const first = line.words[0];
  const indent = first ? line.text.slice(0, first.start) : '';
  const last = line.words[line.words.length - 1];
  const tail = line.commentStart !== -1 && last ? line.text.slice(last.end) : '';
  line.text = `${indent}${renderWords(words)}${tail}`;
  line.offset = -1;
}

/**
 * A server to add: the same shape as `ConfigBuilder`'s servers (typed
 * options, plus `options` for any other words):
 * `{ name: 'web3', address: '192.168.1.12:80', check: true, inter: '2s' }`.
 */
export type ServerSpec = ServerDefinition;

function assertServerName(name: string): void {
  if (!/^[A-Za-z0-9_.:-]+$/.test(name))
    throw new TypeError(`'${name}' is not a server name (letters, digits, '_', '.', ':', '-')`);
}

/**
 * Adds `server NAME ADDRESS OPTIONS…` after the backend's last server. A
 * name that is not one is a `TypeError`; a server of that name already there,
 * an `HaError` `PRECONDITION_FAILED`.
 *
 * @example addServer(document, 'servers', { name: 'web3', address: '192.168.1.12:80', check: true })
 */
export function addServer(document: HaproxyDocument, backend: string, server: ServerSpec): CstLine {
  assertServerName(server.name);
  const section = requireBackend(document, backend);
  if (
    section.lines.some(
      (line) => line.kind === 'directive' && line.values[0] === 'server' && line.values[1] === server.name,
    )
  ) {
    throw new HaError('PRECONDITION_FAILED', `backend '${backend}' already has a server named '${server.name}'`);
  }
  const isServer = (line: CstLine) => line.kind === 'directive' && line.values[0] === 'server';
  const line = newLine(
    `${indentOf(section, document, isServer)}${renderWords(['server', server.name, server.address, ...serverOptionWords(server)])}`,
    document,
  );
  insertAfter(section, line, isServer);
  return line;
}

/**
 * Removes a backend's server line (an `HaError` `NOT_FOUND` when there is none).
 *
 * @example removeServer(document, 'servers', 'web3')
 */
export function removeServer(document: HaproxyDocument, backend: string, name: string): void {
  const section = requireBackend(document, backend);
  const index = section.lines.findIndex(
    (line) => line.kind === 'directive' && line.values[0] === 'server' && line.values[1] === name,
  );
  if (index === -1) throw new HaError('NOT_FOUND', `backend '${backend}' has no server named '${name}'`);
  section.lines.splice(index, 1);
}

/**
 * Changes a server's line in place: a new address and/or new options, in
 * the shape `addServer` takes (`{ check: true, inter: '2s' }`, or words in
 * `options`). New options replace all the old ones; without any, the old ones
 * stay. Its indentation and trailing comment stay.
 */
export function setServer(
  document: HaproxyDocument,
  backend: string,
  name: string,
  change: { address?: string } & ServerOptionsDefinition,
): void {
  const section = requireBackend(document, backend);
  const line = section.lines.find(
    (entry) => entry.kind === 'directive' && entry.values[0] === 'server' && entry.values[1] === name,
  );
  if (!line) throw new HaError('NOT_FOUND', `backend '${backend}' has no server named '${name}'`);
  const { address, ...options } = change;
  rewrite(line, [
    ...rawWords(line, 0, 2),
    ...(address === undefined ? rawWords(line, 2, 3) : [address]),
    ...(hasServerOptions(options) ? serverOptionWords(options) : rawWords(line, 3)),
  ]);
}

/**
 * Sets, adds or removes one setting of a server line, leaving its other
 * words as written: `weight` to `'50'`, `check` (a flag) to `true`, `disabled`
 * to `false` (removed). A valued setting given several times keeps its first
 * place and loses the repeats. An `HaError` `NOT_FOUND` when there is no such
 * server; a `TypeError` when a flag gets a value or a valued setting none.
 *
 * @example setServerOption(document, 'servers', 'web1', 'weight', '50')
 */
export function setServerOption(
  document: HaproxyDocument,
  backend: string,
  name: string,
  option: string,
  value: string | boolean,
): CstLine {
  const takesValue = serverSettings.get(option);
  if (takesValue === undefined) throw new TypeError(`'${option}' is not a server setting`);
  // A valued setting takes a string, or false to remove it; a flag takes true or false.
  if (takesValue ? value === true : typeof value === 'string')
    throw new TypeError(`'${option}' ${takesValue ? 'takes a value' : 'is a flag: true or false'}`);
  const line = requireServerLine(document, backend, name);
  const values = line.values;
  const words: (string | RawWord)[] = rawWords(line, 0, 3);
  let placed = false;
  for (let i = 3; i < values.length; i++) {
    const word = values[i] as string;
    const valued = serverSettings.get(word) === true && i + 1 < values.length;
    const own = rawWords(line, i, valued ? i + 2 : i + 1);
    if (valued) i++;
    if (word !== option) {
      words.push(...own);
      continue;
    }
    if (!placed && value !== false) words.push(...(typeof value === 'string' ? [option, value] : own));
    placed = true;
  }
  if (!placed && value !== false) words.push(...(typeof value === 'string' ? [option, value] : [option]));
  rewrite(line, words);
  return line;
}

/** A backend's `server NAME …` line, or an `HaError` `NOT_FOUND`. */
export function requireServerLine(document: HaproxyDocument, backend: string, name: string): CstLine {
  const line = requireBackend(document, backend).lines.find(
    (entry) => entry.kind === 'directive' && entry.values[0] === 'server' && entry.values[1] === name,
  );
  if (!line) throw new HaError('NOT_FOUND', `backend '${backend}' has no server named '${name}'`);
  return line;
}

/** Where `setDirective` acts: a section by kind and name. */
export interface SectionRef {
  /** The section kind: `global`, `defaults`, `frontend`, `backend`, `listen` … @example 'defaults' */
  kind: string;
  /** Its name (none for `global`, nor for an unnamed `defaults`). @example 'web' */
  name?: string;
}

/**
 * Sets a directive: the first line whose leading words equal `match` (default
 * the keyword alone, e.g. `['timeout', 'connect']`) is rewritten with
 * `words`; when there is none, the line is added after the section's last directive.
 */
export function setDirective(
  document: HaproxyDocument,
  where: SectionRef,
  words: readonly string[],
  options: { match?: readonly string[] } = {},
): CstLine {
  const section = requireSection(document, where.kind, where.kind === 'global' ? undefined : where.name);
  return setDirectiveIn(document, section, words, options);
}

/** `setDirective` in a section already found (one of several unnamed `defaults`, say). */
export function setDirectiveIn(
  document: HaproxyDocument,
  section: CstSection,
  words: readonly string[],
  options: { match?: readonly string[] } = {},
): CstLine {
  const match = options.match ?? words.slice(0, 1);
  const existing = section.lines.find(
    (line) => line.kind === 'directive' && match.every((word, i) => line.values[i] === word),
  );
  if (existing) {
    rewrite(existing, words);
    return existing;
  }
  const line = newLine(`${indentOf(section, document)}${renderWords(words)}`, document);
  insertAfter(section, line, (entry) => entry.kind === 'directive' && entry.values[0] === words[0]);
  return line;
}

/** Removes the directives whose leading words equal `match`; returns how many. */
export function removeDirective(document: HaproxyDocument, where: SectionRef, match: readonly string[]): number {
  const section = requireSection(document, where.kind, where.name);
  const before = section.lines.length;
  section.lines = section.lines.filter(
    (line) => !(line.kind === 'directive' && match.every((word, i) => line.values[i] === word)),
  );
  return before - section.lines.length;
}

/** Appends a new section (`backend NAME` and its directives as words) at the end of the document. */
export function addSection(
  document: HaproxyDocument,
  kind: string,
  name: string | undefined,
  directives: readonly (readonly string[])[],
): CstSection {
  if (name !== undefined && document.sections.some((section) => section.kind === kind && section.name === name)) {
    throw new HaError('PRECONDITION_FAILED', `a ${kind} named '${name}' already exists`);
  }
  const lastSection = document.sections[document.sections.length - 1];
  const lastLine = lastSection
    ? (lastSection.lines[lastSection.lines.length - 1] ?? lastSection.header)
    : document.preamble[document.preamble.length - 1];
  // One blank line between sections, as most files have.
  if (lastLine && lastLine.text.trim() !== '' && lastSection) lastSection.lines.push(newLine('', document, 'blank'));
  const header = newLine(renderWords(name === undefined ? [kind] : [kind, name]), document, 'section');
  const lines = directives.map((words) => newLine(`${document.indentUnit}${renderWords(words)}`, document));
  const section: CstSection = { kind, known: true, name, from: undefined, header, lines, file: document.file };
  document.sections.push(section);
  return section;
}

/** A backend for `addBackend`. */
export interface BackendSpec {
  /** The load-balancing algorithm and its arguments. @example 'roundrobin' */
  balance?: string;
  /** `http` or `tcp` (else the defaults' mode). @example 'http' */
  mode?: string;
  /** Its servers, in `addServer`'s shape. @example [{ name: 'api1', address: '10.0.0.21:8080', check: true }] */
  servers?: readonly ServerSpec[];
  /** Any other lines, as words, before the servers. @example [['option', 'httpchk', 'GET', '/health']] */
  directives?: readonly (readonly string[])[];
}

/**
 * Adds a backend with servers (and more directives as words) at the end of the document.
 *
 * @example addBackend(document, 'api', { balance: 'roundrobin', servers: [{ name: 'api1', address: '10.0.0.21:8080', check: true }] })
 */
export function addBackend(document: HaproxyDocument, name: string, spec: BackendSpec = {}): CstSection {
  for (const server of spec.servers ?? []) assertServerName(server.name);
  return addSection(document, 'backend', name, [
    ...(spec.mode ? [['mode', spec.mode]] : []),
    ...(spec.balance ? [['balance', spec.balance]] : []),
    ...(spec.directives ?? []),
    ...(spec.servers ?? []).map((server) => ['server', server.name, server.address, ...serverOptionWords(server)]),
  ]);
}

/**
 * Routes requests whose path starts with `prefix` to `backend`: an
 * `acl NAME path_beg PREFIX` and a `use_backend BACKEND if NAME`, placed
 * after the frontend's other ACLs and routing rules (so before its default).
 */
export function routePath(
  document: HaproxyDocument,
  frontend: string,
  prefix: string,
  backend: string,
  options: { aclName?: string } = {},
): void {
  const section = requireProxy(document, frontend, ['frontend', 'listen']);
  requireBackend(document, backend);
  if (!prefix.startsWith('/')) throw new TypeError(`path prefix '${prefix}' must start with '/'`);
  const aclName = options.aclName ?? `path_${backend}`.replace(/[^A-Za-z0-9_.-]/g, '_');
  const indent = indentOf(section, document);
  const isAcl = (line: CstLine) => line.kind === 'directive' && line.values[0] === 'acl';
  const isRoute = (line: CstLine) =>
    line.kind === 'directive' &&
    (line.values[0] === 'use_backend' ||
      line.values[0] === 'acl' ||
      line.values[0] === 'bind' ||
      line.values[0] === 'mode');
  insertAfter(
    section,
    newLine(`${indent}${renderWords(['acl', aclName, 'path_beg', prefix])}`, document),
    (line) => isAcl(line) || (line.kind === 'directive' && ['bind', 'mode'].includes(line.values[0] as string)),
  );
  insertAfter(section, newLine(`${indent}${renderWords(['use_backend', backend, 'if', aclName])}`, document), isRoute);
}

/**
 * What ha-monitor's `[haproxy] log_listen` needs from haproxy.cfg: `log TARGET FACILITY` in `global` (unless a
 * `log` line there already sends to TARGET) and `option log-health-checks` in every `defaults` section (in every
 * backend and listen when there is none), so HAProxy logs each check's result and each state change. Adds only
 * what is missing and returns the lines it added; run it again and it adds nothing.
 *
 * @example addMonitorLog(document, '127.0.0.1:5514')
 */
export function addMonitorLog(document: HaproxyDocument, target: string, facility = 'local0'): CstLine[] {
  // One word each, as HAProxy reads it: no blank, quote, comment or escape to place inside a protocol line.
  for (const [what, word] of [
    ['log target', target],
    ['facility', facility],
  ] as const)
    if (!/^[A-Za-z0-9@:.[\]/_-]+$/.test(word))
      throw new HaError('VALIDATION_ERROR', `${what} '${word}': one word of letters, digits and @:.[]/_-`);
  const added: CstLine[] = [];
  const global = requireSection(document, 'global');
  const logs = global.lines.filter((line) => line.kind === 'directive' && line.values[0] === 'log');
  if (!logs.some((line) => line.values[1] === target)) {
    const line = newLine(`${indentOf(global, document)}${renderWords(['log', target, facility])}`, document);
    insertAfter(global, line, (entry) => entry.kind === 'directive' && entry.values[0] === 'log');
    added.push(line);
  }
  const defaults = document.sections.filter((section) => section.kind === 'defaults');
  const proxies =
    defaults.length > 0
      ? defaults
      : document.sections.filter((section) => section.kind === 'backend' || section.kind === 'listen');
  for (const section of proxies) {
    const has = section.lines.some(
      (line) => line.kind === 'directive' && line.values[0] === 'option' && line.values[1] === 'log-health-checks',
    );
    if (!has)
      added.push(
        setDirectiveIn(document, section, ['option', 'log-health-checks'], { match: ['option', 'log-health-checks'] }),
      );
  }
  return added;
}
