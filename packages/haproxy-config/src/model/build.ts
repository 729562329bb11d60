import { parseWithSchema } from '@ha/core';
import { bindSettings, serverSettings } from '../settings.js';
import type { ConfigLine, HaproxyDocument, Section } from '../parse/cst.js';
import { haproxyConfigSchema, type Address, type Bind, type Condition, type Directive, type GlobalSettings, type HaproxyConfig, type Proxy, type Rule, type Server, type ServerOptions } from './schema.js';

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
 * kept as words in each section's `directives`.
 */
export function toConfig(documents: HaproxyDocument | readonly HaproxyDocument[], options: ToConfigOptions = {}): HaproxyConfig {
  const list = Array.isArray(documents) ? documents : [documents as HaproxyDocument];
  const config: HaproxyConfig = { global: emptyGlobal(), defaults: [], frontends: [], backends: [], listens: [], sections: [] };
  let lastDefaults: number | undefined;
  const inherit = (proxy: Proxy): Proxy => {
    const named = proxy.from === undefined ? undefined : config.defaults.findIndex((entry) => entry.name === proxy.from);
    const index = named === undefined ? lastDefaults : named === -1 ? undefined : named;
    if (index !== undefined) proxy.inherits = index;
    return proxy;
  };
  for (const document of list) {
    for (const section of document.sections) {
      if (section.kind === 'global') readGlobal(section, config.global);
      else if (section.kind === 'defaults') {
        const proxy = readProxy(section);
        if (proxy.from !== undefined) inherit(proxy);
        config.defaults.push(proxy);
        lastDefaults = config.defaults.length - 1;
      } else if (section.kind === 'frontend') config.frontends.push(inherit(readProxy(section)));
      else if (section.kind === 'backend') config.backends.push(inherit(readProxy(section)));
      else if (section.kind === 'listen') config.listens.push(inherit(readProxy(section)));
      else config.sections.push({ kind: section.kind, known: section.known, name: section.name, directives: directivesOf(section), file: section.file, line: section.header.line });
    }
  }
  return options.validate === false ? config : (parseWithSchema(haproxyConfigSchema, config, 'haproxy configuration model') as HaproxyConfig);
}

function emptyGlobal(): GlobalSettings {
  return { daemon: false, masterWorker: false, logs: [], statsSockets: [], tune: {}, directives: [] };
}

function directiveOf(line: ConfigLine): Directive {
  const values = line.values;
  return { keyword: values[0] as string, args: values.slice(1), line: line.line, ...(line.conditions.length > 0 ? { conditions: [...line.conditions] } : {}) };
}

function directivesOf(section: Section): Directive[] {
  const directives: Directive[] = [];
  for (const line of section.lines) if (line.kind === 'directive') directives.push(directiveOf(line));
  return directives;
}

function readGlobal(section: Section, global: GlobalSettings): void {
  for (const line of section.lines) {
    if (line.kind !== 'directive') continue;
    const directive = directiveOf(line);
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
          const options = readOptions(directive.args.slice(2), socketValueOptions);
          const { level, mode, ...rest } = options;
          global.statsSockets.push({ address: parseAddress(second), ...(typeof level === 'string' ? { level } : {}), ...(typeof mode === 'string' ? { mode } : {}), options: rest, line: directive.line });
        } else if (first === 'timeout' && second !== undefined) {
          global.statsTimeoutMs = time(second) ?? global.statsTimeoutMs;
        }
        break;
      default:
        if (directive.keyword.startsWith('tune.') && first !== undefined) global.tune[directive.keyword.slice(5)] = directive.args.join(' ');
    }
  }
}

function readProxy(section: Section): Proxy {
  const proxy: Proxy = {
    kind: section.kind as Proxy['kind'],
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
    line: section.header.line,
  };
  for (const line of section.lines) {
    if (line.kind !== 'directive') continue;
    const values = line.values;
    const keyword = values[0] as string;
    if (keyword === 'server') {
      // The hot path of big configurations: no intermediate arrays.
      if (values.length >= 3) proxy.servers.push(readServer(values, line.line));
      else proxy.directives.push(directiveOf(line));
      continue;
    }
    const args = values.slice(1);
    switch (keyword) {
      case 'mode':
        proxy.mode = args[0];
        break;
      case 'timeout': {
        const ms = time(args[1]);
        if (args[0] !== undefined && ms !== undefined) proxy.timeouts[args[0]] = ms;
        // A time it cannot read (`${TIMEOUT}`, a typo) stays as words.
        else proxy.directives.push(directiveOf(line));
        break;
      }
      case 'option':
        if (args[0] !== undefined) proxy.options.push({ name: args[0], enabled: true, args: args.slice(1) });
        if (args[0] === 'httpchk') proxy.httpCheck = readHttpCheck(args.slice(1));
        break;
      case 'no':
        if (args[0] === 'option' && args[1] !== undefined) proxy.options.push({ name: args[1], enabled: false, args: args.slice(2) });
        break;
      case 'log':
        proxy.logs.push(args);
        break;
      case 'maxconn': {
        const value = integer(args[0]);
        if (value !== undefined) proxy.maxconn = value;
        else proxy.directives.push(directiveOf(line));
        break;
      }
      case 'bind':
        if (args[0] !== undefined) proxy.binds.push(readBind(args, line.line));
        break;
      case 'acl':
        if (args.length >= 2) proxy.acls.push({ name: args[0] as string, criterion: args[1] as string, args: args.slice(2), line: line.line });
        break;
      case 'use_backend':
        if (args[0] !== undefined) proxy.useBackends.push({ backend: args[0], ...conditionPart(args.slice(1)), line: line.line });
        break;
      case 'default_backend':
        proxy.defaultBackend = args[0];
        break;
      case 'http-request':
        proxy.httpRequest.push(readRule(args, line.line));
        break;
      case 'http-response':
        proxy.httpResponse.push(readRule(args, line.line));
        break;
      case 'tcp-request':
        proxy.tcpRequest.push(readRule(args, line.line));
        break;
      case 'balance':
        if (args[0] !== undefined) proxy.balance = { algorithm: args[0], args: args.slice(1) };
        break;
      case 'default-server':
        proxy.defaultServer = readServerOptions(args);
        break;
      default:
        proxy.directives.push(directiveOf(line));
    }
  }
  return proxy;
}

function readHttpCheck(args: readonly string[]): NonNullable<Proxy['httpCheck']> {
  // option httpchk [<method>] [<uri>] [<version>]; a lone argument is the URI.
  if (args.length === 1) return { uri: args[0] };
  return { ...(args[0] !== undefined ? { method: args[0] } : {}), ...(args[1] !== undefined ? { uri: args[1] } : {}), ...(args[2] !== undefined ? { version: args.slice(2).join(' ') } : {}) };
}

function readRule(args: readonly string[], line: number): Rule {
  const split = args.findIndex((word) => word === 'if' || word === 'unless');
  const action = split === -1 ? args : args.slice(0, split);
  return { action: action[0] ?? '', args: action.slice(1), ...(split === -1 ? {} : conditionPart(args.slice(split))), line };
}

function conditionPart(words: readonly string[]): { condition?: Condition } {
  const kind = words[0];
  if (kind !== 'if' && kind !== 'unless') return {};
  return { condition: readCondition(kind, words.slice(1)) };
}

const operators = new Set(['!', '||', 'or', '{', '}']);

/**
 * A proxy's setting as HAProxy applies it: its own, else the one of the
 * defaults it inherits from (and theirs): `effective(config, proxy, (p) => p.mode)`.
 */
export function effective<T>(config: HaproxyConfig, proxy: Proxy, pick: (proxy: Proxy) => T | undefined): T | undefined {
  let current: Proxy | undefined = proxy;
  for (let depth = 0; current && depth < 10; depth++) {
    const value = pick(current);
    if (value !== undefined) return value;
    current = current.inherits === undefined ? undefined : config.defaults[current.inherits];
  }
  return undefined;
}

/** Reads a condition's terms: named ACLs (maybe negated), `||`/`or`, and anonymous `{ … }` ACLs. */
export function readCondition(kind: 'if' | 'unless', terms: readonly string[]): Condition {
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

function readOptions(words: readonly string[], valued: ReadonlySet<string>): Record<string, string | true> {
  const options: Record<string, string | true> = {};
  for (let i = 0; i < words.length; i++) {
    const name = words[i] as string;
    if (valued.has(name) && i + 1 < words.length) {
      options[name] = options[name] !== undefined && typeof options[name] === 'string' ? `${options[name]} ${words[i + 1]}` : (words[i + 1] as string);
      i++;
    } else options[name] = true;
  }
  return options;
}

function readBind(args: readonly string[], line: number): Bind {
  const certificates: string[] = [];
  const rest = args.slice(1);
  for (let i = 0; i < rest.length; i++) if (rest[i] === 'crt' && rest[i + 1] !== undefined) certificates.push(rest[i + 1] as string);
  const options = readOptions(rest, bindValueOptions);
  // A bind line can list several addresses separated by commas; the model keeps the first.
  return { address: parseAddress((args[0] as string).split(',')[0] as string), ssl: options.ssl === true, certificates, ...(typeof options.alpn === 'string' ? { alpn: options.alpn } : {}), options, line };
}

// Server options that take a value; the typed ones are read into fields, the rest kept.
const serverValueOptions = new Set([...serverSettings].filter(([, takesValue]) => takesValue).map(([name]) => name));

function readServerOptions(words: readonly string[], from = 0): ServerOptions {
  const options: ServerOptions = { check: false, backup: false, disabled: false, ssl: false, agentCheck: false, sendProxy: false, options: {} };
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
        if ((number = time(value)) !== undefined) options.interMs = number;
        break;
      case 'fastinter':
        if ((number = time(value)) !== undefined) options.fastInterMs = number;
        break;
      case 'downinter':
        if ((number = time(value)) !== undefined) options.downInterMs = number;
        break;
      case 'slowstart':
        if ((number = time(value)) !== undefined) options.slowstartMs = number;
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

function readServer(values: readonly string[], line: number): Server {
  const server = { name: values[1] as string, address: parseAddress(values[2] as string), check: false, backup: false, disabled: false, ssl: false, agentCheck: false, sendProxy: false, options: {}, line } as Server;
  applyServerOptions(server, values, 3);
  return server;
}

/** Reads an address as HAProxy writes it in `bind`, `server`, `stats socket` and `nameserver` lines. */
export function parseAddress(raw: string): Address {
  const hasVariables = raw.includes('$');
  const at = raw.indexOf('@');
  const family = at > 0 && /^[a-z0-9+-]+$/.test(raw.slice(0, at)) ? raw.slice(0, at) : undefined;
  const body = family === undefined ? raw : raw.slice(at + 1);
  if (family === 'unix' || family === 'abns' || family === 'abnsz' || family === 'fd' || family === 'sockpair' || (family === undefined && body.startsWith('/'))) {
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

/** A time as HAProxy reads it (`5s`, `500ms`, `1m`; bare numbers are ms), in ms; undefined when unreadable. */
export function time(text: string | undefined): number | undefined {
  if (text === undefined || text.length === 0) return undefined;
  let i = 0;
  let value = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) break;
    value = value * 10 + (code - 48);
    i++;
  }
  if (i === 0) return undefined;
  switch (text.slice(i)) {
    case '':
    case 'ms':
      return value;
    case 'us':
      return value / 1000;
    case 's':
      return value * 1000;
    case 'm':
      return value * 60_000;
    case 'h':
      return value * 3_600_000;
    case 'd':
      return value * 86_400_000;
    default:
      return undefined;
  }
}

function integer(text: string | undefined): number | undefined {
  if (text === undefined || text.length === 0 || text.length > 15) return undefined;
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  if (i === text.length) return undefined;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return undefined;
  }
  return Number(text);
}
