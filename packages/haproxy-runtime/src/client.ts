import { setTimeout as sleep } from 'node:timers/promises';
import { HaError, UsageError } from '@ha/core';
import { RuntimeCommandError, throwOnGenericRefusal } from './errors.js';
import { parseEnv, parseInfo, parseMapEntries, parseMapList, parseServersState, parseColonLines, parseTableEntries, parseTableList, type HaproxyInfo, type MapDescriptor, type MapEntry, type ServerState, type TableDescriptor } from './parse/dumps.js';
import { parseServerStatus } from './model/overview.js';
import { parseStatCsv, parseStatTyped, statFilterWords, type StatFilter, type StatRow, type TypedStatField } from './parse/stat.js';
import { parseSocketAddress, type SocketAddress } from './transport/address.js';
import { assertPayload, assertSingleCommand, buildCommandLine, type CommandWord } from './transport/command-line.js';
import { RuntimeSession } from './transport/session.js';
import { requestChunks, requestOnce } from './transport/socket.js';

/** How a client talks to HAProxy. */
export interface RuntimeOptions {
  /** `session` (default): one connection in prompt mode, pipelined. `oneshot`: a connection per command. */
  mode?: 'session' | 'oneshot';
  /** Deadline of each answer. Default 10 s. */
  timeoutMs?: number;
  /** Put before every command: the master CLI's `@1 ` or `@!PID ` routing. */
  prefix?: string;
}

/** A server, as `backend/server` or an object. */
export type ServerRef = string | { backend: string; server: string };

/** The result of one command of a batch. */
export interface BatchResult {
  command: string;
  ok: boolean;
  output: string;
  error: Error | undefined;
}

/** Server states `set server … state` takes. */
export type ServerAdminState = 'ready' | 'drain' | 'maint';

/**
 * A typed client of HAProxy's Runtime API (the stats socket). Commands are
 * built from words, each checked so nothing can end or split a command, and
 * HAProxy's answers are checked so a refusal is an error, not a string.
 */
export class HaproxyRuntime {
  readonly address: SocketAddress;
  private readonly session: RuntimeSession | undefined;
  private readonly timeoutMs: number;
  private readonly prefix: string;

  constructor(socket: string | SocketAddress, options: RuntimeOptions = {}) {
    this.address = typeof socket === 'string' ? parseSocketAddress(socket) : socket;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.prefix = options.prefix ?? '';
    this.session = options.mode === 'oneshot' ? undefined : new RuntimeSession(this.address, { timeoutMs: this.timeoutMs });
  }

  /** Sends a command given as words, returns HAProxy's answer; throws on a refusal it can recognise. */
  async execute(words: readonly CommandWord[], options: { payload?: string; timeoutMs?: number } = {}): Promise<string> {
    return this.executeLine(buildCommandLine(words), options);
  }

  /**
   * Sends a command over its own connection and hands the answer's bytes to
   * `onChunk` as they arrive: the fastest way through a 9 MB `show stat`.
   * A refusal (`Permission denied`, `Unknown command`) is thrown, not handed over.
   */
  async streamChunks(words: readonly CommandWord[], onChunk: (chunk: Uint8Array) => void, options: { timeoutMs?: number } = {}): Promise<void> {
    const line = buildCommandLine(words);
    let head: Buffer | undefined = Buffer.alloc(0);
    await requestChunks(this.address, this.prefix + line, { timeoutMs: options.timeoutMs ?? this.timeoutMs }, (chunk) => {
      if (head === undefined) return onChunk(chunk);
      // Held back until the first line is complete: it tells a refusal from data.
      head = Buffer.concat([head, chunk]);
      const newline = head.indexOf(10);
      if (newline === -1 && head.length < 4096) return;
      throwOnGenericRefusal(line, head.toString('utf8', 0, newline === -1 ? head.length : newline));
      onChunk(head);
      head = undefined;
    });
    if (head !== undefined && head.length > 0) {
      throwOnGenericRefusal(line, head.toString('utf8'));
      onChunk(head);
    }
  }

  /** Sends one raw command line (checked: one command, no separators). For `ha-haproxy exec`. */
  async executeRaw(line: string, options: { payload?: string; timeoutMs?: number } = {}): Promise<string> {
    return this.executeLine(assertSingleCommand(line), options);
  }

  /**
   * Sends many commands over one connection and reports each result; the
   * batch goes on after a failed command. Tens of thousands are fine.
   */
  async batch(commands: readonly (readonly CommandWord[] | string)[], options: { timeoutMs?: number } = {}): Promise<BatchResult[]> {
    const lines = commands.map((command) => (typeof command === 'string' ? assertSingleCommand(command) : buildCommandLine(command)));
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const answers = this.session
      ? await this.session.sendMany(lines.map((line) => ({ line: this.prefix + line, timeoutMs })))
      : await sequential(lines, (line) => requestOnce(this.address, this.prefix + line, { timeoutMs }).catch((error: Error) => error));
    return lines.map((line, i) => {
      const answer = answers[i] as string | Error;
      if (answer instanceof Error) return { command: line, ok: false, output: '', error: answer };
      const error = classifyAnswer(line, answer);
      return { command: line, ok: error === undefined, output: answer, error };
    });
  }

  async close(): Promise<void> {
    await this.session?.close();
  }

  // Reading.

  async showInfo(): Promise<HaproxyInfo> {
    return parseInfo(await this.execute(['show', 'info']));
  }

  /**
   * `show stat` as typed rows (CSV: the fast path; `show stat json` of 40,000 servers is ~480 MB);
   * `columns` reads only those columns (pxname, svname and type always).
   */
  async showStat(filter?: StatFilter, options: { columns?: readonly string[] } = {}): Promise<StatRow[]> {
    return parseStatCsv(await this.execute(['show', 'stat', ...statFilterWords(filter)]), options);
  }

  /** `show stat typed`: every field with HAProxy's own type and tags (gauge, counter …). */
  async showStatTyped(filter?: StatFilter): Promise<TypedStatField[]> {
    return parseStatTyped(await this.execute(['show', 'stat', ...statFilterWords(filter), 'typed']));
  }

  /** `show stat json`, parsed. Large: prefer `showStat` for many servers. */
  async showStatJson(filter?: StatFilter): Promise<unknown> {
    return JSON.parse(await this.execute(['show', 'stat', ...statFilterWords(filter), 'json']));
  }

  async showServersState(backend?: string): Promise<ServerState[]> {
    return parseServersState(await this.execute(['show', 'servers', 'state', ...(backend ? [backend] : [])]));
  }

  async showBackends(): Promise<string[]> {
    return (await this.execute(['show', 'backend'])).split('\n').filter((line) => line.length > 0 && !line.startsWith('#'));
  }

  async showVersion(): Promise<string> {
    return (await this.execute(['show', 'version'])).trim();
  }

  async showEnv(): Promise<Record<string, string>> {
    return parseEnv(await this.execute(['show', 'env']));
  }

  async showActivity(): Promise<Record<string, string>> {
    return parseColonLines(await this.execute(['show', 'activity']));
  }

  async showTables(): Promise<TableDescriptor[]> {
    return parseTableList(await this.execute(['show', 'table']));
  }

  async showTable(name: string): Promise<{ key: string; data: Record<string, string> }[]> {
    return parseTableEntries(await this.execute(['show', 'table', name]));
  }

  /** `clear table NAME [key KEY]`. */
  async clearTable(name: string, key?: string): Promise<void> {
    await this.expectEmpty(['clear', 'table', name, ...(key === undefined ? [] : ['key', key])]);
  }

  /** `show sess`: one line per session, as HAProxy prints them. */
  async showSessions(): Promise<string[]> {
    return (await this.execute(['show', 'sess'])).split('\n').filter((line) => line.length > 0);
  }

  async showErrors(): Promise<string> {
    return this.execute(['show', 'errors']);
  }

  async showResolvers(): Promise<string> {
    return this.execute(['show', 'resolvers']);
  }

  async showPeers(): Promise<string> {
    return this.execute(['show', 'peers']);
  }

  // Servers.

  async setServerState(server: ServerRef, state: ServerAdminState): Promise<void> {
    await this.expectEmpty(['set', 'server', serverName(server), 'state', state]);
  }

  /** `set server B/S weight W`: 0 to 256, or a percentage of the initial weight (`"50%"`). */
  async setServerWeight(server: ServerRef, weight: number | `${number}%`): Promise<void> {
    if (typeof weight === 'number' && (!Number.isInteger(weight) || weight < 0 || weight > 256)) throw new UsageError(`weight ${weight} is out of range (0 to 256)`);
    await this.expectEmpty(['set', 'server', serverName(server), 'weight', weight]);
  }

  /** `set server B/S addr ADDR [port PORT]`; returns HAProxy's account of the change. */
  async setServerAddress(server: ServerRef, address: string, port?: number): Promise<string> {
    const words: CommandWord[] = ['set', 'server', serverName(server), 'addr', address, ...(port === undefined ? [] : ['port', port])];
    const answer = await this.execute(words);
    if (!/^(IP changed|no need to change|port changed)/.test(answer)) throw new RuntimeCommandError(buildCommandLine(words), answer);
    return answer;
  }

  async setServerHealth(server: ServerRef, health: 'up' | 'stopping' | 'down'): Promise<void> {
    await this.expectEmpty(['set', 'server', serverName(server), 'health', health]);
  }

  async setServerAgent(server: ServerRef, agent: 'up' | 'down'): Promise<void> {
    await this.expectEmpty(['set', 'server', serverName(server), 'agent', agent]);
  }

  /** `enable|disable server|health|agent B/S`. */
  async setEnabled(what: 'server' | 'health' | 'agent', server: ServerRef, enabled: boolean): Promise<void> {
    await this.expectEmpty([enabled ? 'enable' : 'disable', what, serverName(server)]);
  }

  /** `set maxconn server B/S N`, `set maxconn frontend F N`, `set maxconn global N`. */
  async setMaxconn(target: { server: ServerRef } | { frontend: string } | 'global', value: number): Promise<void> {
    const scope = target === 'global' ? ['global'] : 'frontend' in target ? ['frontend', target.frontend] : ['server', serverName(target.server)];
    await this.expectEmpty(['set', 'maxconn', ...scope, value]);
  }

  /**
   * `add server B/S ADDR[:PORT] [options…]`. On 2.6 the backend needs a
   * dynamic balance algorithm, and a new server starts in maintenance.
   */
  async addServer(server: ServerRef, address: string, options: readonly CommandWord[] = []): Promise<void> {
    const words: CommandWord[] = ['add', 'server', serverName(server), address, ...options];
    const answer = await this.execute(words);
    if (!answer.startsWith('New server registered')) throw new RuntimeCommandError(buildCommandLine(words), answer);
  }

  /** `del server B/S`: only a server in maintenance (and without sessions) can be deleted. */
  async deleteServer(server: ServerRef): Promise<void> {
    const words = ['del', 'server', serverName(server)];
    const answer = await this.execute(words);
    if (!answer.startsWith('Server deleted')) throw new RuntimeCommandError(buildCommandLine(words), answer);
  }

  async shutdownSessions(server: ServerRef): Promise<void> {
    await this.expectEmpty(['shutdown', 'sessions', 'server', serverName(server)]);
  }

  // Maps and ACLs (`kind` picks which).

  async showMaps(kind: 'map' | 'acl' = 'map'): Promise<MapDescriptor[]> {
    return parseMapList(await this.execute(['show', kind]));
  }

  async showMap(id: string, options: { kind?: 'map' | 'acl'; version?: number } = {}): Promise<MapEntry[]> {
    return parseMapEntries(await this.execute(['show', options.kind ?? 'map', ...versionWord(options.version), id]));
  }

  async addMapEntry(id: string, key: string, value: string, options: { version?: number } = {}): Promise<void> {
    await this.expectEmpty(['add', 'map', ...versionWord(options.version), id, key, value]);
  }

  async addAclEntry(id: string, pattern: string, options: { version?: number } = {}): Promise<void> {
    await this.expectEmpty(['add', 'acl', ...versionWord(options.version), id, pattern]);
  }

  async setMapEntry(id: string, key: string, value: string): Promise<void> {
    await this.expectEmpty(['set', 'map', id, key, value]);
  }

  async deleteEntry(id: string, key: string, kind: 'map' | 'acl' = 'map'): Promise<void> {
    await this.expectEmpty(['del', kind, id, key]);
  }

  async clearMap(id: string, options: { kind?: 'map' | 'acl'; version?: number } = {}): Promise<void> {
    await this.expectEmpty(['clear', options.kind ?? 'map', ...versionWord(options.version), id]);
  }

  /** `prepare map|acl ID`: a new, empty version to fill and commit; returns its number. */
  async prepare(id: string, kind: 'map' | 'acl' = 'map'): Promise<number> {
    const words = ['prepare', kind, id];
    const answer = await this.execute(words);
    const version = /New version created: (\d+)/.exec(answer)?.[1];
    if (version === undefined) throw new RuntimeCommandError(buildCommandLine(words), answer);
    return Number(version);
  }

  async commit(id: string, version: number, kind: 'map' | 'acl' = 'map'): Promise<void> {
    await this.expectEmpty(['commit', kind, `@${version}`, id]);
  }

  /**
   * Replaces a map's (or ACL's) whole content atomically: prepare a version,
   * fill it with one payload command, commit. Readers never see a half-filled map.
   */
  async replaceMap(id: string, entries: readonly (readonly [string, string] | string)[], kind: 'map' | 'acl' = 'map'): Promise<number> {
    const version = await this.prepare(id, kind);
    if (entries.length > 0) {
      const payload = assertPayload(
        entries
          .map((entry) => {
            const words = typeof entry === 'string' ? [entry] : [...entry];
            return buildCommandLine(words);
          })
          .join('\n'),
      );
      await this.expectEmpty(['add', kind, `@${version}`, id], { payload });
    }
    await this.commit(id, version, kind);
    return version;
  }

  // Helpers.

  /** One server's row of `show stat`. */
  async serverStat(server: ServerRef): Promise<StatRow> {
    const { backend, server: name } = splitServer(server);
    const row = (await this.showStat()).find((entry) => entry.pxname === backend && entry.svname === name);
    if (!row) throw new HaError('NOT_FOUND', `no server ${backend}/${name}`);
    return row;
  }

  /**
   * Polls until the server is in `state` for good (`UP 1/2`, a server whose
   * checks are changing its state, is not yet UP). Returns its row.
   */
  async waitForState(server: ServerRef, state: 'UP' | 'DOWN' | 'MAINT' | 'DRAIN' | 'NOLB', options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<StatRow> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    const wanted = state.toLowerCase();
    for (;;) {
      const row = await this.serverStat(server);
      const decoded = parseServerStatus(row.status);
      if (decoded.state === wanted && !decoded.transitional) return row;
      if (Date.now() >= deadline) throw new HaError('TIMEOUT', `${serverName(server)} is ${row.status ?? 'unknown'}, not ${state}, after ${timeoutMs} ms`);
      await sleep(options.intervalMs ?? 200);
    }
  }

  /**
   * Drains a server: no new sessions, then (with `until: 'idle'`) waits until
   * its current sessions are gone and puts it in maintenance.
   */
  async drain(server: ServerRef, options: { until?: 'idle'; timeoutMs?: number; intervalMs?: number } = {}): Promise<void> {
    await this.setServerState(server, 'drain');
    if (options.until !== 'idle') return;
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const row = await this.serverStat(server);
      if ((row.scur ?? 0) === 0) break;
      if (Date.now() >= deadline) throw new HaError('TIMEOUT', `${serverName(server)} still has ${row.scur} session(s) after ${options.timeoutMs ?? 60_000} ms`);
      await sleep(options.intervalMs ?? 200);
    }
    await this.setServerState(server, 'maint');
  }

  /**
   * Restarts a backend's servers one at a time: drain until idle, run `restart`,
   * set ready, wait until its health check says UP, then the next one.
   */
  async rollingRestart(backend: string, restart: (server: string) => Promise<void>, options: { timeoutMs?: number } = {}): Promise<string[]> {
    const servers = (await this.showStat()).filter((row) => row.pxname === backend && row.kind === 'server').map((row) => row.svname);
    if (servers.length === 0) throw new HaError('NOT_FOUND', `backend ${backend} has no servers`);
    for (const server of servers) {
      const ref = { backend, server };
      await this.drain(ref, { until: 'idle', ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
      await restart(server);
      await this.setServerState(ref, 'ready');
      await this.waitForState(ref, 'UP', options.timeoutMs ? { timeoutMs: options.timeoutMs } : {});
    }
    return servers;
  }

  private async executeLine(line: string, options: { payload?: string; timeoutMs?: number }): Promise<string> {
    const payload = options.payload === undefined ? undefined : assertPayload(options.payload);
    const request = { timeoutMs: options.timeoutMs ?? this.timeoutMs, ...(payload === undefined ? {} : { payload }) };
    const answer = this.session ? await this.session.send(this.prefix + line, request) : await requestOnce(this.address, this.prefix + line, request);
    throwOnGenericRefusal(line, answer);
    return answer;
  }

  // Commands that say nothing when they succeed: any answer is HAProxy's refusal.
  private async expectEmpty(words: readonly CommandWord[], options: { payload?: string } = {}): Promise<void> {
    const answer = await this.execute(words, options);
    if (answer.trim().length > 0) throw new RuntimeCommandError(buildCommandLine(words), answer);
  }
}

/**
 * Whether an answer means the command failed. HAProxy's text protocol has no
 * status field: commands that change something answer nothing (or a known
 * confirmation) when they succeed.
 */
export function classifyAnswer(line: string, answer: string): RuntimeCommandError | undefined {
  try {
    throwOnGenericRefusal(line, answer);
  } catch (error) {
    return error as RuntimeCommandError;
  }
  const verb = line.replace(/^@!?\d+\s+/, '').split(' ');
  if (['show', 'get', 'help', 'prompt', 'quit', 'debug', 'trace', 'user', 'operator', 'expert-mode', 'experimental-mode'].includes(verb[0] ?? '')) return undefined;
  const confirmations = [/^New server registered/, /^Server deleted/, /^New version created/, /^(IP changed|no need to change|port changed)/, /^Done\.?$/];
  if (answer.trim() === '' || confirmations.some((pattern) => pattern.test(answer))) return undefined;
  return new RuntimeCommandError(line, answer);
}

function serverName(server: ServerRef): string {
  const { backend, server: name } = splitServer(server);
  return `${backend}/${name}`;
}

/** `backend/server` → its parts. */
export function splitServer(server: ServerRef): { backend: string; server: string } {
  if (typeof server !== 'string') return server;
  const slash = server.indexOf('/');
  if (slash <= 0 || slash === server.length - 1) throw new UsageError(`'${server}' is not BACKEND/SERVER`);
  return { backend: server.slice(0, slash), server: server.slice(slash + 1) };
}

function versionWord(version: number | undefined): string[] {
  return version === undefined ? [] : [`@${version}`];
}

async function sequential<T>(items: readonly string[], run: (item: string) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (const item of items) results.push(await run(item));
  return results;
}
