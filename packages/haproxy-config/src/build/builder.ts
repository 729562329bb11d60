import { UsageError } from '@ha/core';
import { parse, type HaproxyDocument } from '../parse/cst.js';
import { encodeWord } from '../parse/lexer.js';

/** A time for a generated config: ms as a number, or HAProxy's own text (`5s`). */
export type TimeValue = number | string;

/** A server of a generated backend. */
export interface ServerDefinition {
  name: string;
  address: string;
  check?: boolean;
  inter?: TimeValue;
  fall?: number;
  rise?: number;
  weight?: number;
  backup?: boolean;
  disabled?: boolean;
  maxconn?: number;
  ssl?: boolean;
  verify?: 'none' | 'required';
  sni?: string;
  resolvers?: string;
  initAddr?: string;
  cookie?: string;
  onMarkedDown?: string;
  /** Any other option words, appended as they are. */
  options?: readonly string[];
}

export interface GlobalDefinition {
  maxconn?: number;
  nbthread?: number;
  daemon?: boolean;
  user?: string;
  group?: string;
  log?: readonly string[];
  statsSocket?: { path: string; mode?: string; level?: 'user' | 'operator' | 'admin'; exposeFdListeners?: boolean };
  statsTimeout?: TimeValue;
  directives?: readonly (readonly string[])[];
}

export interface DefaultsDefinition {
  name?: string;
  from?: string;
  mode?: 'http' | 'tcp';
  timeouts?: Partial<Record<'connect' | 'client' | 'server' | 'queue' | 'http-request' | 'http-keep-alive' | 'tunnel' | 'check', TimeValue>>;
  options?: readonly string[];
  log?: string;
  retries?: number;
  directives?: readonly (readonly string[])[];
}

export interface FrontendDefinition {
  from?: string;
  mode?: 'http' | 'tcp';
  binds: readonly (string | { address: string; ssl?: boolean; crt?: string; alpn?: string; options?: readonly string[] })[];
  acls?: readonly { name: string; criterion: string; args?: readonly string[] }[];
  httpRequest?: readonly (readonly string[])[];
  useBackends?: readonly { backend: string; if?: string; unless?: string }[];
  defaultBackend?: string;
  maxconn?: number;
  options?: readonly string[];
  directives?: readonly (readonly string[])[];
}

export interface BackendDefinition {
  from?: string;
  mode?: 'http' | 'tcp';
  balance?: string;
  /** `option httpchk` with `GET /health` (method and URI). */
  httpCheck?: { method?: string; uri: string };
  cookie?: string;
  options?: readonly string[];
  defaultServer?: Omit<ServerDefinition, 'name' | 'address'>;
  servers?: readonly ServerDefinition[];
  directives?: readonly (readonly string[])[];
}

type Words = (string | number)[];

function timeText(value: TimeValue): string {
  return typeof value === 'number' ? `${value}ms` : value;
}

function serverWords(server: Omit<ServerDefinition, 'name' | 'address'>): Words {
  const words: Words = [];
  if (server.check) words.push('check');
  if (server.inter !== undefined) words.push('inter', timeText(server.inter));
  if (server.fall !== undefined) words.push('fall', server.fall);
  if (server.rise !== undefined) words.push('rise', server.rise);
  if (server.weight !== undefined) words.push('weight', server.weight);
  if (server.maxconn !== undefined) words.push('maxconn', server.maxconn);
  if (server.backup) words.push('backup');
  if (server.disabled) words.push('disabled');
  if (server.ssl) words.push('ssl');
  if (server.verify) words.push('verify', server.verify);
  if (server.sni) words.push('sni', server.sni);
  if (server.resolvers) words.push('resolvers', server.resolvers);
  if (server.initAddr) words.push('init-addr', server.initAddr);
  if (server.cookie) words.push('cookie', server.cookie);
  if (server.onMarkedDown) words.push('on-marked-down', server.onMarkedDown);
  words.push(...(server.options ?? []));
  return words;
}

/**
 * Builds a configuration from typed pieces, in HAProxy's canonical layout.
 * The seed's load balancer is a few lines:
 *
 * ```ts
 * const text = new ConfigBuilder()
 *   .frontend('web', { binds: ['*:80'], defaultBackend: 'servers' })
 *   .backend('servers', { balance: 'roundrobin', servers: [{ name: 'web1', address: '192.168.1.10:80', check: true }, { name: 'web2', address: '192.168.1.11:80', check: true }] })
 *   .toString();
 * ```
 */
export class ConfigBuilder {
  private readonly sections: { header: Words; lines: Words[] }[] = [];

  global(definition: GlobalDefinition = {}): this {
    const lines: Words[] = [];
    for (const target of definition.log ?? []) lines.push(['log', ...target.split(/\s+/)]);
    if (definition.maxconn !== undefined) lines.push(['maxconn', definition.maxconn]);
    if (definition.nbthread !== undefined) lines.push(['nbthread', definition.nbthread]);
    if (definition.user) lines.push(['user', definition.user]);
    if (definition.group) lines.push(['group', definition.group]);
    if (definition.daemon) lines.push(['daemon']);
    if (definition.statsSocket) {
      const socket = definition.statsSocket;
      lines.push(['stats', 'socket', socket.path, ...(socket.mode ? ['mode', socket.mode] : []), ...(socket.level ? ['level', socket.level] : []), ...(socket.exposeFdListeners ? ['expose-fd', 'listeners'] : [])]);
    }
    if (definition.statsTimeout !== undefined) lines.push(['stats', 'timeout', timeText(definition.statsTimeout)]);
    lines.push(...(definition.directives ?? []).map((words) => [...words]));
    return this.section(['global'], lines);
  }

  defaults(definition: DefaultsDefinition = {}): this {
    const lines: Words[] = [];
    if (definition.mode) lines.push(['mode', definition.mode]);
    if (definition.log) lines.push(['log', ...definition.log.split(/\s+/)]);
    for (const option of definition.options ?? []) lines.push(['option', ...option.split(/\s+/)]);
    if (definition.retries !== undefined) lines.push(['retries', definition.retries]);
    for (const [name, value] of Object.entries(definition.timeouts ?? {})) if (value !== undefined) lines.push(['timeout', name, timeText(value)]);
    lines.push(...(definition.directives ?? []).map((words) => [...words]));
    return this.section(['defaults', ...(definition.name ? [definition.name] : []), ...(definition.from ? ['from', definition.from] : [])], lines);
  }

  frontend(name: string, definition: FrontendDefinition): this {
    const lines: Words[] = [];
    for (const bind of definition.binds) {
      if (typeof bind === 'string') lines.push(['bind', bind]);
      else lines.push(['bind', bind.address, ...(bind.ssl ? ['ssl'] : []), ...(bind.crt ? ['crt', bind.crt] : []), ...(bind.alpn ? ['alpn', bind.alpn] : []), ...(bind.options ?? [])]);
    }
    if (definition.mode) lines.push(['mode', definition.mode]);
    if (definition.maxconn !== undefined) lines.push(['maxconn', definition.maxconn]);
    for (const option of definition.options ?? []) lines.push(['option', ...option.split(/\s+/)]);
    for (const acl of definition.acls ?? []) lines.push(['acl', acl.name, acl.criterion, ...(acl.args ?? [])]);
    for (const rule of definition.httpRequest ?? []) lines.push(['http-request', ...rule]);
    for (const route of definition.useBackends ?? []) {
      if (route.if !== undefined && route.unless !== undefined) throw new UsageError(`use_backend ${route.backend}: 'if' or 'unless', not both`);
      const condition = route.if !== undefined ? ['if', ...route.if.split(/\s+/)] : route.unless !== undefined ? ['unless', ...route.unless.split(/\s+/)] : [];
      lines.push(['use_backend', route.backend, ...condition]);
    }
    if (definition.defaultBackend) lines.push(['default_backend', definition.defaultBackend]);
    lines.push(...(definition.directives ?? []).map((words) => [...words]));
    return this.section(['frontend', name, ...(definition.from ? ['from', definition.from] : [])], lines);
  }

  backend(name: string, definition: BackendDefinition = {}): this {
    return this.section(['backend', name, ...(definition.from ? ['from', definition.from] : [])], backendLines(definition));
  }

  /** A `listen` section: a frontend and its backend in one. */
  listen(name: string, definition: Omit<FrontendDefinition, 'useBackends' | 'defaultBackend'> & BackendDefinition): this {
    const front = new ConfigBuilder().frontend(name, definition).sections[0]?.lines ?? [];
    return this.section(['listen', name], [...front, ...backendLines({ ...definition, mode: undefined, options: undefined, directives: undefined })]);
  }

  /** Any other section (peers, resolvers, userlist, cache …) as lines of words. */
  section(header: Words, lines: readonly Words[] = []): this {
    this.sections.push({ header: [...header], lines: lines.map((words) => [...words]) });
    return this;
  }

  /** The configuration text: sections unindented, directives indented by four spaces, a blank line between sections. */
  toString(): string {
    const render = (words: Words) => words.map((word) => encodeWord(String(word))).join(' ');
    return this.sections.map((section) => [render(section.header), ...section.lines.map((words) => `    ${render(words)}`)].join('\n')).join('\n\n') + '\n';
  }

  /** The configuration as a document, ready for edits, validation or `install`. */
  toDocument(options: { file?: string } = {}): HaproxyDocument {
    return parse(this.toString(), options);
  }
}

function backendLines(definition: BackendDefinition): Words[] {
  const lines: Words[] = [];
  if (definition.mode) lines.push(['mode', definition.mode]);
  if (definition.balance) lines.push(['balance', ...definition.balance.split(/\s+/)]);
  for (const option of definition.options ?? []) lines.push(['option', ...option.split(/\s+/)]);
  if (definition.httpCheck) lines.push(['option', 'httpchk', ...(definition.httpCheck.method ? [definition.httpCheck.method] : ['GET']), definition.httpCheck.uri]);
  if (definition.cookie) lines.push(['cookie', ...definition.cookie.split(/\s+/)]);
  if (definition.defaultServer) lines.push(['default-server', ...serverWords(definition.defaultServer)]);
  lines.push(...(definition.directives ?? []).map((words) => [...words]));
  for (const server of definition.servers ?? []) lines.push(['server', server.name, server.address, ...serverWords(server)]);
  return lines;
}
