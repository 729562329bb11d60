import { setTimeout as sleep } from 'node:timers/promises';
import { HaError } from '@ha/core';
import { acceptAnswer, classifyAnswer, isReadingCommand } from './classify-answer.js';
import { runtimeParseError, type RuntimeCommandError } from './errors.js';
import {
  parseEnv,
  parseInfo,
  parseMapEntries,
  parseMapList,
  parseServersState,
  parseColonLines,
  parseTableEntries,
  parseTableList,
  type HaproxyInfo,
  type MapDescriptor,
  type MapEntry,
  type ServerState,
  type TableDescriptor,
} from './parse/dumps.js';
import { parseServerStatus } from './model/overview.js';
import {
  parseStatCsv,
  parseStatTyped,
  statFilterWords,
  type StatFilter,
  type StatRow,
  type TypedStatField,
} from './parse/stat.js';
import { parseSocketAddress, type SocketAddress } from './transport/address.js';
import { assertPayload, assertSingleCommand, buildCommandLine, type CommandWord } from './transport/command-line.js';
import { RuntimeSession } from './transport/session.js';
import type { CertificateDetail, CertificateList, CrtListEntry } from './ssl/certificates.js';
import * as ssl from './ssl/replace.js';
import { requestChunks, requestOnce, trimAnswerEnd } from './transport/socket.js';

/** How a client talks to HAProxy. */
export interface RuntimeOptions {
  /**
   * `session` (default): one connection in prompt mode, commands pipelined over it; it does not
   * keep the process alive while idle, but `close()` it (or `await using`) when done.
   * `oneshot`: a connection per command, closed after the answer, as socat does.
   */
  mode?: 'session' | 'oneshot';
  /** Deadline of each answer, in ms. Default 10,000. */
  timeoutMs?: number;
  /** Put before every command: the master CLI's `@1 ` or `@!PID ` routing (see `HaproxyMaster.worker`). */
  prefix?: string;
}

/** A server, as `'backend/server'` or `{ backend, server }`. */
export type ServerRef =
  | string
  | {
      /** The backend's name: `web`. */
      backend: string;
      /** The server's name in that backend: `srv1`. */
      server: string;
    };

/** The result of one command of a batch. */
export interface BatchResult {
  /** The command line as sent (without the client's prefix). */
  command: string;
  /** False when HAProxy refused the command (`classifyAnswer`) or its answer never came. */
  ok: boolean;
  /** HAProxy's answer, also for a refusal; empty when no answer came. */
  output: string;
  /** Why it failed: a `RuntimeCommandError` for a refusal, a `SocketError` or a `TIMEOUT` error when no answer came. */
  error: Error | undefined;
}

/** Server states `set server … state` takes. */
export type ServerAdminState = 'ready' | 'drain' | 'maint';

/** How long `waitForState` and `drain` wait, and how often they look. */
export interface WaitOptions {
  /** Give up (a `TIMEOUT` error) after this many ms. Default: 30 s for `waitForState`, 60 s for `drain`. */
  timeoutMs?: number | undefined;
  /** Read `show stat` again every this many ms. Default 200. */
  intervalMs?: number | undefined;
}

/**
 * A typed client of HAProxy's Runtime API (the stats socket). Commands are
 * built from words, each checked so nothing can end or split a command, and
 * HAProxy's answers are checked so a refusal is an error, not a string.
 *
 * @example
 * await using haproxy = new HaproxyRuntime('/run/haproxy/admin.sock');
 * await haproxy.setServerState('web/srv1', 'drain');
 */
export class HaproxyRuntime implements AsyncDisposable {
  /** Where it connects, parsed from what the constructor was given. */
  readonly address: SocketAddress;
  private readonly session: RuntimeSession | undefined;
  private readonly timeoutMs: number;
  private readonly prefix: string;

  /**
   * Nothing is sent until the first command.
   * @param socket A path (`/run/haproxy/admin.sock`, `unix@/path`), `ipv4@HOST:PORT`, `ipv6@[HOST]:PORT`, or a parsed address.
   */
  constructor(socket: string | SocketAddress, options: RuntimeOptions = {}) {
    this.address = typeof socket === 'string' ? parseSocketAddress(socket) : socket;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.prefix = options.prefix ?? '';
    this.session =
      options.mode === 'oneshot' ? undefined : new RuntimeSession(this.address, { timeoutMs: this.timeoutMs });
  }

  /**
   * Sends a command given as words and returns HAProxy's answer (without the
   * newlines that end it). A refusal is thrown, by the same rule `batch` uses
   * to mark a result failed (`classifyAnswer`): `PermissionDeniedError`,
   * `UnknownCommandError`, or `RuntimeCommandError` with HAProxy's `response`.
   *
   * @example
   * await haproxy.execute(['get', 'weight', 'web/srv1']); // '1 (initial 1)'
   * await haproxy.execute(['get', 'weight', 'web/nope']); // throws RuntimeCommandError: No such server.
   */
  async execute(
    words: readonly CommandWord[],
    options: { payload?: string; timeoutMs?: number } = {},
  ): Promise<string> {
    return this.executeLine(buildCommandLine(words), options);
  }

  /**
   * Sends one command line as a user typed it (`ha-haproxy exec`), checked to
   * be one command (no `;`, line break or NUL). Raw means the line is sent as
   * it is and the answer comes back as HAProxy wrote it, not parsed; it does
   * not mean unchecked: a refusal is thrown exactly as `execute` throws it and
   * `batch` reports it, with the answer's text in the error's `response`.
   *
   * @example
   * await haproxy.executeRaw('show servers state web');
   * await haproxy.executeRaw('set server web/srv1 weight 5x'); // throws: Trailing garbage in weight string
   */
  async executeRaw(line: string, options: { payload?: string; timeoutMs?: number } = {}): Promise<string> {
    return this.executeLine(assertSingleCommand(line), options);
  }

  /**
   * Sends a command over its own connection and hands the answer's bytes to
   * `onChunk` as they arrive: the fastest way through a 9 MB `show stat`.
   * The start of the answer is held back until it tells a refusal from data
   * (a change's whole answer is), so a refusal is thrown and never handed over.
   */
  async streamChunks(
    words: readonly CommandWord[],
    onChunk: (chunk: Uint8Array) => void,
    options: { timeoutMs?: number } = {},
  ): Promise<void> {
    const line = buildCommandLine(words);
    // A read is told from its first line; a change only from its whole (short) answer.
    const holdAll = !isReadingCommand(line);
    let held: Buffer[] | undefined = [];
    let heldBytes = 0;
    let refused = false;
    await requestChunks(
      this.address,
      this.prefix + line,
      { timeoutMs: options.timeoutMs ?? this.timeoutMs },
      (chunk) => {
        if (held === undefined) return onChunk(chunk);
        held.push(chunk);
        heldBytes += chunk.length;
        // A refusal is read to its end: UnknownCommandError wants the whole list of commands.
        if (holdAll || refused) return;
        const head = Buffer.concat(held);
        const newline = head.indexOf(10);
        if (newline === -1 && heldBytes < 4096) return;
        if (classifyAnswer(line, head.toString('utf8', 0, newline === -1 ? head.length : newline)) !== undefined) {
          refused = true;
          return;
        }
        held = undefined;
        onChunk(head);
      },
    );
    if (held === undefined) return;
    const rest = Buffer.concat(held);
    acceptAnswer(line, trimAnswerEnd(rest.toString('utf8')));
    if (rest.length > 0) onChunk(rest);
  }

  /**
   * Sends many commands over one connection and reports each result; the
   * batch goes on after a failed command. Tens of thousands are fine. A result
   * is failed exactly when `execute` would have thrown (`classifyAnswer`).
   */
  async batch(
    commands: readonly (readonly CommandWord[] | string)[],
    options: { timeoutMs?: number } = {},
  ): Promise<BatchResult[]> {
    const lines = commands.map((command) =>
      typeof command === 'string' ? assertSingleCommand(command) : buildCommandLine(command),
    );
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const answers = this.session
      ? await this.session.sendMany(lines.map((line) => ({ line: this.prefix + line, timeoutMs })))
      : await sequential(lines, (line) =>
          requestOnce(this.address, this.prefix + line, { timeoutMs }).catch((error: Error) => error),
        );
    return lines.map((line, i) => {
      const answer = answers[i] as string | Error;
      if (answer instanceof Error) return { command: line, ok: false, output: '', error: answer };
      const error: RuntimeCommandError | undefined = classifyAnswer(line, answer);
      return { command: line, ok: error === undefined, output: answer, error };
    });
  }

  /** Closes the session's connection (commands still waiting fail); later commands are refused. Harmless twice. */
  async close(): Promise<void> {
    await this.session?.close();
  }

  /** `close()`, for `await using haproxy = new HaproxyRuntime(…)`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // Reading.

  /** `show info`: the process, its limits and counters. */
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

  /** `show servers state [BACKEND]`: each server's state as HAProxy saves it across reloads. */
  async showServersState(backend?: string): Promise<ServerState[]> {
    return parseServersState(await this.execute(['show', 'servers', 'state', ...(backend ? [backend] : [])]));
  }

  /** `show backend`: the backends' names. */
  async showBackends(): Promise<string[]> {
    return (await this.execute(['show', 'backend']))
      .split('\n')
      .filter((line) => line.length > 0 && !line.startsWith('#'));
  }

  /** `show version`: `2.6.12-1+deb12u4`. */
  async showVersion(): Promise<string> {
    return (await this.execute(['show', 'version'])).trim();
  }

  /** `show env`: the process's environment, name → value. */
  async showEnv(): Promise<Record<string, string>> {
    return parseEnv(await this.execute(['show', 'env']));
  }

  /** `show activity`: per-thread counters, name → the line's values as HAProxy prints them. */
  async showActivity(): Promise<Record<string, string>> {
    return parseColonLines(await this.execute(['show', 'activity']));
  }

  /** `show table`: the stick tables, with type, size and use. */
  async showTables(): Promise<TableDescriptor[]> {
    return parseTableList(await this.execute(['show', 'table']));
  }

  /** `show table NAME`: its entries, key → the stored data (`conn_cnt`, `http_req_rate(10000)` …). */
  async showTable(name: string): Promise<{ key: string; data: Record<string, string> }[]> {
    return parseTableEntries(await this.execute(['show', 'table', name]));
  }

  /** `clear table NAME [key KEY]`. */
  async clearTable(name: string, key?: string): Promise<void> {
    await this.execute(['clear', 'table', name, ...(key === undefined ? [] : ['key', key])]);
  }

  /** `show sess`: one line per session, as HAProxy prints them. */
  async showSessions(): Promise<string[]> {
    return (await this.execute(['show', 'sess'])).split('\n').filter((line) => line.length > 0);
  }

  /** `show errors`: the last invalid requests and responses HAProxy captured, as it prints them. */
  async showErrors(): Promise<string> {
    return this.execute(['show', 'errors']);
  }

  /** `show resolvers`: DNS resolvers and their counters, as HAProxy prints them. */
  async showResolvers(): Promise<string> {
    return this.execute(['show', 'resolvers']);
  }

  /** `show peers`: peers sections and their connections, as HAProxy prints them. */
  async showPeers(): Promise<string> {
    return this.execute(['show', 'peers']);
  }

  // Servers.

  /** `set server B/S state ready|drain|maint`. */
  async setServerState(server: ServerRef, state: ServerAdminState): Promise<void> {
    await this.execute(['set', 'server', serverName(server), 'state', state]);
  }

  /** `set server B/S weight W`: 0 to 256, or a percentage of the initial weight (`"50%"`). */
  async setServerWeight(server: ServerRef, weight: number | `${number}%`): Promise<void> {
    if (typeof weight === 'number' && (!Number.isInteger(weight) || weight < 0 || weight > 256)) {
      throw new TypeError(`weight ${weight} is out of range (0 to 256)`);
    }
    await this.execute(['set', 'server', serverName(server), 'weight', weight]);
  }

  /** `set server B/S addr ADDR [port PORT]`; returns HAProxy's account of the change (`IP changed from …`). */
  async setServerAddress(server: ServerRef, address: string, port?: number): Promise<string> {
    return this.execute([
      'set',
      'server',
      serverName(server),
      'addr',
      address,
      ...(port === undefined ? [] : ['port', port]),
    ]);
  }

  /** `set server B/S health up|stopping|down`: forces the health check's verdict until the next check. */
  async setServerHealth(server: ServerRef, health: 'up' | 'stopping' | 'down'): Promise<void> {
    await this.execute(['set', 'server', serverName(server), 'health', health]);
  }

  /** `set server B/S agent up|down`: forces the agent check's verdict. */
  async setServerAgent(server: ServerRef, agent: 'up' | 'down'): Promise<void> {
    await this.execute(['set', 'server', serverName(server), 'agent', agent]);
  }

  /** `enable|disable server|health|agent B/S`. */
  async setEnabled(what: 'server' | 'health' | 'agent', server: ServerRef, enabled: boolean): Promise<void> {
    await this.execute([enabled ? 'enable' : 'disable', what, serverName(server)]);
  }

  /** `set maxconn server B/S N`, `set maxconn frontend F N`, `set maxconn global N`. */
  async setMaxconn(target: { server: ServerRef } | { frontend: string } | 'global', value: number): Promise<void> {
    const scope =
      target === 'global'
        ? ['global']
        : 'frontend' in target
          ? ['frontend', target.frontend]
          : ['server', serverName(target.server)];
    await this.execute(['set', 'maxconn', ...scope, value]);
  }

  /**
   * `add server B/S ADDR[:PORT] [options…]`. On 2.6 the backend needs a
   * dynamic balance algorithm, and a new server starts in maintenance.
   */
  async addServer(server: ServerRef, address: string, options: readonly CommandWord[] = []): Promise<void> {
    await this.execute(['add', 'server', serverName(server), address, ...options]);
  }

  /** `del server B/S`: only a server in maintenance (and without sessions) can be deleted. */
  async deleteServer(server: ServerRef): Promise<void> {
    await this.execute(['del', 'server', serverName(server)]);
  }

  /** `shutdown sessions server B/S`: closes the server's current sessions at once. */
  async shutdownSessions(server: ServerRef): Promise<void> {
    await this.execute(['shutdown', 'sessions', 'server', serverName(server)]);
  }

  // Maps and ACLs (`kind` picks which). An `id` is `#N` (from `showMaps`) or the map's file name.

  /** `show map` (or `show acl`): the loaded maps with their ids, files and versions. */
  async showMaps(kind: 'map' | 'acl' = 'map'): Promise<MapDescriptor[]> {
    return parseMapList(await this.execute(['show', kind]));
  }

  /** `show map [@VERSION] ID`: a map's entries (the current version unless `version` is given). */
  async showMap(id: string, options: { kind?: 'map' | 'acl'; version?: number } = {}): Promise<MapEntry[]> {
    return parseMapEntries(await this.execute(['show', options.kind ?? 'map', ...versionWord(options.version), id]));
  }

  /** `add map [@VERSION] ID KEY VALUE`. */
  async addMapEntry(id: string, key: string, value: string, options: { version?: number } = {}): Promise<void> {
    await this.execute(['add', 'map', ...versionWord(options.version), id, key, value]);
  }

  /** `add acl [@VERSION] ID PATTERN`. */
  async addAclEntry(id: string, pattern: string, options: { version?: number } = {}): Promise<void> {
    await this.execute(['add', 'acl', ...versionWord(options.version), id, pattern]);
  }

  /** `set map ID KEY VALUE`: changes the value of an existing key. */
  async setMapEntry(id: string, key: string, value: string): Promise<void> {
    await this.execute(['set', 'map', id, key, value]);
  }

  /** `del map|acl ID KEY`. */
  async deleteEntry(id: string, key: string, kind: 'map' | 'acl' = 'map'): Promise<void> {
    await this.execute(['del', kind, id, key]);
  }

  /** `clear map|acl [@VERSION] ID`: removes every entry (of that version). */
  async clearMap(id: string, options: { kind?: 'map' | 'acl'; version?: number } = {}): Promise<void> {
    await this.execute(['clear', options.kind ?? 'map', ...versionWord(options.version), id]);
  }

  /** `prepare map|acl ID`: a new, empty version to fill and commit; returns its number. */
  async prepare(id: string, kind: 'map' | 'acl' = 'map'): Promise<number> {
    const line = buildCommandLine(['prepare', kind, id]);
    const answer = await this.executeLine(line, {});
    const version = /^New version created: (\d+)$/.exec(answer.trim())?.[1];
    if (version === undefined) {
      throw runtimeParseError(
        'NO_MAP_VERSION',
        `${line}: no 'New version created: N' in the answer: ${JSON.stringify(answer.slice(0, 80))}`,
      );
    }
    return Number(version);
  }

  /** `commit map|acl @VERSION ID`: makes a prepared version the current one, atomically. */
  async commit(id: string, version: number, kind: 'map' | 'acl' = 'map'): Promise<void> {
    await this.execute(['commit', kind, `@${version}`, id]);
  }

  /**
   * Replaces a map's (or ACL's) whole content atomically: prepare a version,
   * fill it with one payload command, commit. Readers never see a half-filled map.
   */
  async replaceMap(
    id: string,
    entries: readonly (readonly [string, string] | string)[],
    kind: 'map' | 'acl' = 'map',
  ): Promise<number> {
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
      await this.execute(['add', kind, `@${version}`, id], { payload });
    }
    await this.commit(id, version, kind);
    return version;
  }

  // Certificates (src/ssl/): read and replaced without a reload. A bad certificate is a
  // `CertificateError` before anything is sent.

  /** Every certificate HAProxy has loaded (`show ssl cert` and each one's details), with the crt-lists naming it. */
  async showCertificates(): Promise<ssl.LoadedCertificate[]> {
    return ssl.showCertificates(this);
  }

  /** `show ssl cert`: the loaded files, and those with a transaction in progress. */
  async listCertificates(): Promise<CertificateList> {
    return ssl.listCertificates(this);
  }

  /** `show ssl cert FILE` (`*FILE`, the uncommitted one, with `transaction`). */
  async showCertificate(file: string, options: { transaction?: boolean } = {}): Promise<CertificateDetail> {
    return ssl.showCertificate(this, file, options);
  }

  /** `show ssl crt-list` and each list's lines: list file → its lines. */
  async showCrtLists(): Promise<Map<string, CrtListEntry[]>> {
    return ssl.showCrtLists(this);
  }

  /** `show ssl ca-file FILE`: each certificate of a loaded CA file. */
  async showCaFile(file: string): Promise<CertificateDetail[]> {
    return ssl.showCaFile(this, file);
  }

  /**
   * Replaces a loaded certificate (and key) without a reload: checked locally,
   * `set ssl cert` + `commit ssl cert` (`abort` on a refusal), then the file
   * written atomically (unless `persist: false`; HAProxy gets the old one back if that fails).
   */
  async replaceCertificate(
    file: string,
    pem: string,
    options: ssl.ReplaceCertificateOptions = {},
  ): Promise<ssl.ReplaceCertificateResult> {
    return ssl.replaceCertificate(this, file, pem, options);
  }

  /** Loads a new certificate and adds it to a loaded crt-list (and to the files), without a reload. */
  async addToCrtList(
    crtList: string,
    file: string,
    pem: string,
    options: ssl.AddToCrtListOptions = {},
  ): Promise<CrtListEntry> {
    return ssl.addToCrtList(this, crtList, file, pem, options);
  }

  /** Replaces a loaded CA file or CRL file without a reload (`set`/`commit ssl ca-file|crl-file`), and on disk. */
  async replaceCaFile(
    kind: 'ca-file' | 'crl-file',
    file: string,
    pem: string,
    options: ssl.PersistOptions = {},
  ): Promise<{ file: string; written: boolean }> {
    return ssl.replaceCaFile(this, kind, file, pem, options);
  }

  // Helpers.

  /** One server's row of `show stat`; a `NOT_FOUND` error when there is no such server. */
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
  async waitForState(
    server: ServerRef,
    state: 'UP' | 'DOWN' | 'MAINT' | 'DRAIN' | 'NOLB',
    options: WaitOptions = {},
  ): Promise<StatRow> {
    const { timeoutMs = 30_000, intervalMs = 200 } = options;
    const deadline = Date.now() + timeoutMs;
    const wanted = state.toLowerCase();
    for (;;) {
      const row = await this.serverStat(server);
      const decoded = parseServerStatus(row.status);
      if (decoded.state === wanted && !decoded.transitional) return row;
      if (Date.now() >= deadline)
        throw new HaError(
          'TIMEOUT',
          `${serverName(server)} is ${row.status ?? 'unknown'}, not ${state}, after ${timeoutMs} ms`,
        );
      await sleep(intervalMs);
    }
  }

  /**
   * Drains a server: no new sessions, then (with `until: 'idle'`) waits until
   * its current sessions are gone (`timeoutMs`, default 60 s) and puts it in maintenance.
   */
  async drain(server: ServerRef, options: WaitOptions & { until?: 'idle' | undefined } = {}): Promise<void> {
    const { until, timeoutMs = 60_000, intervalMs = 200 } = options;
    await this.setServerState(server, 'drain');
    if (until !== 'idle') return;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const row = await this.serverStat(server);
      if ((row.scur ?? 0) === 0) break;
      if (Date.now() >= deadline)
        throw new HaError('TIMEOUT', `${serverName(server)} still has ${row.scur} session(s) after ${timeoutMs} ms`);
      await sleep(intervalMs);
    }
    await this.setServerState(server, 'maint');
  }

  /**
   * Restarts a backend's servers one at a time: drain until idle, run `restart`,
   * set ready, wait until its health check says UP, then the next one.
   * `timeoutMs` bounds each wait (the drain's 60 s and the UP's 30 s by default).
   */
  async rollingRestart(
    backend: string,
    restart: (server: string) => Promise<void>,
    options: { timeoutMs?: number | undefined } = {},
  ): Promise<string[]> {
    const { timeoutMs } = options;
    const servers = (await this.showStat())
      .filter((row) => row.pxname === backend && row.kind === 'server')
      .map((row) => row.svname);
    if (servers.length === 0) throw new HaError('NOT_FOUND', `backend ${backend} has no servers`);
    for (const server of servers) {
      const ref = { backend, server };
      await this.drain(ref, { until: 'idle', timeoutMs });
      await restart(server);
      await this.setServerState(ref, 'ready');
      await this.waitForState(ref, 'UP', { timeoutMs });
    }
    return servers;
  }

  // Every command goes through here (batch aside), so every answer meets the same classification.
  private async executeLine(line: string, options: { payload?: string; timeoutMs?: number }): Promise<string> {
    const payload = options.payload === undefined ? undefined : assertPayload(options.payload);
    const request = { timeoutMs: options.timeoutMs ?? this.timeoutMs, payload };
    const answer = this.session
      ? await this.session.send(this.prefix + line, request)
      : await requestOnce(this.address, this.prefix + line, request);
    return acceptAnswer(line, answer);
  }
}

function serverName(server: ServerRef): string {
  const { backend, server: name } = splitServer(server);
  return `${backend}/${name}`;
}

/**
 * `'backend/server'` → `{ backend, server }` (an object is returned as it is);
 * a `TypeError` for anything else.
 */
export function splitServer(server: ServerRef): { backend: string; server: string } {
  if (typeof server !== 'string') return server;
  const slash = server.indexOf('/');
  if (slash <= 0 || slash === server.length - 1) throw new TypeError(`'${server}' is not BACKEND/SERVER`);
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
