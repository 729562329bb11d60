import type { Severity } from '@ha/core';
import type { HaproxyCode, HaproxyDiagnostic } from '../codes.js';
import { isKnownKeyword, proxyKinds, proxySectionsOf } from '../keywords.js';
import { parseAddress, readCondition, time } from '../model/build.js';
import type { ConfigLine, HaproxyDocument, Section } from '../parse/cst.js';

// ACLs HAProxy predefines: usable in any condition without an `acl` line.
const predefinedAcls = new Set([
  'FALSE', 'HTTP', 'HTTP_1.0', 'HTTP_1.1', 'HTTP_2.0', 'HTTP_3.0', 'HTTP_CONTENT', 'HTTP_URL_ABS', 'HTTP_URL_SLASH', 'HTTP_URL_STAR', 'LOCALHOST',
  'METH_CONNECT', 'METH_DELETE', 'METH_GET', 'METH_HEAD', 'METH_OPTIONS', 'METH_POST', 'METH_PUT', 'METH_TRACE', 'RDP_COOKIE', 'REQ_CONTENT', 'TRUE', 'WAIT_END',
]);
// Where a misplaced keyword makes HAProxy refuse the file rather than ignore the line.
const fatalMisplacements = new Set(['bind', 'server', 'use_backend', 'default_backend', 'server-template']);
const namedKinds = new Set(['frontend', 'backend', 'listen', 'peers', 'resolvers', 'userlist', 'mailers', 'program', 'http-errors', 'ring', 'cache', 'fcgi-app', 'log-forward']);
// Server options that only matter with health checks.
const checkOptions = new Set(['inter', 'fastinter', 'downinter', 'fall', 'rise']);

/** Where a section is, for diagnostics that point at a whole section. */
interface Located {
  section: Section;
  document: HaproxyDocument;
}

/**
 * Semantic checks of a configuration (one document, or the documents of a
 * split configuration in HAProxy's order). Each finding has a code, a
 * severity and `file:line:column`. Syntax errors are the parser's own
 * diagnostics (`document.diagnostics`), which this includes.
 */
export function validate(documents: HaproxyDocument | readonly HaproxyDocument[]): HaproxyDiagnostic[] {
  const list = Array.isArray(documents) ? documents : [documents as HaproxyDocument];
  const findings: HaproxyDiagnostic[] = list.flatMap((document) => document.diagnostics);
  const report = (document: HaproxyDocument, line: ConfigLine, wordIndex: number, code: HaproxyCode, message: string, severity: Severity = 'error') => {
    const word = line.words[wordIndex] ?? line.words[0];
    const column = (word?.start ?? 0) + 1;
    const start = line.offset < 0 ? 0 : line.offset + (word?.start ?? 0);
    findings.push({ code, severity, message, file: document.file, line: line.line, column, range: { start, end: start + Math.max(1, (word?.end ?? 1) - (word?.start ?? 0)) } });
  };

  // HAProxy refuses a file whose last line has no line feed ("file might have been truncated").
  for (const document of list) {
    const last = document.sections.length > 0 ? ((document.sections[document.sections.length - 1] as Section).lines.at(-1) ?? (document.sections[document.sections.length - 1] as Section).header) : document.preamble.at(-1);
    if (last && last.eol === '' && last.text.length > 0) {
      findings.push({ code: 'MISSING_FINAL_NEWLINE', severity: 'error', message: 'the last line has no line feed: HAProxy refuses the file (it may have been truncated)', file: document.file, line: last.line, column: last.text.length + 1, range: { start: last.offset + last.text.length, end: last.offset + last.text.length } });
    }
  }

  const sections: Located[] = list.flatMap((document) => document.sections.map((section: Section) => ({ section, document })));
  const byKind = (kinds: readonly string[]) => sections.filter((entry) => kinds.includes(entry.section.kind));

  // Names: missing and duplicated.
  const seen = new Map<string, Located>();
  for (const entry of sections) {
    const { section, document } = entry;
    if (namedKinds.has(section.kind) && section.name === undefined) report(document, section.header, 0, 'MISSING_NAME', `a ${section.kind} section needs a name`);
    if (section.name === undefined) continue;
    // A frontend and a backend may share a name; a listen is both.
    const groups = section.kind === 'listen' ? ['frontend', 'backend'] : section.kind === 'frontend' || section.kind === 'backend' ? [section.kind] : [section.kind];
    for (const group of groups) {
      const key = `${group}:${section.name}`;
      const other = seen.get(key);
      if (other) {
        const code = proxyKinds.has(section.kind) ? 'DUPLICATE_PROXY' : 'DUPLICATE_SECTION';
        report(document, section.header, 1, code, `${section.kind} '${section.name}' has the same name as the ${other.section.kind} at ${other.document.file ?? ''}${other.document.file ? ':' : 'line '}${other.section.header.line}`);
        break;
      }
      seen.set(key, entry);
    }
  }

  const backends = new Map(byKind(['backend', 'listen']).map((entry) => [entry.section.name ?? '', entry]));
  const defaultsByName = new Map(byKind(['defaults']).filter((entry) => entry.section.name !== undefined).map((entry) => [entry.section.name as string, entry]));
  const userlists = new Set(byKind(['userlist']).map((entry) => entry.section.name));
  const resolvers = new Set(byKind(['resolvers']).map((entry) => entry.section.name));
  const peers = new Set(byKind(['peers']).map((entry) => entry.section.name));

  // What each proxy inherits: its `from`, else the last defaults section before it.
  const inherited = new Map<Section, Section | undefined>();
  let lastDefaults: Section | undefined;
  for (const { section, document } of sections) {
    if (section.kind === 'defaults') {
      if (section.from !== undefined && !defaultsByName.has(section.from)) report(document, section.header, 3, 'UNKNOWN_DEFAULTS', `no defaults section named '${section.from}'`);
      inherited.set(section, section.from !== undefined ? defaultsByName.get(section.from)?.section : undefined);
      lastDefaults = section;
    } else if (proxyKinds.has(section.kind)) {
      if (section.from !== undefined && !defaultsByName.has(section.from)) report(document, section.header, 3, 'UNKNOWN_DEFAULTS', `no defaults section named '${section.from}'`);
      inherited.set(section, section.from !== undefined ? defaultsByName.get(section.from)?.section : lastDefaults);
    }
  }
  const setting = (section: Section, find: (values: string[]) => string | undefined): string | undefined => {
    for (let current: Section | undefined = section, depth = 0; current && depth < 10; current = inherited.get(current), depth++) {
      for (let i = current.lines.length - 1; i >= 0; i--) {
        const line = current.lines[i] as ConfigLine;
        if (line.kind !== 'directive') continue;
        const found = find(line.values);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };
  const modeOf = (section: Section) => setting(section, (values) => (values[0] === 'mode' ? values[1] : undefined)) ?? 'tcp';
  const timeoutOf = (section: Section, name: string) => setting(section, (values) => (values[0] === 'timeout' && values[1] === name ? (values[2] ?? '') : undefined));

  const binds = new Map<string, { document: HaproxyDocument; line: ConfigLine; section: Section }>();
  for (const { section, document } of sections) {
    const kind = section.kind;
    const isProxy = proxyKinds.has(kind);
    const acls = new Set<string>();
    if (isProxy) for (const line of section.lines) if (line.kind === 'directive' && line.values[0] === 'acl' && line.values[1]) acls.add(line.values[1]);
    const serverNames = new Map<string, ConfigLine>();
    for (const line of section.lines) {
      if (line.kind !== 'directive') continue;
      const values = line.values;
      const keyword = values[0] as string;
      if (!section.known) continue;
      if (!isKnownKeyword(kind, keyword)) {
        const allowed = proxySectionsOf(keyword);
        if (allowed && isProxy) {
          report(document, line, 0, 'MISPLACED_KEYWORD', `'${keyword}' does not belong in a ${kind} section (only in ${[...allowed].join(', ')})`, fatalMisplacements.has(keyword) ? 'error' : 'warning');
        } else {
          report(document, line, 0, 'UNKNOWN_KEYWORD', `unknown keyword '${keyword}' in a ${kind} section`, 'warning');
        }
        continue;
      }
      if (!isProxy) {
        if (kind === 'global' && keyword === 'stats' && values[1] === 'timeout' && values[2] !== undefined && !values[2].includes('$') && time(values[2]) === undefined) {
          report(document, line, 2, 'BAD_TIME', `'${values[2]}' is not a time (e.g. 10s, 500ms)`);
        }
        continue;
      }
      switch (keyword) {
        case 'timeout':
          if (values[2] !== undefined && !values[2].includes('$') && time(values[2]) === undefined) report(document, line, 2, 'BAD_TIME', `'${values[2]}' is not a time (e.g. 10s, 500ms)`);
          else if (values[2] === undefined) report(document, line, 0, 'BAD_TIME', `timeout ${values[1] ?? ''} needs a time`);
          break;
        case 'maxconn':
        case 'retries':
        case 'fullconn':
          if (values[1] !== undefined && !values[1].includes('$') && !/^\d+$/.test(values[1])) report(document, line, 1, 'BAD_NUMBER', `'${values[1]}' is not a whole number`);
          break;
        case 'default_backend':
        case 'use_backend': {
          const target = values[1];
          if (target !== undefined && !/[%$]/.test(target) && !backends.has(target)) report(document, line, 1, 'UNKNOWN_BACKEND', `no backend named '${target}'`);
          checkCondition(values, 2, line, document, acls, report);
          if (target !== undefined && backends.has(target) && modeOf(section) === 'http') {
            const backend = backends.get(target) as Located;
            if (modeOf(backend.section) === 'tcp') report(document, line, 1, 'MODE_MISMATCH', `${kind} '${section.name ?? ''}' is in http mode but backend '${target}' is in tcp mode`);
          }
          break;
        }
        case 'http-request':
        case 'http-response':
        case 'tcp-request':
        case 'tcp-response':
        case 'http-after-response':
        case 'redirect':
        case 'use-server':
        case 'monitor':
        case 'stats':
        case 'block': {
          const at = values.findIndex((word) => word === 'if' || word === 'unless');
          if (at !== -1) checkCondition(values, at, line, document, acls, report);
          break;
        }
        case 'acl': {
          const userlist = /http_auth(?:_group)?\(([^)]+)\)/.exec(values.slice(2).join(' '))?.[1];
          if (userlist !== undefined && !userlists.has(userlist)) report(document, line, 2, 'UNKNOWN_USERLIST', `no userlist named '${userlist}'`);
          break;
        }
        case 'stick-table': {
          const at = values.indexOf('peers');
          if (at !== -1 && values[at + 1] !== undefined && !peers.has(values[at + 1])) report(document, line, at + 1, 'UNKNOWN_PEERS', `no peers section named '${values[at + 1]}'`);
          break;
        }
        case 'bind':
          if (values[1] !== undefined) checkBind(values[1], line, document, section, binds, report);
          break;
        case 'server':
        case 'default-server':
          checkServer(values, line, document, keyword === 'server', serverNames, resolvers, report);
          break;
      }
      // A userlist named in an http-request condition (`http_auth(users)`) is looked up too.
      if (keyword === 'http-request') {
        for (const word of values) {
          const userlist = /^http_auth(?:_group)?\(([^)]+)\)$/.exec(word)?.[1];
          if (userlist !== undefined && !userlists.has(userlist)) report(document, line, values.indexOf(word), 'UNKNOWN_USERLIST', `no userlist named '${userlist}'`);
        }
      }
    }
    // Timeouts HAProxy warns about when missing (with their defaults).
    if (kind === 'frontend' || kind === 'listen' || kind === 'backend') {
      const mode = modeOf(section);
      const needed = [...(kind !== 'backend' ? ['client'] : []), ...(kind !== 'frontend' ? ['connect', 'server'] : [])];
      const missing = needed.filter((name) => timeoutOf(section, name) === undefined);
      if (missing.length > 0 && (mode === 'http' || mode === 'tcp')) {
        report(document, section.header, 0, 'MISSING_TIMEOUT', `${kind} '${section.name ?? ''}' has no ${missing.map((name) => `timeout ${name}`).join(', ')} (here or in its defaults): connections may hang for ever`, 'warning');
      }
    }
  }
  // In reading order: file by file, line by line.
  const fileOrder = new Map(list.map((document, index) => [document.file, index]));
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => (fileOrder.get(a.finding.file) ?? 0) - (fileOrder.get(b.finding.file) ?? 0) || a.finding.line - b.finding.line || a.finding.column - b.finding.column || a.index - b.index)
    .map((entry) => entry.finding);
}

type Report = (document: HaproxyDocument, line: ConfigLine, wordIndex: number, code: HaproxyCode, message: string, severity?: Severity) => void;

function checkCondition(values: readonly string[], at: number, line: ConfigLine, document: HaproxyDocument, acls: ReadonlySet<string>, report: Report): void {
  const kind = values[at];
  if (kind !== 'if' && kind !== 'unless') return;
  const condition = readCondition(kind, values.slice(at + 1));
  for (const name of condition.acls) {
    if (!acls.has(name) && !predefinedAcls.has(name) && !name.includes('$')) report(document, line, values.indexOf(name) === -1 ? values.indexOf(`!${name}`) : values.indexOf(name), 'UNKNOWN_ACL', `no acl named '${name}' in this section`);
  }
}

function checkBind(raw: string, line: ConfigLine, document: HaproxyDocument, section: Section, binds: Map<string, { document: HaproxyDocument; line: ConfigLine; section: Section }>, report: Report): void {
  for (const part of raw.split(',')) {
    const address = parseAddress(part);
    if (address.hasVariables || address.family === 'unix' || address.family === 'fd' || address.family === 'sockpair' || address.family === 'abns' || address.family === 'abnsz') continue;
    if (address.port === undefined) {
      report(document, line, 1, 'BAD_PORT', `bind '${part}' needs a port (or a port range)`);
      continue;
    }
    if (address.port < 1 || address.port > 65535 || (address.portEnd !== undefined && (address.portEnd < address.port || address.portEnd > 65535))) {
      report(document, line, 1, 'BAD_PORT', `port ${address.port}${address.portEnd !== undefined ? `-${address.portEnd}` : ''} is out of range (1 to 65535)`);
      continue;
    }
    if (!isPlausibleHost(address.host)) {
      report(document, line, 1, 'BAD_ADDRESS', `'${address.host}' is not an address`);
      continue;
    }
    const host = address.host === '' || address.host === '*' || address.host === '0.0.0.0' || address.host === '::' ? '*' : address.host;
    const key = `${address.family ?? ''}|${host}|${address.port}`;
    const other = binds.get(key);
    if (other && other.section !== section) {
      report(document, line, 1, 'BIND_CONFLICT', `${part} is also bound by ${other.section.kind} '${other.section.name ?? ''}' (${other.document.file ?? 'line'}${other.document.file ? ':' : ' '}${other.line.line})`);
    } else if (!other) binds.set(key, { document, line, section });
  }
}

function checkServer(values: readonly string[], line: ConfigLine, document: HaproxyDocument, isServer: boolean, names: Map<string, ConfigLine>, resolvers: ReadonlySet<string | undefined>, report: Report): void {
  let first = 1;
  if (isServer) {
    const name = values[1];
    const raw = values[2];
    if (name === undefined || raw === undefined) {
      report(document, line, 0, 'BAD_ADDRESS', 'a server needs a name and an address');
      return;
    }
    const previous = names.get(name);
    if (previous) report(document, line, 1, 'DUPLICATE_SERVER', `server '${name}' is already defined on line ${previous.line}`);
    else names.set(name, line);
    const address = parseAddress(raw);
    if (!address.hasVariables && address.family !== 'unix') {
      const portText = raw.slice(raw.lastIndexOf(':') + 1);
      if (address.port !== undefined && (address.port > 65535 || (address.portEnd ?? 0) > 65535)) report(document, line, 2, 'BAD_PORT', `port ${address.port} is out of range (1 to 65535)`);
      else if (address.port === undefined && raw.includes(':') && !address.host.includes(':') && !/^[+-]?\d*$/.test(portText)) report(document, line, 2, 'BAD_PORT', `'${portText}' is not a port`);
      else if (!isPlausibleHost(address.host)) report(document, line, 2, 'BAD_ADDRESS', `'${address.host}' is not an address`);
    }
    first = 3;
  }
  const hasCheck = values.includes('check');
  for (let i = first; i < values.length; i++) {
    const option = values[i] as string;
    const value = values[i + 1];
    if (value === undefined || value.includes('$')) continue;
    if (['inter', 'fastinter', 'downinter', 'slowstart'].includes(option)) {
      if (time(value) === undefined) report(document, line, i + 1, 'BAD_TIME', `'${value}' is not a time (e.g. 2s, 500ms)`);
    } else if (['fall', 'rise', 'maxconn', 'maxqueue'].includes(option)) {
      if (!/^\d+$/.test(value)) report(document, line, i + 1, 'BAD_NUMBER', `${option} '${value}' is not a whole number`);
      else if ((option === 'fall' || option === 'rise') && Number(value) < 1) report(document, line, i + 1, 'BAD_NUMBER', `${option} must be at least 1`);
    } else if (option === 'weight') {
      if (!/^\d+$/.test(value) || Number(value) > 256) report(document, line, i + 1, 'BAD_NUMBER', `weight '${value}' is out of range (0 to 256)`);
    } else if (option === 'resolvers') {
      if (!resolvers.has(value)) report(document, line, i + 1, 'UNKNOWN_RESOLVERS', `no resolvers section named '${value}'`);
    }
    if (isServer && checkOptions.has(option) && !hasCheck) {
      report(document, line, i, 'CHECK_OPTION_WITHOUT_CHECK', `'${option}' has no effect: this server has no 'check'`, 'warning');
    }
  }
}

function isPlausibleHost(host: string): boolean {
  if (host === '' || host === '*') return true;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return host.split('.').every((part) => Number(part) <= 255);
  if (host.includes(':')) return /^[0-9a-fA-F:.%a-z0-9]+$/.test(host);
  return /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(host);
}
