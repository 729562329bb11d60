import { isIP } from 'node:net';
import { readTextFile } from '@ha/core';
import {
  HaproxyRuntime,
  parseServersState,
  type MapDescriptor,
  type MapEntry,
  type ServerState,
  type StatRow,
} from '@ha/haproxy-runtime';
import { readConfig } from '../io/read.js';
import { effective, toConfig } from '../model/config.js';
import type { HaproxyConfig, ProxySection } from '../model/schema.js';
import { patternFileContent } from './pattern-plan.js';
import { adminStateName } from './plan.js';
import { serverStateFileOf } from './server-state.js';

/** One place where the running process and its files disagree. */
export type Drift = ServerDrift | SettingDrift | EntryDrift;

/** A server of the file that the running process lacks, or one it has and the file lacks. */
export interface ServerDrift {
  /** Which drift. */
  kind: 'server';
  /** The backend. */
  backend: string;
  /** The server. */
  server: string;
  /** `present` when the file has it. */
  file: 'present' | undefined;
  /** `present` when the running process has it. */
  runtime: 'present' | undefined;
}

/** A setting of a server both have: its admin state (ready, drain, maint), weight, address, port or maxconn. */
export interface SettingDrift {
  /** Which setting. */
  kind: 'state' | 'weight' | 'address' | 'port' | 'maxconn';
  /** The backend. */
  backend: string;
  /** The server. */
  server: string;
  /** What the files say (the server-state file for a state or weight it saved, else haproxy.cfg). */
  file: string | number;
  /** What the running process says. */
  runtime: string | number;
}

/** A map or ACL entry one side lacks or holds with another value. */
export interface EntryDrift {
  /** A map's or an ACL's. */
  kind: 'map-entry' | 'acl-entry';
  /** The map's (ACL's) file. */
  map: string;
  /** The key (pattern). */
  key: string;
  /** Its value in the file (`` for an ACL pattern); undefined when only the runtime has it. */
  file: string | undefined;
  /** Its value in the running process; undefined when only the file has it. */
  runtime: string | undefined;
}

/** What `compareRuntime` compares the configuration with: the running process's own account. */
export interface RuntimeView {
  /** `show servers state`. */
  servers: readonly ServerState[];
  /** `show stat` rows (for maxconn). */
  stat: readonly StatRow[];
  /** Maps and ACLs loaded from files, with their current entries. */
  patterns: readonly { kind: 'map' | 'acl'; file: string; entries: readonly MapEntry[] }[];
}

/** What the files say beyond haproxy.cfg: the server-state file's rows, and each map or ACL file's entries. */
export interface FileView {
  /** The saved `show servers state` (undefined: no server-state file, or none written yet). */
  savedStates: readonly ServerState[] | undefined;
  /** Each loaded map or ACL file's entries, by file (undefined: unreadable). */
  patternFiles: ReadonlyMap<string, readonly [string, string][] | undefined>;
}

/**
 * Where the running process and the configuration disagree (pure): servers
 * one side lacks; a server's admin state, weight, address, port and maxconn;
 * map and ACL entries. A state or weight the runtime changed and the
 * server-state file saved counts as the file's (a reload restores it). An
 * address written as a name or with `${VAR}` is not compared.
 */
export function compareRuntime(config: HaproxyConfig, runtime: RuntimeView, files: FileView): Drift[] {
  const drifts: Drift[] = [];
  const saved = new Map((files.savedStates ?? []).map((row) => [`${row.be_name}/${row.srv_name}`, row]));
  const live = new Map(runtime.servers.map((row) => [`${row.be_name}/${row.srv_name}`, row]));
  const limits = new Map(runtime.stat.map((row) => [`${row.pxname}/${row.svname}`, row.slim]));
  const runtimeBackends = new Set(runtime.servers.map((row) => row.be_name));
  const proxies: ProxySection[] = [...config.backends, ...config.listens];
  const fileServers = new Set<string>();
  for (const proxy of proxies) {
    if (proxy.name === undefined) continue;
    for (const server of proxy.servers) {
      const key = `${proxy.name}/${server.name}`;
      fileServers.add(key);
      const row = live.get(key);
      const where = { backend: proxy.name, server: server.name };
      if (row === undefined) {
        // A backend the running process has no server state for at all is not loaded: nothing to compare.
        if (runtimeBackends.has(proxy.name))
          drifts.push({ kind: 'server', ...where, file: 'present', runtime: undefined });
        continue;
      }
      const keptRow = saved.get(key);
      const weight = server.weight ?? defaultSetting(config, proxy, (options) => options.weight) ?? 1;
      // The saved state wins where it applies: HAProxy restores it when the configuration's weight is the one saved.
      const fileWeight = keptRow !== undefined && keptRow.srv_iweight === weight ? keptRow.srv_uweight : weight;
      const fileState =
        keptRow !== undefined && !server.disabled
          ? adminStateName(keptRow.srv_admin_state)
          : server.disabled
            ? 'maint'
            : 'ready';
      const runtimeState = adminStateName(row.srv_admin_state);
      if (fileState !== runtimeState) drifts.push({ kind: 'state', ...where, file: fileState, runtime: runtimeState });
      if (fileWeight !== row.srv_uweight)
        drifts.push({ kind: 'weight', ...where, file: fileWeight, runtime: row.srv_uweight });
      const { host, port, hasVariables } = server.address;
      if (!hasVariables && isIP(host) !== 0 && host !== row.srv_addr)
        drifts.push({ kind: 'address', ...where, file: host, runtime: row.srv_addr });
      const runtimePort = Number(row.srv_port);
      if (!hasVariables && port !== undefined && Number.isFinite(runtimePort) && port !== runtimePort)
        drifts.push({ kind: 'port', ...where, file: port, runtime: runtimePort });
      const limit = Number(limits.get(key) || 0);
      const fileLimit = server.maxconn ?? defaultSetting(config, proxy, (options) => options.maxconn) ?? 0;
      if (limits.has(key) && fileLimit !== limit)
        drifts.push({ kind: 'maxconn', ...where, file: fileLimit, runtime: limit });
    }
  }
  for (const [key, row] of live)
    if (!fileServers.has(key) && proxies.some((proxy) => proxy.name === row.be_name))
      drifts.push({ kind: 'server', backend: row.be_name, server: row.srv_name, file: undefined, runtime: 'present' });
  for (const pattern of runtime.patterns) {
    const fileEntries = files.patternFiles.get(pattern.file);
    if (fileEntries === undefined) continue;
    drifts.push(...compareEntries(pattern.kind, pattern.file, fileEntries, pattern.entries));
  }
  return drifts;
}

// A server setting its default-server lines give (the proxy's own, else those of the defaults it inherits).
function defaultSetting<T>(
  config: HaproxyConfig,
  proxy: ProxySection,
  pick: (options: NonNullable<ProxySection['defaultServer']>) => T | undefined,
): T | undefined {
  return effective(config, proxy, (entry) => (entry.defaultServer ? pick(entry.defaultServer) : undefined));
}

function compareEntries(
  kind: 'map' | 'acl',
  map: string,
  fileEntries: readonly [string, string][],
  runtimeEntries: readonly MapEntry[],
): Drift[] {
  const driftKind = kind === 'map' ? 'map-entry' : 'acl-entry';
  const inFile = new Map<string, string>();
  for (const [key, value] of fileEntries) if (!inFile.has(key)) inFile.set(key, value);
  const inRuntime = new Map<string, string>();
  for (const entry of runtimeEntries) if (!inRuntime.has(entry.key)) inRuntime.set(entry.key, entry.value ?? '');
  const drifts: Drift[] = [];
  for (const [key, value] of inFile) {
    const other = inRuntime.get(key);
    if (other !== value) drifts.push({ kind: driftKind, map, key, file: value, runtime: other });
  }
  for (const [key, value] of inRuntime)
    if (!inFile.has(key)) drifts.push({ kind: driftKind, map, key, file: undefined, runtime: value });
  return drifts;
}

/** Options of `diffRuntime`. */
export interface DiffRuntimeOptions {
  /** The configuration as HAProxy reads it (`-f` paths). @example '/etc/haproxy/haproxy.cfg' */
  config: string | readonly string[];
  /** The Runtime API: a socket path or a client. @example '/run/haproxy/admin.sock' */
  socket: string | HaproxyRuntime;
}

/**
 * Lists where the running HAProxy and its files disagree (`compareRuntime`):
 * reads the configuration, the server-state file, the loaded map and ACL
 * files, and the process's `show servers state`, `show stat` and maps.
 *
 * @example const drifts = await diffRuntime({ config: '/etc/haproxy/haproxy.cfg', socket: '/run/haproxy/admin.sock' })
 */
export async function diffRuntime(options: DiffRuntimeOptions): Promise<Drift[]> {
  const read = await readConfig(typeof options.config === 'string' ? [options.config] : options.config);
  const documents = read.files.map((file) => file.document);
  const runtime = typeof options.socket === 'string' ? new HaproxyRuntime(options.socket) : options.socket;
  try {
    const [servers, stat] = [await runtime.showServersState(), await runtime.showStat()];
    const patterns: { kind: 'map' | 'acl'; file: string; entries: MapEntry[] }[] = [];
    const patternFiles = new Map<string, [string, string][] | undefined>();
    for (const kind of ['map', 'acl'] as const) {
      const loaded = (await runtime.showMaps(kind)).filter(
        (entry): entry is MapDescriptor & { file: string } => entry.file !== undefined,
      );
      for (const { file } of loaded) {
        if (patternFiles.has(file)) continue;
        const text = await readTextFile(file).catch(() => undefined);
        patternFiles.set(file, text === undefined ? undefined : patternFileContent(text, kind));
        patterns.push({ kind, file, entries: await runtime.showMap(file, { kind }) });
      }
    }
    const stateFile = serverStateFileOf(documents);
    const savedText = stateFile === undefined ? undefined : await readTextFile(stateFile).catch(() => undefined);
    const savedStates = savedText === undefined ? undefined : parseServersState(savedText);
    return compareRuntime(toConfig(documents), { servers, stat, patterns }, { savedStates, patternFiles });
  } finally {
    if (typeof options.socket === 'string') await runtime.close();
  }
}

/** One line per drift, for people: `servers/web1 weight: file 10, runtime 50`. */
export function formatDrift(drift: Drift): string {
  const side = (value: string | number | undefined) => (value === undefined ? 'absent' : String(value));
  if ('map' in drift)
    return `${drift.kind === 'map-entry' ? 'map' : 'acl'} ${drift.map} ${drift.key}: file ${side(drift.file)}, runtime ${side(drift.runtime)}`;
  return `${drift.backend}/${drift.server} ${drift.kind}: file ${side(drift.file)}, runtime ${side(drift.runtime)}`;
}
