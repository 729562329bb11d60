import { LineCounter, parseWithSchema, safeParseDuration, safeParseInteger } from '@ha/core';
import { bindSettings, serverSettings } from '../settings.js';
import type { CstLine, CstSection, HaproxyDocument } from '../parse/cst.js';
import {
  haproxyConfigSchema,
  type Address,
  type Bind,
  type Condition,
  type Directive,
  type GlobalSettings,
  type HaproxyConfig,
  type ProxySection,
  type Rule,
  type Server,
  type ServerOptions,
  type UseBackend,
} from './schema.js';

/** Options of `toConfig`. */
export interface ToConfigOptions {
  /**
   * Check the typed view against its zod schema (default true). The view is
   * built by this package from the parsed words; turn it off only when every
   * millisecond counts.
   */
  validate?: boolean;
}

/**
 * The typed view of a configuration (one document, or the documents of a
 * split configuration in HAProxy's order). Directives it does not type are
 * kept as words in each section's `directives`; `line`s are 1-based lines of
 * the text each document was parsed from (0 for a line an edit wrote).
 *
 * @example const config = toConfig(document); config.backends.map((backend) => backend.name)
 */
export function toConfig(
  documents: HaproxyDocument | readonly HaproxyDocument[],
  options: ToConfigOptions = {},
): HaproxyConfig {
  const validate = options.validate ?? true;
  const list = Array.isArray(documents) ? documents : [documents as HaproxyDocument];
  const config: HaproxyConfig = {
    global: emptyGlobal(),
    defaults: [],
    frontends: [],
    backends: [],
    listens: [],
    sections: [],
  };
  let lastDefaults: number | undefined;
  const inherit = (proxy: ProxySection): ProxySection => {
    const named =
      proxy.from === undefined ? undefined : config.defaults.findIndex((entry) => entry.name === proxy.from);
    const index = named === undefined ? lastDefaults : named === -1 ? undefined : named;
    if (index !== undefined) proxy.inherits = index;
    return proxy;
  };
  for (const document of list) {
    const at = lineNumbers(document);
    for (const section of document.sections) {
      if (section.kind === 'global') addGlobal(section, config.global, at);
      else if (section.kind === 'defaults') {
        const proxy = toProxySection(section, at);
        if (proxy.from !== undefined) inherit(proxy);
        config.defaults.push(proxy);
        lastDefaults = config.defaults.length - 1;
      } else if (section.kind === 'frontend') config.frontends.push(inherit(toProxySection(section, at)));
      else if (section.kind === 'backend') config.backends.push(inherit(toProxySection(section, at)));
      else if (section.kind === 'listen') config.listens.push(inherit(toProxySection(section, at)));
      else
        config.sections.push({
          kind: section.kind,
          known: section.known,
          name: section.name,
          directives: directivesOf(section, at),
          file: section.file,
          line: at(section.header),
        });
    }
  }
  return validate
    ? (parseWithSchema(haproxyConfigSchema, config, 'haproxy configuration model') as HaproxyConfig)
    : config;
}

/** The 1-based line of a CST line in the text its document was parsed from; 0 for one an edit wrote. */
type LineNumbers = (line: CstLine) => number;

// One line counter a document, built on the first line asked for.
function lineNumbers(document: HaproxyDocument): LineNumbers {
  let counter: LineCounter | undefined;
  return (line) => {
    if (line.offset < 0) return 0;
    // Lines end at \n alone, as HAProxy (and the parser) count them.
    counter ??= new LineCounter(document.source, { breaks: 'lf' });
    return counter.linePosition(line.offset).line;
  };
}

function emptyGlobal(): GlobalSettings {
  return { daemon: false, masterWorker: false, logs: [], statsSockets: [], tune: {}, directives: [] };
}

function directiveOf(line: CstLine, at: LineNumbers): Directive {
  const values = line.values;
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
        global.logs.push(directive.args);
        break;
      case 'stats':
        if (first === 'socket' && second !== undefined) {
          const { level, mode, ...rest } = parseSettings(directive.args.slice(2), socketValueOptions);
          const socket: GlobalSettings['statsSockets'][number] = {
            address: parseAddress(second),
            options: rest,
            line: directive.line,
          };
          if (typeof level === 'string') socket.level = level;
          if (typeof mode === 'string') socket.mode = mode;
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

function toProxySection(section: CstSection, at: LineNumbers): ProxySection {
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
  for (const line of section.lines) {
    if (line.kind !== 'directive') continue;
    const values = line.values;
    const keyword = values[0] as string;
    const number = at(line);
    if (keyword === 'server') {
      // The hot path of big configurations: no intermediate arrays.
      if (values.length >= 3) proxy.servers.push(toServer(values, number));
      else proxy.directives.push(directiveOf(line, at));
      continue;
    }
    const args = values.slice(1);
    switch (keyword) {
      case 'mode':
        proxy.mode = args[0];
        break;
      case 'timeout': {
        const ms = parseHaproxyTime(args[1]);
        if (args[0] !== undefined && ms !== undefined) proxy.timeouts[args[0]] = ms;
        // A time it cannot read (`${TIMEOUT}`, a typo) stays as words.
        else proxy.directives.push(directiveOf(line, at));
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
        else proxy.directives.push(directiveOf(line, at));
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
        if (args[0] !== undefined)
          proxy.useBackends.push(withCondition<UseBackend>({ backend: args[0], line: number }, args.slice(1)));
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
        proxy.defaultServer = toServerOptions(args);
        break;
      default:
        proxy.directives.push(directiveOf(line, at));
    }
  }
  return proxy;
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
  return withCondition<Rule>(
    { action: action[0] ?? '', args: action.slice(1), line },
    split === -1 ? [] : args.slice(split),
  );
}

// Sets `condition` from words that start with `if` or `unless` (none: the target stays as it is).
function withCondition<Target extends { condition?: Condition }>(target: Target, words: readonly string[]): Target {
  const kind = words[0];
  if (kind === 'if' || kind === 'unless') target.condition = parseCondition(kind, words.slice(1));
  return target;
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
  const bind: Bind = {
    address: parseAddress((args[0] as string).split(',')[0] as string),
    ssl: options.ssl === true,
    certificates,
    options,
    line,
  };
  if (typeof options.alpn === 'string') bind.alpn = options.alpn;
  return bind;
}

// Server options that take a value; the typed ones are read into fields, the rest kept.
const serverValueOptions = new Set([...serverSettings].filter(([, takesValue]) => takesValue).map(([name]) => name));

// What a server or default-server line without options means.
function serverOptionDefaults(): ServerOptions {
  return { check: false, backup: false, disabled: false, ssl: false, agentCheck: false, sendProxy: false, options: {} };
}

function toServerOptions(words: readonly string[], from = 0): ServerOptions {
  const options = serverOptionDefaults();
  applyServerOptions(options, words, from);
  return options;
}

// Fields are only ever set to a value: a number that does not parse is left out (validation reports it).
function applyServerOptions(options: ServerOptions, words: readonly string[], from: number): void {
  for (let i = from; i < words.length; i++) {
    const name = words[i] as string;
    const valued = i + 1 < words.length && serverValueOptions.has(name);
    const value = valued ? (words[++i] as string) : undefined;
    let number: number | undefined;
    switch (name) {
      case 'check':
        options.check = true;
        break;
      case 'no-check':
        options.check = false;
        break;
      case 'backup':
        options.backup = true;
        break;
      case 'disabled':
        options.disabled = true;
        break;
      case 'enabled':
        options.disabled = false;
        break;
      case 'ssl':
        options.ssl = true;
        break;
      case 'agent-check':
        options.agentCheck = true;
        break;
      case 'send-proxy':
      case 'send-proxy-v2':
        options.sendProxy = true;
        options.options[name] = true;
        break;
      case 'inter':
        if ((number = parseHaproxyTime(value)) !== undefined) options.interMs = number;
        break;
      case 'fastinter':
        if ((number = parseHaproxyTime(value)) !== undefined) options.fastInterMs = number;
        break;
      case 'downinter':
        if ((number = parseHaproxyTime(value)) !== undefined) options.downInterMs = number;
        break;
      case 'slowstart':
        if ((number = parseHaproxyTime(value)) !== undefined) options.slowstartMs = number;
        break;
      case 'fall':
        if ((number = integer(value)) !== undefined) options.fall = number;
        break;
      case 'rise':
        if ((number = integer(value)) !== undefined) options.rise = number;
        break;
      case 'weight':
        if ((number = integer(value)) !== undefined) options.weight = number;
        break;
      case 'maxconn':
        if ((number = integer(value)) !== undefined) options.maxconn = number;
        break;
      case 'maxqueue':
        if ((number = integer(value)) !== undefined) options.maxqueue = number;
        break;
      case 'id':
        if ((number = integer(value)) !== undefined) options.id = number;
        break;
      case 'verify':
      case 'sni':
      case 'resolvers':
      case 'cookie':
      case 'track':
        if (value !== undefined) options[name] = value;
        break;
      case 'init-addr':
        if (value !== undefined) options.initAddr = value;
        break;
      case 'on-marked-down':
        if (value !== undefined) options.onMarkedDown = value;
        break;
      case 'on-marked-up':
        if (value !== undefined) options.onMarkedUp = value;
        break;
      default:
        options.options[name] = value ?? true;
    }
  }
}

function toServer(values: readonly string[], line: number): Server {
  const server = {
    name: values[1] as string,
    address: parseAddress(values[2] as string),
    ...serverOptionDefaults(),
    line,
  } as Server;
  applyServerOptions(server, values, 3);
  return server;
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
  if (body.startsWith('[')) {
    const close = body.indexOf(']');
    host = body.slice(1, close === -1 ? body.length : close);
    if (close !== -1 && body[close + 1] === ':') portText = body.slice(close + 2);
  } else {
    const colon = body.lastIndexOf(':');
    // More than one colon without brackets: an IPv6 address, maybe with a port after the last colon.
    if (colon !== -1 && (body.indexOf(':') === colon || /^\d+(-\d+)?$/.test(body.slice(colon + 1)))) {
      host = body.slice(0, colon);
      portText = body.slice(colon + 1);
    }
  }
  const address: Address = family === undefined ? { host, hasVariables, raw } : { host, family, hasVariables, raw };
  if (portText !== undefined) {
    const dash = portText.indexOf('-');
    const port = integer(dash === -1 ? portText : portText.slice(0, dash));
    if (port !== undefined && port >= 0) {
      address.port = port;
      if (dash !== -1) {
        const last = integer(portText.slice(dash + 1));
        if (last !== undefined) address.portEnd = last;
        else delete address.port;
      }
    }
  }
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
