import { LineCounter, safeParseDuration, safeParseInteger } from '@ha/core';
import { bindSettings, serverSettings } from '../settings.js';
import { CstLine, type CstSection, type HaproxyDocument } from '../parse/cst.js';
import { lexValuesIn } from '../parse/lexer.js';
import type {
  Address,
  Bind,
  Condition,
  Directive,
  GlobalSettings,
  HaproxyConfig,
  ProxySection,
  Rule,
  Server,
  ServerOptions,
  UseBackend,
} from './schema.js';
import { globalKeys, proxyKeys } from './keys.js';

/**
 * The typed view of a configuration (one document, or the documents of a
 * split configuration in HAProxy's order). Directives it does not type are
 * kept as words in each section's `directives`; `line`s are 1-based lines of
 * the text each document was parsed from (0 for a line an edit wrote).
 * The view is built straight from the words read, in `haproxyConfigSchema`'s
 * shape and key order, without zod (a test checks both agree on every corpus
 * file): `haproxyConfigSchema.parse(view)` checks a view from elsewhere.
 *
 * @example const config = toConfig(document); config.backends.map((backend) => backend.name)
 */
export function toConfig(documents: HaproxyDocument | readonly HaproxyDocument[]): HaproxyConfig {
  const list = Array.isArray(documents) ? documents : [documents as HaproxyDocument];
  const global = emptyGlobal();
  const config: HaproxyConfig = {
    global,
    defaults: [],
    frontends: [],
    backends: [],
    listens: [],
    sections: [],
  };
  let lastDefaults: number | undefined;
  // Index in `defaults` of what a proxy inherits: its `from`, else the last defaults before it.
  const inherits = (from: string | undefined, kind: string): number | undefined => {
    if (from === undefined) return kind === 'defaults' ? undefined : lastDefaults;
    const named = config.defaults.findIndex((entry) => entry.name === from);
    return named === -1 ? undefined : named;
  };
  for (const document of list) {
    const at = lineNumbers(document);
    for (const section of document.sections) {
      const kind = section.kind;
      if (kind === 'global') addGlobal(section, global, at);
      else if (kind === 'defaults') {
        config.defaults.push(toProxySection(section, at, inherits(section.from, kind)));
        lastDefaults = config.defaults.length - 1;
      } else if (kind === 'frontend') config.frontends.push(toProxySection(section, at, inherits(section.from, kind)));
      else if (kind === 'backend') config.backends.push(toProxySection(section, at, inherits(section.from, kind)));
      else if (kind === 'listen') config.listens.push(toProxySection(section, at, inherits(section.from, kind)));
      else
        config.sections.push({
          kind,
          known: section.known,
          name: section.name,
          directives: directivesOf(section, at),
          file: section.file,
          line: at(section.header),
        });
    }
  }
  config.global = inOrder(global, globalKeys);
  return config;
}

// A copy of `object` with its keys in the schema's order (the order a zod parse gives them), those it has only;
// `accessorKey` in its place defined by `accessor` instead.
function inOrder<T extends object>(
  object: T,
  keys: readonly string[],
  accessorKey?: string,
  accessor?: PropertyDescriptor,
): T {
  const source = object as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const key of keys) {
    if (!(key in source)) continue;
    if (key === accessorKey && accessor !== undefined) Object.defineProperty(ordered, key, accessor);
    else ordered[key] = source[key];
  }
  return ordered as T;
}

/** The 1-based line of a CST line in the text its document was parsed from; 0 for one an edit wrote. */
type LineNumbers = (line: CstLine) => number;

// The parser's own line numbers; a line counter a document for lines it did not number, built when first needed.
function lineNumbers(document: HaproxyDocument): LineNumbers {
  let counter: LineCounter | undefined;
  return (line) => {
    const known = CstLine.lineNumber(line);
    if (known !== undefined) return known;
    // Lines end at \n alone, as HAProxy (and the parser) count them.
    counter ??= new LineCounter(document.source, { breaks: 'lf' });
    return counter.linePosition(line.offset).line;
  };
}

function emptyGlobal(): GlobalSettings {
  return { daemon: false, masterWorker: false, logs: [], statsSockets: [], tune: {}, directives: [] };
}

function directiveOf(line: CstLine, at: LineNumbers, values = line.peekValues()): Directive {
  const directive: Directive = { keyword: values[0] as string, args: values.slice(1), line: at(line) };
  if (line.conditions.length > 0) directive.conditions = [...line.conditions];
  return directive;
}

function directivesOf(section: CstSection, at: LineNumbers): Directive[] {
  const directives: Directive[] = [];
  for (const line of section.lines) if (line.kind === 'directive') directives.push(directiveOf(line, at));
  return directives;
}

function addGlobal(section: CstSection, global: GlobalSettings, at: LineNumbers): void {
  for (const line of section.lines) {
    if (line.kind !== 'directive') continue;
    const directive = directiveOf(line, at);
    global.directives.push(directive);
    const [first, second] = directive.args;
    switch (directive.keyword) {
      case 'maxconn':
        global.maxconn = integer(first) ?? global.maxconn;
        break;
      case 'nbthread':
        global.nbthread = integer(first) ?? global.nbthread;
        break;
      case 'daemon':
        global.daemon = true;
        break;
      case 'master-worker':
        global.masterWorker = true;
        break;
      case 'user':
      case 'group':
      case 'chroot':
      case 'pidfile':
        if (first !== undefined) global[directive.keyword] = first;
        break;
      case 'log':
        global.logs.push([...directive.args]);
        break;
      case 'stats':
        if (first === 'socket' && second !== undefined) {
          const { level, mode, ...rest } = parseSettings(directive.args.slice(2), socketValueOptions);
          const socket = { address: parseAddress(second) } as GlobalSettings['statsSockets'][number];
          if (typeof level === 'string') socket.level = level;
          if (typeof mode === 'string') socket.mode = mode;
          socket.options = rest;
          socket.line = directive.line;
          global.statsSockets.push(socket);
        } else if (first === 'timeout' && second !== undefined) {
          global.statsTimeoutMs = parseHaproxyTime(second) ?? global.statsTimeoutMs;
        }
        break;
      default:
        if (directive.keyword.startsWith('tune.') && first !== undefined)
          global.tune[directive.keyword.slice(5)] = directive.args.join(' ');
    }
  }
}

function toProxySection(section: CstSection, at: LineNumbers, inherits: number | undefined): ProxySection {
  const proxy: ProxySection = {
    kind: section.kind as ProxySection['kind'],
    name: section.name,
    from: section.from,
    timeouts: {},
    options: [],
    logs: [],
    binds: [],
    acls: [],
    useBackends: [],
    httpRequest: [],
    httpResponse: [],
    tcpRequest: [],
    servers: [],
    directives: [],
    file: section.file,
    line: at(section.header),
  };
  // Each default-server line adds to the ones before it, as HAProxy reads them.
  const defaultServerWords: string[] = [];
  // While every server line so far is plain and as parsed: where each is in the text (offset, end and line, in
  // threes), read into servers when `servers` is first asked for. Those words are immutable text, so the servers
  // read then are the ones read now, whatever edits the document has had since.
  let pendingServers: number[] | undefined = [];
  let pendingSource: string | undefined;
  for (const line of section.lines) {
    if (line.kind !== 'directive') continue;
    const number = at(line);
    if (isServerLine(line)) {
      const plain = CstLine.plainSource(line);
      const end = CstLine.textEnd(line);
      if (
        pendingServers !== undefined &&
        plain !== undefined &&
        (pendingSource === undefined || pendingSource === plain) &&
        hasServerWords(plain, line.offset, end)
      ) {
        pendingServers.push(line.offset, end, number);
        pendingSource = plain;
        continue;
      }
      // This section's servers are read now, in order: those put off so far, then this one and the rest.
      if (pendingServers !== undefined && pendingSource !== undefined)
        proxy.servers.push(...readServersAt(pendingSource, pendingServers));
      pendingServers = undefined;
      // The hot path of big configurations: no intermediate arrays.
      const fast = plain === undefined ? undefined : readPlainServer(plain, line.offset, end, number);
      if (fast !== undefined) {
        proxy.servers.push(fast);
        continue;
      }
      const values = line.peekValues();
      if (values.length >= 3) proxy.servers.push(readServerOptions(values, 3, values, number) as Server);
      else proxy.directives.push(directiveOf(line, at, values));
      continue;
    }
    const values = line.peekValues();
    const keyword = values[0] as string;
    const args = values.slice(1);
    switch (keyword) {
      case 'mode':
        proxy.mode = args[0];
        break;
      case 'timeout': {
        const ms = parseHaproxyTime(args[1]);
        if (args[0] !== undefined && ms !== undefined) proxy.timeouts[args[0]] = ms;
        // A time it cannot read (`${TIMEOUT}`, a typo) stays as words.
        else proxy.directives.push(directiveOf(line, at, values));
        break;
      }
      case 'option':
        if (args[0] !== undefined) proxy.options.push({ name: args[0], enabled: true, args: args.slice(1) });
        if (args[0] === 'httpchk') proxy.httpCheck = toHttpCheck(args.slice(1));
        break;
      case 'no':
        if (args[0] === 'option' && args[1] !== undefined)
          proxy.options.push({ name: args[1], enabled: false, args: args.slice(2) });
        break;
      case 'log':
        proxy.logs.push(args);
        break;
      case 'maxconn': {
        const value = integer(args[0]);
        if (value !== undefined) proxy.maxconn = value;
        else proxy.directives.push(directiveOf(line, at, values));
        break;
      }
      case 'bind':
        if (args[0] !== undefined) proxy.binds.push(toBind(args, number));
        break;
      case 'acl':
        if (args.length >= 2)
          proxy.acls.push({ name: args[0] as string, criterion: args[1] as string, args: args.slice(2), line: number });
        break;
      case 'use_backend':
        if (args[0] !== undefined) proxy.useBackends.push(toUseBackend(args, number));
        break;
      case 'default_backend':
        proxy.defaultBackend = args[0];
        break;
      case 'http-request':
        proxy.httpRequest.push(toRule(args, number));
        break;
      case 'http-response':
        proxy.httpResponse.push(toRule(args, number));
        break;
      case 'tcp-request':
        proxy.tcpRequest.push(toRule(args, number));
        break;
      case 'balance':
        if (args[0] !== undefined) proxy.balance = { algorithm: args[0], args: args.slice(1) };
        break;
      case 'default-server':
        defaultServerWords.push(...args);
        proxy.defaultServer = readServerOptions(defaultServerWords, 0, undefined, 0);
        break;
      default:
        proxy.directives.push(directiveOf(line, at, values));
    }
  }
  if (inherits !== undefined) proxy.inherits = inherits;
  if (pendingServers === undefined || pendingSource === undefined) return inOrder(proxy, proxyKeys);
  const ordered = inOrder(proxy, proxyKeys, 'servers', serversOnFirstUse);
  deferredServers.set(ordered, { source: pendingSource, places: pendingServers, servers: undefined });
  return ordered;
}

// Servers put off until first asked for: the text of their lines, and where each is in it (offset, end and line,
// in threes); then the servers read.
interface DeferredServers {
  source: string;
  places: readonly number[];
  servers: Server[] | undefined;
}

// The proxy sections whose `servers` is `serversOnFirstUse`, each with its servers' places.
const deferredServers = new WeakMap<object, DeferredServers>();

// The property `servers` of a section whose servers toConfig put off: the typed view of a 40,000-server
// configuration is built without its servers, which the code that asks for none (or for one backend's) never pays
// for. They are read when first asked for (enumerating, spreading, cloning or printing the section asks for them),
// and kept. One getter and setter for all sections, which stay accessors (made data properties, each section
// would take a shape of its own): V8 keeps all sections of one shape.
const serversOnFirstUse: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: object): Server[] {
    const deferred = deferredOf(this);
    if (deferred === undefined) return [];
    deferred.servers ??= readServersAt(deferred.source, deferred.places);
    return deferred.servers;
  },
  set(this: object, servers: Server[]): void {
    const deferred = deferredOf(this);
    // As for a data property: a frozen section's cannot be written; an object inheriting from the section gets its own.
    if (deferred === undefined || Object.isFrozen(this))
      throw new TypeError("Cannot assign to read only property 'servers' of object");
    if (deferredServers.has(this)) deferred.servers = servers;
    else
      Object.defineProperty(this, 'servers', { value: servers, writable: true, enumerable: true, configurable: true });
  },
};

// The deferred servers of `object`, the section itself or one it inherits from.
function deferredOf(object: object): DeferredServers | undefined {
  for (let owner: object | null = object; owner !== null; owner = Object.getPrototypeOf(owner) as object | null) {
    const deferred = deferredServers.get(owner);
    if (deferred !== undefined) return deferred;
  }
  return undefined;
}

// The servers of plain `server` lines at `places` (offset, end and line of each, in threes) of `source`.
function readServersAt(source: string, places: readonly number[]): Server[] {
  const servers: Server[] = [];
  for (let k = 0; k < places.length; k += 3) {
    const from = places[k] as number;
    const to = places[k + 1] as number;
    const line = places[k + 2] as number;
    // As toProxySection reads a plain line: the fast path, else the general way (its words as the lexer reads them).
    const fast = readPlainServer(source, from, to, line);
    if (fast !== undefined) servers.push(fast);
    else {
      const values = lexValuesIn(source, from, to);
      servers.push(readServerOptions(values, 3, values, line) as Server);
    }
  }
  return servers;
}

// Whether the plain line text[from, to) has at least three words (`server`, a name, an address): a server, not a
// directive.
function hasServerWords(text: string, from: number, to: number): boolean {
  let words = 0;
  let inWord = false;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code === 32 || code === 9 || code === 13) inWord = false;
    else if (!inWord) {
      inWord = true;
      if (++words === 3) return true;
    }
  }
  return false;
}

function toHttpCheck(args: readonly string[]): NonNullable<ProxySection['httpCheck']> {
  // option httpchk [<method>] [<uri>] [<version>]; a lone argument is the URI.
  if (args.length === 1) return { uri: args[0] };
  const check: NonNullable<ProxySection['httpCheck']> = {};
  if (args[0] !== undefined) check.method = args[0];
  if (args[1] !== undefined) check.uri = args[1];
  if (args[2] !== undefined) check.version = args.slice(2).join(' ');
  return check;
}

function toRule(args: readonly string[], line: number): Rule {
  const split = args.findIndex((word) => word === 'if' || word === 'unless');
  const action = split === -1 ? args : args.slice(0, split);
  const rule = { action: action[0] ?? '', args: action.slice(1) } as Rule;
  const condition = conditionOf(split === -1 ? [] : args.slice(split));
  if (condition !== undefined) rule.condition = condition;
  rule.line = line;
  return rule;
}

function toUseBackend(args: readonly string[], line: number): UseBackend {
  const route = { backend: args[0] } as UseBackend;
  const condition = conditionOf(args.slice(1));
  if (condition !== undefined) route.condition = condition;
  route.line = line;
  return route;
}

// The condition of words that start with `if` or `unless`; none for other words.
function conditionOf(words: readonly string[]): Condition | undefined {
  const kind = words[0];
  return kind === 'if' || kind === 'unless' ? parseCondition(kind, words.slice(1)) : undefined;
}

const operators = new Set(['!', '||', 'or', '{', '}']);

/**
 * A proxy's setting as HAProxy applies it: its own, else the one of the
 * defaults it inherits from (and theirs): `effective(config, proxy, (p) => p.mode)`.
 */
export function effective<T>(
  config: HaproxyConfig,
  proxy: ProxySection,
  pick: (proxy: ProxySection) => T | undefined,
): T | undefined {
  let current: ProxySection | undefined = proxy;
  for (let depth = 0; current && depth < 10; depth++) {
    const value = pick(current);
    if (value !== undefined) return value;
    current = current.inherits === undefined ? undefined : config.defaults[current.inherits];
  }
  return undefined;
}

/**
 * A condition's terms as HAProxy groups them: named ACLs (maybe negated),
 * `||`/`or`, and anonymous `{ … }` ACLs.
 *
 * @example parseCondition('if', ['is_api', '!{', 'ssl_fc', '}']) // acls ['is_api'], anonymous [['ssl_fc']]
 */
export function parseCondition(kind: 'if' | 'unless', terms: readonly string[]): Condition {
  const acls: string[] = [];
  const anonymous: string[][] = [];
  let inside: string[] | undefined;
  for (const term of terms) {
    // `!{ ssl_fc }`: a negated anonymous ACL, written with the `!` against its brace.
    if (term === '{' || term === '!{') {
      inside = [];
      continue;
    }
    if (term === '}') {
      if (inside) anonymous.push(inside);
      inside = undefined;
      continue;
    }
    if (inside) {
      inside.push(term);
      continue;
    }
    if (operators.has(term)) continue;
    acls.push(term.startsWith('!') ? term.slice(1) : term);
  }
  return { kind, terms: [...terms], acls, anonymous };
}

// Bind and socket settings that take a value (the next word); every other setting is a flag.
const bindValueOptions = new Set([...bindSettings].filter(([, takesValue]) => takesValue).map(([name]) => name));
const socketValueOptions = bindValueOptions;

// The settings after an address: `true` for a flag, the value of a setting that takes one (repeated ones joined).
function parseSettings(words: readonly string[], valued: ReadonlySet<string>): Record<string, string | true> {
  const options: Record<string, string | true> = {};
  for (let i = 0; i < words.length; i++) {
    const name = words[i] as string;
    if (valued.has(name) && i + 1 < words.length) {
      options[name] =
        options[name] !== undefined && typeof options[name] === 'string'
          ? `${options[name]} ${words[i + 1]}`
          : (words[i + 1] as string);
      i++;
    } else options[name] = true;
  }
  return options;
}

function toBind(args: readonly string[], line: number): Bind {
  const certificates: string[] = [];
  const rest = args.slice(1);
  for (let i = 0; i < rest.length; i++)
    if (rest[i] === 'crt' && rest[i + 1] !== undefined) certificates.push(rest[i + 1] as string);
  const options = parseSettings(rest, bindValueOptions);
  // A bind line can list several addresses separated by commas; the model keeps the first.
  const bind = {
    address: parseAddress((args[0] as string).split(',')[0] as string),
    ssl: options.ssl === true,
    certificates,
  } as Bind;
  if (typeof options.alpn === 'string') bind.alpn = options.alpn;
  bind.options = options;
  bind.line = line;
  return bind;
}

// Server options that take a value; the typed ones are read into fields, the rest kept.
const serverValueOptions = new Set([...serverSettings].filter(([, takesValue]) => takesValue).map(([name]) => name));

/**
 * The options of a `server` (its words from `from` on; `server` holds its
 * name and address) or `default-server` line, in the schema's key order.
 * Fields are only ever set to a value: a number that does not parse is left
 * out (validation reports it).
 */
function readServerOptions(
  words: readonly string[],
  from: number,
  server: readonly string[] | undefined,
  line: number,
): ServerOptions {
  let check = false;
  let backup = false;
  let disabled = false;
  let ssl = false;
  let agentCheck = false;
  let sendProxy = false;
  let interMs: number | undefined;
  let fastInterMs: number | undefined;
  let downInterMs: number | undefined;
  let slowstartMs: number | undefined;
  let fall: number | undefined;
  let rise: number | undefined;
  let weight: number | undefined;
  let maxconn: number | undefined;
  let maxqueue: number | undefined;
  let id: number | undefined;
  let verify: string | undefined;
  let sni: string | undefined;
  let resolvers: string | undefined;
  let cookie: string | undefined;
  let track: string | undefined;
  let initAddr: string | undefined;
  let onMarkedDown: string | undefined;
  let onMarkedUp: string | undefined;
  const options: Record<string, string | true> = {};
  for (let i = from; i < words.length; i++) {
    const name = words[i] as string;
    const valued = i + 1 < words.length && serverValueOptions.has(name);
    const value = valued ? (words[++i] as string) : undefined;
    let number: number | undefined;
    switch (name) {
      case 'check':
        check = true;
        break;
      case 'no-check':
        check = false;
        break;
      case 'backup':
        backup = true;
        break;
      case 'disabled':
        disabled = true;
        break;
      case 'enabled':
        disabled = false;
        break;
      case 'ssl':
        ssl = true;
        break;
      case 'agent-check':
        agentCheck = true;
        break;
      case 'send-proxy':
      case 'send-proxy-v2':
        sendProxy = true;
        options[name] = true;
        break;
      case 'inter':
        if ((number = parseHaproxyTime(value)) !== undefined) interMs = number;
        break;
      case 'fastinter':
        if ((number = parseHaproxyTime(value)) !== undefined) fastInterMs = number;
        break;
      case 'downinter':
        if ((number = parseHaproxyTime(value)) !== undefined) downInterMs = number;
        break;
      case 'slowstart':
        if ((number = parseHaproxyTime(value)) !== undefined) slowstartMs = number;
        break;
      case 'fall':
        if ((number = integer(value)) !== undefined) fall = number;
        break;
      case 'rise':
        if ((number = integer(value)) !== undefined) rise = number;
        break;
      case 'weight':
        if ((number = integer(value)) !== undefined) weight = number;
        break;
      case 'maxconn':
        if ((number = integer(value)) !== undefined) maxconn = number;
        break;
      case 'maxqueue':
        if ((number = integer(value)) !== undefined) maxqueue = number;
        break;
      case 'id':
        if ((number = integer(value)) !== undefined) id = number;
        break;
      case 'verify':
        if (value !== undefined) verify = value;
        break;
      case 'sni':
        if (value !== undefined) sni = value;
        break;
      case 'resolvers':
        if (value !== undefined) resolvers = value;
        break;
      case 'cookie':
        if (value !== undefined) cookie = value;
        break;
      case 'track':
        if (value !== undefined) track = value;
        break;
      case 'init-addr':
        if (value !== undefined) initAddr = value;
        break;
      case 'on-marked-down':
        if (value !== undefined) onMarkedDown = value;
        break;
      case 'on-marked-up':
        if (value !== undefined) onMarkedUp = value;
        break;
      default:
        options[name] = value ?? true;
    }
  }
  // Built in the schema's key order (serverOptionsSchema, then a server's name, address and line).
  const result = { check } as Server;
  if (interMs !== undefined) result.interMs = interMs;
  if (fastInterMs !== undefined) result.fastInterMs = fastInterMs;
  if (downInterMs !== undefined) result.downInterMs = downInterMs;
  if (fall !== undefined) result.fall = fall;
  if (rise !== undefined) result.rise = rise;
  if (weight !== undefined) result.weight = weight;
  result.backup = backup;
  result.disabled = disabled;
  if (maxconn !== undefined) result.maxconn = maxconn;
  if (maxqueue !== undefined) result.maxqueue = maxqueue;
  result.ssl = ssl;
  if (verify !== undefined) result.verify = verify;
  if (sni !== undefined) result.sni = sni;
  if (resolvers !== undefined) result.resolvers = resolvers;
  if (initAddr !== undefined) result.initAddr = initAddr;
  if (cookie !== undefined) result.cookie = cookie;
  if (onMarkedDown !== undefined) result.onMarkedDown = onMarkedDown;
  if (onMarkedUp !== undefined) result.onMarkedUp = onMarkedUp;
  result.agentCheck = agentCheck;
  if (slowstartMs !== undefined) result.slowstartMs = slowstartMs;
  result.sendProxy = sendProxy;
  if (track !== undefined) result.track = track;
  if (id !== undefined) result.id = id;
  result.options = options;
  if (server !== undefined) {
    result.name = server[1] as string;
    result.address = parseAddress(server[2] as string);
    result.line = line;
  }
  return result;
}

// Whether a line's first word is `server` (read from the text when the line is plain, without splitting it).
function isServerLine(line: CstLine): boolean {
  const plain = CstLine.plainSource(line);
  if (plain === undefined) return line.peekValues()[0] === 'server';
  let i = line.offset;
  let code = 0;
  while ((code = plain.charCodeAt(i)) === 32 || code === 9 || code === 13) i++;
  const after = plain.charCodeAt(i + 6);
  return (
    plain.startsWith('server', i) &&
    i + 6 <= CstLine.textEnd(line) &&
    (i + 6 === CstLine.textEnd(line) || after === 32 || after === 9 || after === 13)
  );
}

// The options `readPlainServer` reads from the text itself; a line with any other goes the general way.
const plainServerOptions = [
  'check',
  'inter',
  'fall',
  'rise',
  'weight',
  'backup',
  'maxconn',
  'no-check',
  'disabled',
  'enabled',
  'ssl',
  'agent-check',
  'fastinter',
  'downinter',
  'slowstart',
  'maxqueue',
  'id',
];

// Whether each of them takes a value (the next word).
const plainServerValued = plainServerOptions.map((name) => serverValueOptions.has(name));

// Index in plainServerOptions of the word text[start, end), or -1.
function plainServerOption(text: string, start: number, end: number): number {
  const length = end - start;
  const first = text.charCodeAt(start);
  for (let k = 0; k < plainServerOptions.length; k++) {
    const option = plainServerOptions[k] as string;
    if (option.length === length && option.charCodeAt(0) === first && text.startsWith(option, start)) return k;
  }
  return -1;
}

// The word boundaries of the line readPlainServer reads (one at a time), and how many words it reads at most.
const maxPlainWords = 64;
const plainBounds = new Int32Array(2 * maxPlainWords);

/**
 * `readServerOptions` of a plain `server` line (`text[from, to)`, words
 * between blanks, no quotes), read from the text without a string for each
 * word: the hot path of huge configurations. Undefined when the line has
 * anything else (an option it does not read itself, a value that is not
 * digits and a unit): the general way reads that line.
 */
function readPlainServer(text: string, from: number, to: number, line: number): Server | undefined {
  // The word boundaries, in pairs: [start, end, start, end …].
  const bounds = plainBounds;
  let words = 0;
  let i = from;
  while (i < to) {
    let code = text.charCodeAt(i);
    if (code === 32 || code === 9 || code === 13) {
      i++;
      continue;
    }
    const start = i;
    while (i < to && (code = text.charCodeAt(i)) !== 32 && code !== 9 && code !== 13) i++;
    if (words === maxPlainWords) return undefined;
    bounds[2 * words] = start;
    bounds[2 * words + 1] = i;
    words++;
  }
  const count = words;
  if (count < 3) return undefined;
  let check = false;
  let backup = false;
  let disabled = false;
  let ssl = false;
  let agentCheck = false;
  let interMs: number | undefined;
  let fastInterMs: number | undefined;
  let downInterMs: number | undefined;
  let slowstartMs: number | undefined;
  let fall: number | undefined;
  let rise: number | undefined;
  let weight: number | undefined;
  let maxconn: number | undefined;
  let maxqueue: number | undefined;
  let id: number | undefined;
  for (let w = 3; w < count; w++) {
    const start = bounds[2 * w] as number;
    const end = bounds[2 * w + 1] as number;
    const index = plainServerOption(text, start, end);
    if (index === -1) return undefined;
    const name = plainServerOptions[index] as string;
    const valued = w + 1 < count && (plainServerValued[index] as boolean);
    let number: number | undefined;
    if (valued) {
      w++;
      const valueStart = bounds[2 * w] as number;
      const valueEnd = bounds[2 * w + 1] as number;
      const time = name === 'inter' || name === 'fastinter' || name === 'downinter' || name === 'slowstart';
      const read = time ? plainTime(text, valueStart, valueEnd) : plainInteger(text, valueStart, valueEnd);
      if (read === null) return undefined;
      number = read;
    }
    switch (name) {
      case 'check':
        check = true;
        break;
      case 'no-check':
        check = false;
        break;
      case 'backup':
        backup = true;
        break;
      case 'disabled':
        disabled = true;
        break;
      case 'enabled':
        disabled = false;
        break;
      case 'ssl':
        ssl = true;
        break;
      case 'agent-check':
        agentCheck = true;
        break;
      case 'inter':
        if (number !== undefined) interMs = number;
        break;
      case 'fastinter':
        if (number !== undefined) fastInterMs = number;
        break;
      case 'downinter':
        if (number !== undefined) downInterMs = number;
        break;
      case 'slowstart':
        if (number !== undefined) slowstartMs = number;
        break;
      case 'fall':
        if (number !== undefined) fall = number;
        break;
      case 'rise':
        if (number !== undefined) rise = number;
        break;
      case 'weight':
        if (number !== undefined) weight = number;
        break;
      case 'maxconn':
        if (number !== undefined) maxconn = number;
        break;
      case 'maxqueue':
        if (number !== undefined) maxqueue = number;
        break;
      case 'id':
        if (number !== undefined) id = number;
        break;
    }
  }
  return new PlainServer(
    check,
    interMs,
    fastInterMs,
    downInterMs,
    fall,
    rise,
    weight,
    backup,
    disabled,
    maxconn,
    maxqueue,
    ssl,
    agentCheck,
    slowstartMs,
    id,
    text.slice(bounds[2] as number, bounds[3] as number),
    parseAddress(text.slice(bounds[4] as number, bounds[5] as number)),
    line,
  );
}

// A server of readPlainServer, its keys in the schema's order (as readServerOptions builds it). A constructor, not a
// literal grown key by key: V8 then makes room for every key at once. Its prototype is Object.prototype: a plain object.
const PlainServer = function (
  this: Server,
  check: boolean,
  interMs: number | undefined,
  fastInterMs: number | undefined,
  downInterMs: number | undefined,
  fall: number | undefined,
  rise: number | undefined,
  weight: number | undefined,
  backup: boolean,
  disabled: boolean,
  maxconn: number | undefined,
  maxqueue: number | undefined,
  ssl: boolean,
  agentCheck: boolean,
  slowstartMs: number | undefined,
  id: number | undefined,
  name: string,
  address: Address,
  line: number,
) {
  this.check = check;
  if (interMs !== undefined) this.interMs = interMs;
  if (fastInterMs !== undefined) this.fastInterMs = fastInterMs;
  if (downInterMs !== undefined) this.downInterMs = downInterMs;
  if (fall !== undefined) this.fall = fall;
  if (rise !== undefined) this.rise = rise;
  if (weight !== undefined) this.weight = weight;
  this.backup = backup;
  this.disabled = disabled;
  if (maxconn !== undefined) this.maxconn = maxconn;
  if (maxqueue !== undefined) this.maxqueue = maxqueue;
  this.ssl = ssl;
  this.agentCheck = agentCheck;
  if (slowstartMs !== undefined) this.slowstartMs = slowstartMs;
  this.sendProxy = false;
  if (id !== undefined) this.id = id;
  this.options = {};
  this.name = name;
  this.address = address;
  this.line = line;
} as unknown as new (...args: unknown[]) => Server;
PlainServer.prototype = Object.prototype;

// `integer(text.slice(start, end))` for plain digits (at most 15: exact), null for anything else (read it the general way).
function plainInteger(text: string, start: number, end: number): number | null {
  if (end - start > 15) return null;
  let value = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return null;
    value = value * 10 + (code - 48);
  }
  return value;
}

// Units of `parseHaproxyTime`, as safeParseDuration multiplies them.
const plainTimeUnits: Record<string, number> = {
  '': 1,
  us: 0.001,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

// `parseHaproxyTime(text.slice(start, end))` for digits (at most 15) and a unit, null for anything else.
function plainTime(text: string, start: number, end: number): number | null {
  let i = start;
  let value = 0;
  for (; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) break;
    value = value * 10 + (code - 48);
  }
  if (i === start || i - start > 15 || end - i > 2) return null;
  const factor = plainTimeUnits[i === end ? '' : text.slice(i, end)];
  return factor === undefined ? null : value * factor;
}

/** Reads an address as HAProxy writes it in `bind`, `server`, `stats socket` and `nameserver` lines. */
export function parseAddress(raw: string): Address {
  const hasVariables = raw.includes('$');
  const at = raw.indexOf('@');
  const family = at > 0 && /^[a-z0-9+-]+$/.test(raw.slice(0, at)) ? raw.slice(0, at) : undefined;
  const body = family === undefined ? raw : raw.slice(at + 1);
  if (
    family === 'unix' ||
    family === 'abns' ||
    family === 'abnsz' ||
    family === 'fd' ||
    family === 'sockpair' ||
    // 3.0's reverse HTTP: `rhttp@BACKEND/SERVER` names a server, not a host and port.
    family === 'rhttp' ||
    (family === undefined && body.startsWith('/'))
  ) {
    return { host: body, family: family ?? 'unix', hasVariables, raw };
  }
  let host = body;
  let portText: string | undefined;
  let plainPort: number | undefined;
  if (body.startsWith('[')) {
    const close = body.indexOf(']');
    host = body.slice(1, close === -1 ? body.length : close);
    if (close !== -1 && body[close + 1] === ':') portText = body.slice(close + 2);
  } else {
    const colon = body.lastIndexOf(':');
    // More than one colon without brackets: an IPv6 address, maybe with a port after the last colon.
    if (colon !== -1 && (body.indexOf(':') === colon || /^\d+(-\d+)?$/.test(body.slice(colon + 1)))) {
      host = body.slice(0, colon);
      // Plain digits (nearly every port) are read in place; anything else as text below.
      const digits = colon + 1 < body.length ? plainInteger(body, colon + 1, body.length) : null;
      if (digits !== null) plainPort = digits;
      else portText = body.slice(colon + 1);
    }
  }
  let port: number | undefined = plainPort;
  let portEnd: number | undefined;
  if (portText !== undefined) {
    const dash = portText.indexOf('-');
    const first = integer(dash === -1 ? portText : portText.slice(0, dash));
    if (first !== undefined && first >= 0) {
      if (dash === -1) port = first;
      else {
        const last = integer(portText.slice(dash + 1));
        if (last !== undefined) {
          port = first;
          portEnd = last;
        }
      }
    }
  }
  // In the schema's key order.
  const address = { host } as Address;
  if (port !== undefined) address.port = port;
  if (portEnd !== undefined) address.portEnd = portEnd;
  if (family !== undefined) address.family = family;
  address.hasVariables = hasVariables;
  address.raw = raw;
  return address;
}

// HAProxy's time grammar: digits and one of its units, nothing else (no sign, decimal, blank or other unit).
const haproxyTimePattern = /^\d+(?:us|ms|s|m|h|d)?$/;

/**
 * A time as HAProxy reads it (`5s`, `500ms`, `1m`; a bare number is ms), in
 * ms; undefined for anything HAProxy refuses. Core's duration parser converts
 * it, once HAProxy's grammar (narrower than core's) says it is one.
 */
export function parseHaproxyTime(text: string | undefined): number | undefined {
  return text !== undefined && haproxyTimePattern.test(text)
    ? safeParseDuration(text, { defaultUnit: 'ms' })
    : undefined;
}

function integer(text: string | undefined): number | undefined {
  return text === undefined ? undefined : safeParseInteger(text);
}
