import { DEFAULT_KEEP_PER_CODE, DiagnosticCollector, safeParseInteger, type Severity } from '@ha/core';
import type { HaproxyCode, HaproxyDiagnostic } from '../codes.js';
import { isKnownKeyword, isRemovedKeyword, misplacement, proxyKinds } from '../keywords.js';
import { parseAddress, parseCondition } from '../model/config.js';
import {
  CstLine,
  parseRecordOf,
  safeParse,
  type CstSection,
  type HaproxyDocument,
  type SafeParseResult,
} from '../parse/cst.js';
import { lexHeadIn } from '../parse/lexer.js';
import { serialize } from '../print/serialize.js';
import { proxyOptionNames } from '../settings.js';
import { checkServerHead, checkServerLine, serverState, type ServerContext } from './check-server.js';
import {
  checkBalance,
  checkBindSettings,
  checkLenientNumber,
  checkLog,
  checkMode,
  checkTime,
  checkTimeout,
  isDeferred,
  isPlausibleHost,
  type WordReporter,
} from './check-values.js';

// ACLs HAProxy predefines: usable in any condition without an `acl` line.
const predefinedAcls = new Set([
  'FALSE',
  'HTTP',
  'HTTP_1.0',
  'HTTP_1.1',
  'HTTP_2.0',
  'HTTP_3.0',
  'HTTP_CONTENT',
  'HTTP_URL_ABS',
  'HTTP_URL_SLASH',
  'HTTP_URL_STAR',
  'LOCALHOST',
  'METH_CONNECT',
  'METH_DELETE',
  'METH_GET',
  'METH_HEAD',
  'METH_OPTIONS',
  'METH_POST',
  'METH_PUT',
  'METH_TRACE',
  'RDP_COOKIE',
  'REQ_CONTENT',
  'TRUE',
  'WAIT_END',
]);
const namedKinds = new Set([
  'frontend',
  'backend',
  'listen',
  'peers',
  'resolvers',
  'userlist',
  'mailers',
  'program',
  'http-errors',
  'ring',
  'cache',
  'fcgi-app',
  'log-forward',
]);
// Keywords whose rules take an `if`/`unless` condition somewhere after their action.
const ruleKeywords = new Set([
  'http-request',
  'http-response',
  'tcp-request',
  'tcp-response',
  'http-after-response',
  'redirect',
  'use-server',
  'monitor',
  'stats',
  'block',
]);

const summaryKeywords = ['mode', 'timeout', 'acl'];
const listenerKeywords = ['bind', 'dgram-bind', 'stats'];
const serverKeyword = ['server'];

// Whether a line's first word (after its indentation) starts with one of `words`: a cheap test before splitting it.
// A line still as parsed is read in the file's text (no slice of its own: a huge file has a million lines);
// a word holds no line break, so it cannot match past the line's end.
function startsWithAny(line: CstLine, words: readonly string[]): boolean {
  const source = CstLine.parsedSource(line);
  const text = source ?? line.text;
  const end = source === undefined ? text.length : CstLine.textEnd(line);
  let start = source === undefined ? 0 : line.offset;
  while (start < end && (text.charCodeAt(start) === 32 || text.charCodeAt(start) === 9)) start++;
  for (const word of words) if (text.startsWith(word, start)) return true;
  return false;
}

/** Options of `validate`. */
export interface ValidateOptions {
  /** Findings kept per code in each file; the rest are counted in one "and N more like it" finding (default 10). @example 100 */
  keepPerCode?: number | undefined;
  /** The file a text given to `validate` is from (named in its findings; a document names its own). @example '/etc/haproxy/haproxy.cfg' */
  file?: string | undefined;
}

// What the directives of one proxy section are checked with (made once per section).
interface ProxyLineContext {
  section: CstSection;
  document: HaproxyDocument;
  at: WordReporter;
  acls: ReadonlySet<string>;
  serverContext: ServerContext;
  defaultServerContext: ServerContext;
  serverWords: string[];
  /** Whether a `server` line may stand in this section (when not, the full check says why). */
  serversAllowed: boolean;
  /** The option texts found clean under the section's default-server words so far (see `cleanOptionsUnder`). */
  cleanOptions: Set<string>;
}

/** Where a section is, for diagnostics that point at a whole section. */
interface Located {
  section: CstSection;
  document: HaproxyDocument;
}

/**
 * Semantic checks of a configuration: a text, one document, or the documents
 * of a split configuration in HAProxy's order. Each finding has a code, a
 * severity and `file:line:column`. Syntax problems are the parser's own
 * findings, which this includes. A document is checked as it prints: one
 * an edit changed is read again from its printed text, so what the edit
 * wrote is placed where it will be in the file. Repeated findings of one code
 * are folded (`keepPerCode`, in each file), so a huge file costs a few
 * findings, not one per line.
 *
 * @example const errors = validate(document).filter((finding) => finding.severity === 'error')
 */
export function validate(
  input: HaproxyDocument | string | readonly HaproxyDocument[],
  options: ValidateOptions = {},
): HaproxyDiagnostic[] {
  const keepPerCode = options.keepPerCode ?? DEFAULT_KEEP_PER_CODE;
  const parsed =
    typeof input === 'string'
      ? [safeParse(input, { file: options.file })]
      : (Array.isArray(input) ? input : [input as HaproxyDocument]).map(asItPrints);
  const list = parsed.map((entry) => entry.document);
  const collectors = new Map(
    list.map((document) => [
      document,
      new DiagnosticCollector<HaproxyCode>({ text: document.source, file: document.file, keepPerCode, breaks: 'lf' }),
    ]),
  );
  const collectorOf = (document: HaproxyDocument) => collectors.get(document) as DiagnosticCollector<HaproxyCode>;
  const lineOf = (document: HaproxyDocument, line: CstLine) =>
    collectorOf(document).lineCounter.linePosition(line.offset).line;
  const report = (
    document: HaproxyDocument,
    line: CstLine,
    wordIndex: number,
    code: HaproxyCode,
    message: string | (() => string),
    severity: Severity = 'error',
  ) => {
    const collector = collectorOf(document);
    // A finding that would only be counted needs no range (nor the line's words).
    if (!collector.keeps(code, severity)) return collector.count(code, severity);
    const word = line.words[wordIndex] ?? line.words[0];
    const start = line.offset + (word?.start ?? 0);
    collector.report(
      code,
      message,
      { start, end: start + Math.max(1, (word?.end ?? 1) - (word?.start ?? 0)) },
      severity,
    );
  };
  const reporterFor =
    (document: HaproxyDocument): WordReporter =>
    (line, wordIndex, code, message, severity) =>
      report(document, line, wordIndex, code, message, severity);
  // Where another section is, for a message: FILE:LINE, or `line N` in a text from no file.
  const placeOf = (other: Located) =>
    `${other.document.file ?? 'line '}${other.document.file ? ':' : ''}${lineOf(other.document, other.section.header)}`;

  // HAProxy refuses a file whose last line has no line feed ("file might have been truncated").
  for (const document of list) {
    const lastSection = document.sections.at(-1);
    const last = lastSection ? (lastSection.lines.at(-1) ?? lastSection.header) : document.preamble.at(-1);
    if (last && last.eol === '' && last.text.length > 0) {
      const end = last.offset + last.text.length;
      collectorOf(document).report(
        'MISSING_FINAL_NEWLINE',
        'the last line has no line feed: HAProxy refuses the file (it may have been truncated)',
        { start: end, end },
      );
    }
  }

  const sections: Located[] = list.flatMap((document) =>
    document.sections.map((section: CstSection) => ({ section, document })),
  );
  const byKind = (kinds: readonly string[]) => sections.filter((entry) => kinds.includes(entry.section.kind));

  // Names: missing and duplicated.
  const seen = new Map<string, Located>();
  for (const entry of sections) {
    const { section, document } = entry;
    if (namedKinds.has(section.kind) && section.name === undefined)
      report(document, section.header, 0, 'MISSING_NAME', `a ${section.kind} section needs a name`);
    if (section.name === undefined) continue;
    // A frontend and a backend may share a name; a listen is both.
    const groups = section.kind === 'listen' ? ['frontend', 'backend'] : [section.kind];
    for (const group of groups) {
      const key = `${group}:${section.name}`;
      const other = seen.get(key);
      if (other) {
        const code = proxyKinds.has(section.kind) ? 'DUPLICATE_PROXY' : 'DUPLICATE_SECTION';
        report(
          document,
          section.header,
          1,
          code,
          () => `${section.kind} '${section.name}' has the same name as the ${other.section.kind} at ${placeOf(other)}`,
        );
        break;
      }
      seen.set(key, entry);
    }
  }

  checkListeners(list, sections, collectors);

  const backends = new Map(byKind(['backend', 'listen']).map((entry) => [entry.section.name ?? '', entry]));
  const defaultsByName = new Map(
    byKind(['defaults'])
      .filter((entry) => entry.section.name !== undefined)
      .map((entry) => [entry.section.name as string, entry]),
  );
  const userlists = new Set(byKind(['userlist']).map((entry) => entry.section.name));
  const resolvers = new Set(byKind(['resolvers']).map((entry) => entry.section.name));
  const peers = new Set(byKind(['peers']).map((entry) => entry.section.name));
  const globalLines = byKind(['global']).flatMap((entry) => entry.section.lines);
  const verifyNoneByDefault = globalLines.some(
    (line) => line.kind === 'directive' && line.peekValues().join(' ') === 'ssl-server-verify none',
  );

  // What each proxy inherits: its `from`, else the last defaults section before it.
  const inherited = new Map<CstSection, CstSection | undefined>();
  let lastDefaults: CstSection | undefined;
  for (const { section, document } of sections) {
    if (!proxyKinds.has(section.kind)) continue;
    if (section.from !== undefined && !defaultsByName.has(section.from))
      report(document, section.header, 3, 'UNKNOWN_DEFAULTS', `no defaults section named '${section.from}'`);
    inherited.set(
      section,
      section.from !== undefined
        ? defaultsByName.get(section.from)?.section
        : section.kind === 'defaults'
          ? undefined
          : lastDefaults,
    );
    if (section.kind === 'defaults') lastDefaults = section;
  }
  const chain = (section: CstSection): CstSection[] => {
    const sectionsUp: CstSection[] = [];
    for (let current = inherited.get(section); current && sectionsUp.length < 10; current = inherited.get(current))
      sectionsUp.unshift(current);
    return sectionsUp;
  };
  // What one pass over a section tells: its last `mode`, its timeouts, its ACL names (read once per section).
  const summaries = new Map<
    CstSection,
    { mode: string | undefined; timeouts: Map<string, string>; acls: Set<string> }
  >();
  const summaryOf = (section: CstSection) => {
    let summary = summaries.get(section);
    if (summary) return summary;
    summary = { mode: undefined as string | undefined, timeouts: new Map<string, string>(), acls: new Set<string>() };
    for (const line of section.lines) {
      // Only the few lines that matter are split into words.
      if (line.kind !== 'directive' || !startsWithAny(line, summaryKeywords)) continue;
      const values = line.peekValues();
      if (values[0] === 'mode') summary.mode = values[1];
      else if (values[0] === 'timeout' && values[1] !== undefined) summary.timeouts.set(values[1], values[2] ?? '');
      else if (values[0] === 'acl' && values[1] !== undefined) summary.acls.add(values[1]);
    }
    summaries.set(section, summary);
    return summary;
  };
  // A setting as the section applies it: its own, else its defaults' (and theirs).
  const inheritedSetting = <T>(
    section: CstSection,
    pick: (summary: ReturnType<typeof summaryOf>) => T | undefined,
  ): T | undefined => {
    for (
      let current: CstSection | undefined = section, depth = 0;
      current && depth < 10;
      current = inherited.get(current), depth++
    ) {
      const value = pick(summaryOf(current));
      if (value !== undefined) return value;
    }
    return undefined;
  };
  // Asked for both ends of every use_backend line: once per section.
  const modes = new Map<CstSection, string>();
  const modeOf = (section: CstSection): string => {
    let mode = modes.get(section);
    if (mode === undefined) modes.set(section, (mode = inheritedSetting(section, (summary) => summary.mode) ?? 'tcp'));
    return mode;
  };
  const timeoutOf = (section: CstSection, name: string) =>
    inheritedSetting(section, (summary) => summary.timeouts.get(name));
  // The option words of a defaults section's default-server lines, in order (once per section).
  const defaultServerCache = new Map<CstSection, string[]>();
  const defaultServerWords = (section: CstSection): string[] => {
    let words = defaultServerCache.get(section);
    if (!words) {
      words = [];
      for (const line of section.lines) {
        const values = line.kind === 'directive' && startsWithAny(line, ['default-server']) ? line.peekValues() : [];
        if (values[0] === 'default-server') words.push(...values.slice(1));
      }
      defaultServerCache.set(section, words);
    }
    return words;
  };
  const inheritedServerWords = (section: CstSection) => chain(section).flatMap(defaultServerWords);

  // A backend's servers and whether each is checked, for `track` (read when a track names the backend).
  const checkedServers = new Map<string, Map<string, boolean>>();
  const checkedServersOf = (name: string): Map<string, boolean> | undefined => {
    const backend = backends.get(name);
    if (backend === undefined) return undefined;
    let servers = checkedServers.get(name);
    if (servers) return servers;
    servers = new Map<string, boolean>();
    const words = inheritedServerWords(backend.section);
    for (const line of backend.section.lines) {
      if (line.kind !== 'directive') continue;
      const values = line.peekValues();
      if (values[0] === 'default-server') words.push(...values.slice(1));
      else if (values[0] === 'server' && values[1] !== undefined) {
        const state = serverState(words, values, 3);
        servers.set(values[1], state.check || state.agent);
      }
    }
    checkedServers.set(name, servers);
    return servers;
  };

  // Server option lists found clean, by the default-server words they were checked under (see ServerContext).
  const cleanOptions = new Map<string, Set<string>>();
  const cleanOptionsUnder = (inheritedWords: readonly string[]): Set<string> => {
    const key = `${inheritedWords.length}\0${inheritedWords.join('\0')}`;
    let memo = cleanOptions.get(key);
    if (memo === undefined) cleanOptions.set(key, (memo = new Set()));
    return memo;
  };

  // A server line as parsed, in a section that allows it, read only up to its address: the text of its options
  // (the key of `cleanOptions`), or null when they are known clean and its name and address are now checked too.
  // Undefined for every other line. Generated files repeat one option list thousands of times; this reads each
  // distinct one once.
  const serverOptionsText = (line: CstLine, proxy: ProxyLineContext): string | null | undefined => {
    const source = CstLine.parsedSource(line);
    if (source === undefined || !proxy.serversAllowed || !startsWithAny(line, serverKeyword)) return undefined;
    const serverHead: string[] = [];
    const end = CstLine.textEnd(line);
    const stop = lexHeadIn(source, line.offset, end, 3, serverHead);
    if (serverHead[0] !== 'server' || serverHead.length < 3) return undefined;
    const text = source.slice(stop, end);
    if (!proxy.cleanOptions.has(text)) return text;
    checkServerHead(serverHead[1], serverHead[2], line, proxy.serverContext, proxy.at);
    return null;
  };

  const binds: Binds = new Map();
  // One directive of a proxy section. A function of its own rather than the body of the loop below: V8 optimizes a
  // function this size within a few milliseconds, where the loop, optimized with all of validate around it, would
  // run unoptimized for most of a large file.
  const checkLine = (line: CstLine, proxy: ProxyLineContext): void => {
    const optionsText = serverOptionsText(line, proxy);
    if (optionsText === null) return;
    const { section, document, at, acls, serverContext, defaultServerContext, serverWords } = proxy;
    const kind = section.kind;
    const values = line.peekValues();
    const keyword = values[0] as string;
    if (!isKnownKeyword(kind, keyword)) {
      at(line, 0, 'UNKNOWN_KEYWORD', `unknown keyword '${keyword}' in a ${kind} section`, 'warning');
      return;
    }
    const removed = isRemovedKeyword(kind, keyword);
    if (removed !== undefined) {
      at(line, 0, 'REMOVED_KEYWORD', `'${keyword}' ${removed}`);
      return;
    }
    const misplaced = misplacement(keyword, kind, section.name !== undefined);
    if (misplaced !== undefined) {
      const where =
        kind === 'defaults'
          ? `${section.name === undefined ? 'an anonymous' : 'a'} defaults section`
          : `a ${kind} section`;
      at(
        line,
        0,
        'MISPLACED_KEYWORD',
        misplaced === 'error'
          ? `'${keyword}' is not allowed in ${where}: HAProxy refuses it`
          : `'${keyword}' has no effect in ${where}: HAProxy ignores it`,
        misplaced,
      );
      return;
    }
    switch (keyword) {
      case 'timeout':
        checkTimeout(values, line, at);
        break;
      case 'mode':
        checkMode(values, line, at);
        break;
      case 'balance':
        checkBalance(values, line, at);
        break;
      case 'log':
        checkLog(values, line, false, at);
        break;
      case 'option':
      case 'no': {
        const name = keyword === 'no' ? (values[1] === 'option' ? values[2] : undefined) : values[1];
        // Option names hardly change between versions (2.6 to 3.4 added two): an unknown one is a typo HAProxy refuses.
        if (name !== undefined && !isDeferred(name) && !proxyOptionNames.has(name))
          at(line, values.indexOf(name), 'UNKNOWN_OPTION', `unknown option '${name}': HAProxy refuses it`);
        break;
      }
      case 'maxconn':
      case 'retries':
      case 'fullconn':
        checkLenientNumber(values[1], line, 1, keyword, at);
        break;
      case 'default_backend':
      case 'use_backend': {
        const target = values[1];
        if (target !== undefined && !/[%$]/.test(target) && !backends.has(target))
          at(line, 1, 'UNKNOWN_BACKEND', `no backend named '${target}'`);
        checkCondition(values, 2, line, acls, at);
        if (target !== undefined && backends.has(target) && modeOf(section) === 'http') {
          const backend = backends.get(target) as Located;
          if (modeOf(backend.section) === 'tcp')
            at(
              line,
              1,
              'MODE_MISMATCH',
              `${kind} '${section.name ?? ''}' is in http mode but backend '${target}' is in tcp mode`,
            );
        }
        break;
      }
      case 'acl': {
        const userlist = /http_auth(?:_group)?\(([^)]+)\)/.exec(values.slice(2).join(' '))?.[1];
        if (userlist !== undefined && !userlists.has(userlist))
          at(line, 2, 'UNKNOWN_USERLIST', `no userlist named '${userlist}'`);
        break;
      }
      case 'stick-table': {
        const index = values.indexOf('peers');
        if (index !== -1 && values[index + 1] !== undefined && !peers.has(values[index + 1]))
          at(line, index + 1, 'UNKNOWN_PEERS', `no peers section named '${values[index + 1]}'`);
        break;
      }
      case 'bind':
        if (values[1] !== undefined) checkBind(values[1], { document, line, section }, binds, at, lineOf);
        checkBindSettings(values, line, at);
        break;
      case 'server':
      case 'default-server':
        if (keyword === 'server') {
          if (checkServerLine(values, line, serverContext, at) && optionsText !== undefined)
            proxy.cleanOptions.add(optionsText);
        } else {
          checkServerLine(values, line, defaultServerContext, at);
          // Later servers of this section get this line's options as defaults.
          serverWords.push(...values.slice(1));
          proxy.cleanOptions = cleanOptionsUnder(serverWords);
        }
        break;
    }
    if (ruleKeywords.has(keyword)) {
      const index = values.findIndex((word) => word === 'if' || word === 'unless');
      if (index !== -1) checkCondition(values, index, line, acls, at);
    }
    // A userlist named in an http-request condition (`http_auth(users)`) is looked up too.
    if (keyword === 'http-request') {
      for (const [index, word] of values.entries()) {
        const userlist = /^http_auth(?:_group)?\(([^)]+)\)$/.exec(word)?.[1];
        if (userlist !== undefined && !userlists.has(userlist))
          at(line, index, 'UNKNOWN_USERLIST', `no userlist named '${userlist}'`);
      }
    }
  };
  for (const { section, document } of sections) {
    if (!section.known) continue;
    const kind = section.kind;
    const at = reporterFor(document);
    if (!proxyKinds.has(kind)) {
      checkOtherSection(section, at);
      continue;
    }
    const acls = summaryOf(section).acls;
    const serverNames = new Map<string, CstLine>();
    const serverLineOf = (line: CstLine) => lineOf(document, line);
    const serverWords = inheritedServerWords(section);
    const tracked = (target: string): 'missing' | 'unchecked' | 'ok' => {
      const slash = target.indexOf('/');
      const checked = checkedServersOf(slash === -1 ? (section.name ?? '') : target.slice(0, slash))?.get(
        slash === -1 ? target : target.slice(slash + 1),
      );
      return checked === undefined ? 'missing' : checked ? 'ok' : 'unchecked';
    };
    // What the section's server lines are checked against, made once for all of them (`serverWords` grows as
    // default-server lines are read).
    const serverContext: ServerContext = {
      isServer: true,
      inherited: serverWords,
      resolvers,
      verifyNoneByDefault,
      tracked,
      names: serverNames,
      lineOf: serverLineOf,
    };
    const defaultServerContext: ServerContext = { ...serverContext, isServer: false };
    const proxy: ProxyLineContext = {
      section,
      document,
      at,
      acls,
      serverContext,
      defaultServerContext,
      serverWords,
      serversAllowed:
        isKnownKeyword(kind, 'server') &&
        isRemovedKeyword(kind, 'server') === undefined &&
        misplacement('server', kind, section.name !== undefined) === undefined,
      cleanOptions: cleanOptionsUnder(serverWords),
    };
    for (const line of section.lines) if (line.kind === 'directive') checkLine(line, proxy);
    // Timeouts HAProxy warns about when missing.
    if (kind === 'frontend' || kind === 'listen' || kind === 'backend') {
      const mode = modeOf(section);
      const needed = [...(kind !== 'backend' ? ['client'] : []), ...(kind !== 'frontend' ? ['connect', 'server'] : [])];
      const missing = needed.filter((name) => timeoutOf(section, name) === undefined);
      if (missing.length > 0 && (mode === 'http' || mode === 'tcp')) {
        const names = missing.map((name) => `timeout ${name}`).join(', ');
        report(
          document,
          section.header,
          0,
          'MISSING_TIMEOUT',
          `${kind} '${section.name ?? ''}' has no ${names} (here or in its defaults): connections may hang for ever`,
          'warning',
        );
      }
    }
  }
  // In reading order: file by file (the parser's findings first), line by line (a folded finding stays after the last one it follows).
  return parsed.flatMap(({ document, diagnostics }) =>
    [...diagnostics, ...collectorOf(document).diagnostics()]
      .map((finding, index) => ({ finding, index }))
      .sort((a, b) => a.finding.line - b.finding.line || a.finding.column - b.finding.column || a.index - b.index)
      .map((entry) => entry.finding),
  );
}

// The document as it prints, with the parser's findings: itself while it prints as it was parsed (one pass over it),
// else its printed text parsed again (an edit wrote lines that have no place in the text it was parsed from).
function asItPrints(document: HaproxyDocument): SafeParseResult {
  const text = serialize(document);
  const record = parseRecordOf(document);
  if (record !== undefined && text === document.source) return { document, diagnostics: record.diagnostics };
  return safeParse(text, { file: document.file, sections: record?.sections });
}

// Keywords of the global section and the other non-proxy sections: known ones, removed ones, and the global values we type.
function checkOtherSection(section: CstSection, at: WordReporter): void {
  for (const line of section.lines) {
    if (line.kind !== 'directive') continue;
    const values = line.peekValues();
    const keyword = values[0] as string;
    if (!isKnownKeyword(section.kind, keyword)) {
      at(line, 0, 'UNKNOWN_KEYWORD', `unknown keyword '${keyword}' in a ${section.kind} section`, 'warning');
      continue;
    }
    const removed = isRemovedKeyword(section.kind, keyword);
    if (removed !== undefined) {
      at(line, 0, 'REMOVED_KEYWORD', `'${keyword}' ${removed}`);
      continue;
    }
    if (section.kind !== 'global') continue;
    if (keyword === 'log') checkLog(values, line, true, at);
    else if (keyword === 'maxconn') checkLenientNumber(values[1], line, 1, keyword, at);
    else if (keyword === 'nbthread') {
      const value = values[1];
      if (value === undefined || (!isDeferred(value) && safeParseInteger(value, { min: 1 }) === undefined)) {
        at(
          line,
          value === undefined ? 0 : 1,
          'BAD_NUMBER',
          `nbthread ${value === undefined ? 'needs a number' : `'${value}' must be a whole number of at least 1`}`,
        );
      }
    } else if (keyword === 'stats' && values[1] === 'timeout') checkTime(values[2], line, 2, 'stats timeout', at);
    else if (keyword === 'stats' && values[1] === 'socket') checkStatsSocket(values, line, at);
  }
}

function checkStatsSocket(values: readonly string[], line: CstLine, at: WordReporter): void {
  if (values[2] === undefined) {
    at(line, 1, 'MISSING_VALUE', 'stats socket needs an address or a path');
    return;
  }
  const level = values.indexOf('level', 3);
  if (
    level !== -1 &&
    values[level + 1] !== undefined &&
    !['user', 'operator', 'admin'].includes(values[level + 1] as string)
  ) {
    at(line, level + 1, 'BAD_VALUE', `stats socket level '${values[level + 1]}': 'user', 'operator' or 'admin'`);
  }
  const mode = values.indexOf('mode', 3);
  if (mode !== -1 && values[mode + 1] !== undefined && !/^[0-7]{1,4}$/.test(values[mode + 1] as string)) {
    at(line, mode + 1, 'BAD_VALUE', `stats socket mode '${values[mode + 1]}' is not an octal file mode (e.g. 660)`);
  }
}

// HAProxy will not start without anything to listen on: a bind of a frontend, listen, peers or
// log-forward section, or a stats socket. `haproxy -c` then exits 2 ("no listener").
function checkListeners(
  list: readonly HaproxyDocument[],
  sections: readonly Located[],
  collectors: ReadonlyMap<HaproxyDocument, DiagnosticCollector<HaproxyCode>>,
): void {
  const first = list[0];
  if (first === undefined) return;
  const listens = sections.some(({ section }) =>
    section.lines.some((line) => {
      if (line.kind !== 'directive' || !startsWithAny(line, listenerKeywords)) return false;
      const [keyword, first] = line.peekValues();
      if (section.kind === 'global') return keyword === 'stats' && first === 'socket';
      return (
        (keyword === 'bind' || keyword === 'dgram-bind') && section.kind !== 'backend' && section.kind !== 'defaults'
      );
    }),
  );
  if (!listens) {
    const message =
      "nothing listens (no bind in a frontend or listen section, no stats socket): HAProxy will not start ('haproxy -c' exits 2)";
    collectors.get(first)?.report('NO_LISTENER', message, { start: 0, end: 0 }, 'warning');
  }
}

function checkCondition(
  values: readonly string[],
  at: number,
  line: CstLine,
  acls: ReadonlySet<string>,
  report: WordReporter,
): void {
  const kind = values[at];
  if (kind !== 'if' && kind !== 'unless') return;
  const condition = parseCondition(kind, values.slice(at + 1));
  for (const name of condition.acls) {
    if (!acls.has(name) && !predefinedAcls.has(name) && !name.includes('$'))
      report(
        line,
        values.indexOf(name) === -1 ? values.indexOf(`!${name}`) : values.indexOf(name),
        'UNKNOWN_ACL',
        `no acl named '${name}' in this section`,
      );
  }
}

/** A bind line, where it is. */
interface BindLine {
  document: HaproxyDocument;
  line: CstLine;
  section: CstSection;
}
/** The addresses bound so far: `family|host|port` → the first line binding it. */
type Binds = Map<string, BindLine>;

function checkBind(
  raw: string,
  where: BindLine,
  binds: Binds,
  report: WordReporter,
  lineOf: (document: HaproxyDocument, line: CstLine) => number,
): void {
  const { line, section } = where;
  for (const part of raw.split(',')) {
    const address = parseAddress(part);
    if (
      address.hasVariables ||
      address.family === 'unix' ||
      address.family === 'fd' ||
      address.family === 'sockpair' ||
      address.family === 'abns' ||
      address.family === 'abnsz' ||
      address.family === 'rhttp'
    )
      continue;
    if (address.port === undefined) {
      report(line, 1, 'BAD_PORT', `bind '${part}' needs a port (or a port range)`);
      continue;
    }
    if (
      address.port < 1 ||
      address.port > 65535 ||
      (address.portEnd !== undefined && (address.portEnd < address.port || address.portEnd > 65535))
    ) {
      report(
        line,
        1,
        'BAD_PORT',
        `port ${address.port}${address.portEnd !== undefined ? `-${address.portEnd}` : ''} is out of range (1 to 65535)`,
      );
      continue;
    }
    if (!isPlausibleHost(address.host)) {
      report(line, 1, 'BAD_ADDRESS', `'${address.host}' is not an address`);
      continue;
    }
    const host =
      address.host === '' || address.host === '*' || address.host === '0.0.0.0' || address.host === '::'
        ? '*'
        : address.host;
    const key = `${address.family ?? ''}|${host}|${address.port}`;
    const other = binds.get(key);
    if (other && other.section !== section) {
      const place = () =>
        `${other.document.file ?? 'line'}${other.document.file ? ':' : ' '}${lineOf(other.document, other.line)}`;
      report(
        line,
        1,
        'BIND_CONFLICT',
        () => `${part} is also bound by ${other.section.kind} '${other.section.name ?? ''}' (${place()})`,
      );
    } else if (!other) binds.set(key, where);
  }
}
