import { parse, type HaproxyDocument } from '../parse/cst.js';
import { encodeWord } from '../parse/lexer.js';
import { logWords, type LogTarget } from './log-target.js';
import {
  serverOptionWords,
  timeText,
  type ServerDefinition,
  type ServerOptionsDefinition,
  type TimeValue,
} from './server-options.js';

/** The `stats socket` of a generated global section (the Runtime API). */
export interface StatsSocketDefinition {
  /** The socket: a UNIX path, or `ipv4@127.0.0.1:9999`. @example '/run/haproxy/admin.sock' */
  path: string;
  /** File mode of a UNIX socket, in octal. @example '660' */
  mode?: string;
  /** What the socket may do. @example 'admin' */
  level?: 'user' | 'operator' | 'admin';
  /** Hand the listening sockets to a new process at a reload (`expose-fd listeners`, for seamless reloads). @example true */
  exposeFdListeners?: boolean;
}

/** A generated `global` section. */
export interface GlobalDefinition {
  /** Most connections the process accepts at once. @example 2000 */
  maxconn?: number;
  /** Worker threads. @example 4 */
  nbthread?: number;
  /** Run in the background. @example true */
  daemon?: boolean;
  /** Drop privileges to this user. @example 'haproxy' */
  user?: string;
  /** And to this group. @example 'haproxy' */
  group?: string;
  /** Where to log, one `log` line each. @example [{ address: '/dev/log', facility: 'local0' }] */
  log?: readonly LogTarget[];
  /** The Runtime API socket. @example { path: '/run/haproxy/admin.sock', mode: '660', level: 'admin' } */
  statsSocket?: StatsSocketDefinition;
  /** How long an idle Runtime API connection stays open (`stats timeout`). @example '30s' */
  statsTimeout?: TimeValue;
  /** Any other lines, as words. @example [['tune.bufsize', '32768']] */
  directives?: readonly (readonly string[])[];
}

/** The timeouts a proxy section takes, by name. */
export type TimeoutName =
  | 'connect'
  | 'client'
  | 'server'
  | 'queue'
  | 'http-request'
  | 'http-keep-alive'
  | 'tunnel'
  | 'check'
  | 'tarpit'
  | 'client-fin'
  | 'server-fin';

/** A generated `defaults` section. */
export interface DefaultsDefinition {
  /** Its name, for `from` (optional). @example 'base' */
  name?: string;
  /** A named defaults section it inherits from. @example 'base' */
  from?: string;
  /** `http` (requests are parsed) or `tcp`. @example 'http' */
  mode?: 'http' | 'tcp';
  /** Timeouts by name. @example { connect: '5s', client: '30s', server: '30s' } */
  timeouts?: Partial<Record<TimeoutName, TimeValue>>;
  /** `option` lines, each the words after `option`. @example ['httplog', 'dontlognull'] */
  options?: readonly string[];
  /** `log global` (the global section's targets), or targets of its own. @example 'global' */
  log?: 'global' | readonly (LogTarget | 'global')[];
  /** How often a failed connection is retried. @example 3 */
  retries?: number;
  /** Any other lines, as words. @example [['option', 'redispatch']] */
  directives?: readonly (readonly string[])[];
}

/** A `bind` line with settings. */
export interface BindDefinition {
  /** `*:80`, `127.0.0.1:8080`, `:::443`, `/run/haproxy.sock`. @example '*:443' */
  address: string;
  /** Terminate TLS (needs `crt`). @example true */
  ssl?: boolean;
  /** The certificate (PEM with its key), or a directory of them. @example '/etc/haproxy/certs/site.pem' */
  crt?: string;
  /** The protocols offered through ALPN. @example 'h2,http/1.1' */
  alpn?: string;
  /** Any other bind settings, as words. @example ['name', 'https'] */
  options?: readonly string[];
}

/** An `acl NAME CRITERION ARGS…` line. */
export interface AclDefinition {
  /** The ACL's name, for conditions. @example 'is_api' */
  name: string;
  /** The fetch and match method. @example 'path_beg' */
  criterion: string;
  /** The patterns. @example ['/api'] */
  args?: readonly string[];
}

/** A `use_backend BACKEND [if|unless CONDITION]` rule. */
export interface UseBackendDefinition {
  /** The backend to route to. @example 'api' */
  backend: string;
  /** Route when this condition holds (ACL names, `!`, `||`). @example 'is_api' */
  if?: string;
  /** Route unless it holds. @example 'is_static' */
  unless?: string;
}

/** A generated `frontend` section. */
export interface FrontendDefinition {
  /** A named defaults section it inherits from. @example 'base' */
  from?: string;
  /** `http` or `tcp` (else the defaults' mode). @example 'http' */
  mode?: 'http' | 'tcp';
  /** Where it listens. @example ['*:80', { address: '*:443', ssl: true, crt: '/etc/haproxy/certs/site.pem' }] */
  binds: readonly (string | BindDefinition)[];
  /** Named ACLs for its rules. @example [{ name: 'is_api', criterion: 'path_beg', args: ['/api'] }] */
  acls?: readonly AclDefinition[];
  /** `http-request` rules, each the words after `http-request`. @example [['set-header', 'X-Via', 'edge']] */
  httpRequest?: readonly (readonly string[])[];
  /** Routing rules, in order. @example [{ backend: 'api', if: 'is_api' }] */
  useBackends?: readonly UseBackendDefinition[];
  /** Where what no rule routes goes. @example 'servers' */
  defaultBackend?: string;
  /** Most connections it accepts at once. @example 1000 */
  maxconn?: number;
  /** `option` lines, each the words after `option`. @example ['forwardfor'] */
  options?: readonly string[];
  /** Any other lines, as words. @example [['timeout', 'client', '1m']] */
  directives?: readonly (readonly string[])[];
}

/** `option httpchk`: the request a health check sends. */
export interface HttpCheckDefinition {
  /** The method (default `GET`). @example 'HEAD' */
  method?: string;
  /** The path. @example '/health' */
  uri: string;
}

/** A generated `backend` section. */
export interface BackendDefinition {
  /** A named defaults section it inherits from. @example 'base' */
  from?: string;
  /** `http` or `tcp` (else the defaults' mode). @example 'http' */
  mode?: 'http' | 'tcp';
  /** The load-balancing algorithm and its arguments. @example 'roundrobin' */
  balance?: string;
  /** Health checks over HTTP (`option httpchk`). @example { uri: '/health' } */
  httpCheck?: HttpCheckDefinition;
  /** The persistence cookie, the words after `cookie`. @example 'SRV insert indirect nocache' */
  cookie?: string;
  /** `option` lines, each the words after `option`. @example ['redispatch'] */
  options?: readonly string[];
  /** Options every server gets (`default-server`). @example { inter: '2s', fall: 3, rise: 2 } */
  defaultServer?: ServerOptionsDefinition;
  /** Its servers. @example [{ name: 'web1', address: '192.168.1.10:80', check: true }] */
  servers?: readonly ServerDefinition[];
  /** Any other lines, as words. @example [['http-reuse', 'safe']] */
  directives?: readonly (readonly string[])[];
}

/** A generated `listen` section: a frontend's settings and a backend's in one (no routing rules of its own). */
export type ListenDefinition = Omit<FrontendDefinition, 'useBackends' | 'defaultBackend'> & BackendDefinition;

type Words = (string | number)[];

/**
 * Builds a configuration from typed pieces, in HAProxy's canonical layout.
 * The seed's load balancer is a few lines:
 *
 * ```ts
 * const text = new ConfigBuilder()
 *   .frontend('web', { binds: ['*:80'], defaultBackend: 'servers' })
 *   .backend('servers', {
 *     balance: 'roundrobin',
 *     servers: [{ name: 'web1', address: '192.168.1.10:80', check: true }, { name: 'web2', address: '192.168.1.11:80', check: true }],
 *   })
 *   .toString();
 * ```
 */
export class ConfigBuilder {
  private readonly sections: { header: Words; lines: Words[] }[] = [];

  /**
   * Adds the `global` section.
   *
   * @example
   * builder.global({ maxconn: 2000, log: [{ address: '/dev/log', facility: 'local0' }], statsSocket: { path: '/run/haproxy/admin.sock', level: 'admin' } })
   */
  global(definition: GlobalDefinition = {}): this {
    const lines: Words[] = [];
    for (const target of definition.log ?? []) lines.push(['log', ...logWords(target)]);
    if (definition.maxconn !== undefined) lines.push(['maxconn', definition.maxconn]);
    if (definition.nbthread !== undefined) lines.push(['nbthread', definition.nbthread]);
    if (definition.user) lines.push(['user', definition.user]);
    if (definition.group) lines.push(['group', definition.group]);
    if (definition.daemon) lines.push(['daemon']);
    if (definition.statsSocket) {
      const socket = definition.statsSocket;
      lines.push([
        'stats',
        'socket',
        socket.path,
        ...(socket.mode ? ['mode', socket.mode] : []),
        ...(socket.level ? ['level', socket.level] : []),
        ...(socket.exposeFdListeners ? ['expose-fd', 'listeners'] : []),
      ]);
    }
    if (definition.statsTimeout !== undefined) lines.push(['stats', 'timeout', timeText(definition.statsTimeout)]);
    lines.push(...(definition.directives ?? []).map((words) => [...words]));
    return this.section(['global'], lines);
  }

  /**
   * Adds a `defaults` section (what the proxies after it inherit).
   *
   * @example builder.defaults({ mode: 'http', log: 'global', options: ['httplog'], timeouts: { connect: '5s', client: '30s', server: '30s' } })
   */
  defaults(definition: DefaultsDefinition = {}): this {
    const lines: Words[] = [];
    if (definition.mode) lines.push(['mode', definition.mode]);
    const logs = definition.log === undefined ? [] : definition.log === 'global' ? ['global' as const] : definition.log;
    for (const target of logs) lines.push(['log', ...logWords(target)]);
    for (const option of definition.options ?? []) lines.push(['option', ...option.split(/\s+/)]);
    if (definition.retries !== undefined) lines.push(['retries', definition.retries]);
    for (const [name, value] of Object.entries(definition.timeouts ?? {}))
      if (value !== undefined) lines.push(['timeout', name, timeText(value)]);
    lines.push(...(definition.directives ?? []).map((words) => [...words]));
    return this.section(
      [
        'defaults',
        ...(definition.name ? [definition.name] : []),
        ...(definition.from ? ['from', definition.from] : []),
      ],
      lines,
    );
  }

  /**
   * Adds a `frontend` section: where clients connect and how requests are routed.
   *
   * @example
   * builder.frontend('web', {
   *   binds: ['*:80'],
   *   acls: [{ name: 'is_api', criterion: 'path_beg', args: ['/api'] }],
   *   useBackends: [{ backend: 'api', if: 'is_api' }],
   *   defaultBackend: 'servers',
   * })
   */
  frontend(name: string, definition: FrontendDefinition): this {
    const lines: Words[] = [];
    for (const bind of definition.binds) {
      if (typeof bind === 'string') lines.push(['bind', bind]);
      else
        lines.push([
          'bind',
          bind.address,
          ...(bind.ssl ? ['ssl'] : []),
          ...(bind.crt ? ['crt', bind.crt] : []),
          ...(bind.alpn ? ['alpn', bind.alpn] : []),
          ...(bind.options ?? []),
        ]);
    }
    if (definition.mode) lines.push(['mode', definition.mode]);
    if (definition.maxconn !== undefined) lines.push(['maxconn', definition.maxconn]);
    for (const option of definition.options ?? []) lines.push(['option', ...option.split(/\s+/)]);
    for (const acl of definition.acls ?? []) lines.push(['acl', acl.name, acl.criterion, ...(acl.args ?? [])]);
    for (const rule of definition.httpRequest ?? []) lines.push(['http-request', ...rule]);
    for (const route of definition.useBackends ?? []) {
      if (route.if !== undefined && route.unless !== undefined)
        throw new TypeError(`use_backend ${route.backend}: 'if' or 'unless', not both`);
      const condition =
        route.if !== undefined
          ? ['if', ...route.if.split(/\s+/)]
          : route.unless !== undefined
            ? ['unless', ...route.unless.split(/\s+/)]
            : [];
      lines.push(['use_backend', route.backend, ...condition]);
    }
    if (definition.defaultBackend) lines.push(['default_backend', definition.defaultBackend]);
    lines.push(...(definition.directives ?? []).map((words) => [...words]));
    return this.section(['frontend', name, ...(definition.from ? ['from', definition.from] : [])], lines);
  }

  /**
   * Adds a `backend` section: a pool of servers.
   *
   * @example
   * builder.backend('servers', {
   *   balance: 'roundrobin',
   *   httpCheck: { uri: '/health' },
   *   servers: [{ name: 'web1', address: '192.168.1.10:80', check: true, inter: '2s' }],
   * })
   */
  backend(name: string, definition: BackendDefinition = {}): this {
    return this.section(
      ['backend', name, ...(definition.from ? ['from', definition.from] : [])],
      backendLines(definition),
    );
  }

  /**
   * Adds a `listen` section: a frontend and its backend in one.
   *
   * @example builder.listen('stats', { binds: ['127.0.0.1:8404'], mode: 'http', directives: [['stats', 'enable'], ['stats', 'uri', '/']] })
   */
  listen(name: string, definition: ListenDefinition): this {
    const front = new ConfigBuilder().frontend(name, definition).sections[0]?.lines ?? [];
    // The frontend part wrote mode, options and directives already.
    return this.section(
      ['listen', name],
      [...front, ...backendLines({ ...definition, mode: undefined, options: undefined, directives: undefined })],
    );
  }

  /**
   * Adds any other section (peers, resolvers, userlist, cache …) as lines of words.
   *
   * @example builder.section(['userlist', 'ops'], [['user', 'admin', 'password', '$6$…']])
   */
  section(header: Words, lines: readonly Words[] = []): this {
    this.sections.push({ header: [...header], lines: lines.map((words) => [...words]) });
    return this;
  }

  /**
   * The configuration text: sections unindented, directives indented by four spaces, a blank line between sections.
   *
   * @example await writeFile('haproxy.cfg', builder.toString())
   */
  toString(): string {
    const render = (words: Words) => words.map((word) => encodeWord(String(word))).join(' ');
    return (
      this.sections
        .map((section) => [render(section.header), ...section.lines.map((words) => `    ${render(words)}`)].join('\n'))
        .join('\n\n') + '\n'
    );
  }

  /**
   * The configuration as a document, ready for edits, validation or `install`.
   *
   * @example validate(builder.toDocument({ file: 'haproxy.cfg' }))
   */
  toDocument(options: { file?: string } = {}): HaproxyDocument {
    return parse(this.toString(), options);
  }
}

function backendLines(definition: BackendDefinition): Words[] {
  const lines: Words[] = [];
  if (definition.mode) lines.push(['mode', definition.mode]);
  if (definition.balance) lines.push(['balance', ...definition.balance.split(/\s+/)]);
  for (const option of definition.options ?? []) lines.push(['option', ...option.split(/\s+/)]);
  if (definition.httpCheck)
    lines.push(['option', 'httpchk', definition.httpCheck.method ?? 'GET', definition.httpCheck.uri]);
  if (definition.cookie) lines.push(['cookie', ...definition.cookie.split(/\s+/)]);
  if (definition.defaultServer) lines.push(['default-server', ...serverOptionWords(definition.defaultServer)]);
  lines.push(...(definition.directives ?? []).map((words) => [...words]));
  for (const server of definition.servers ?? [])
    lines.push(['server', server.name, server.address, ...serverOptionWords(server)]);
  return lines;
}
