import { z } from 'zod';
import { runtimeParseError } from '../errors.js';
import { parseAnswerFields } from './answer.js';

/** `show info`: every line `Name: value`, typed where HAProxy's value is a number. */
export const infoSchema = z
  .object({
    /** `HAProxy`. */
    Name: z.string(),
    /** `2.6.12-1+deb12u4`: text, never a number. */
    Version: z.string(),
    /** The process's PID (a worker's, behind a master). */
    Pid: z.number().int().optional(),
    /** Seconds since this process started. */
    Uptime_sec: z.number().optional(),
    /** Threads of the process. */
    Nbthread: z.number().int().optional(),
    /** The process's connection limit (`maxconn`). */
    Maxconn: z.number().optional(),
    /** Connections open now. */
    CurrConns: z.number().optional(),
    /** Connections accepted since start. */
    CumConns: z.number().optional(),
    /** The process's file descriptor limit. */
    MaxSock: z.number().optional(),
    /** 1 while the process is stopping (an old worker after a reload), else 0. */
    Stopping: z.number().optional(),
    /** Active jobs (connections, listeners, tasks that keep it alive). */
    Jobs: z.number().optional(),
    /** Listening sockets. */
    Listeners: z.number().optional(),
    /** Tasks waiting to run. */
    Run_queue: z.number().optional(),
    /** Idle time of the last second, in percent. */
    Idle_pct: z.number().optional(),
    /** The `node` name of the global section (the host name by default). */
    node: z.string().optional(),
  })
  .catchall(z.union([z.string(), z.number()]));

/** `show info`, typed: the fields above, and every other line by its name (numbers where numeric). */
export type HaproxyInfo = z.infer<typeof infoSchema>;

/** Parses `Key: value` lines (show info, show activity's summary, show env uses `=` instead). */
export function parseColonLines(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    result[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return result;
}

/** Parses `show info` into typed fields (numbers where the value is numeric). */
export function parseInfo(text: string): HaproxyInfo {
  const raw = parseColonLines(text);
  const typed: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(raw))
    typed[key] = value !== '' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  // Versions look numeric only by accident ("2.6"); keep them text.
  for (const key of ['Version', 'Release_date', 'Name', 'node', 'description'])
    if (raw[key] !== undefined) typed[key] = raw[key];
  return parseAnswerFields(infoSchema, typed, 'show info', 'NOT_INFO_OUTPUT');
}

/** `show env`: `NAME=value` lines. */
export function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const equals = line.indexOf('=');
    if (equals > 0) env[line.slice(0, equals)] = line.slice(equals + 1);
  }
  return env;
}

/** One row of `show servers state`. Keyed by the header; unknown columns kept. */
export const serverStateSchema = z
  .object({
    /** The backend's numeric id. */
    be_id: z.number().int(),
    /** The backend's name. */
    be_name: z.string(),
    /** The server's numeric id in the backend. */
    srv_id: z.number().int(),
    /** The server's name. */
    srv_name: z.string(),
    /** Its current IP address. */
    srv_addr: z.string(),
    /** Operational state, an index into `serverOperationalStates` (0 stopped … 3 stopping). */
    srv_op_state: z.number().int(),
    /** Administrative state flags (0 ready; bits for maintenance and drain, forced or inherited). */
    srv_admin_state: z.number().int(),
    /** The weight set by the user (configuration or `set server … weight`). */
    srv_uweight: z.number().int(),
    /** The weight of the configuration (initial weight). */
    srv_iweight: z.number().int(),
  })
  .catchall(z.union([z.string(), z.number()]));

/** One row of `show servers state`: the typed columns above, and the others by their header name. */
export type ServerState = z.infer<typeof serverStateSchema>;

/** Operational states of `srv_op_state`. */
export const serverOperationalStates = ['stopped', 'starting', 'running', 'stopping'] as const;

/** Parses `show servers state [backend]`: a format version line, a `# ` header, rows separated by blanks. */
export function parseServersState(text: string): ServerState[] {
  const lines = text.split('\n');
  const headerIndex = lines.findIndex((line) => line.startsWith('# '));
  if (headerIndex === -1) {
    throw runtimeParseError(
      'NO_HEADER',
      `show servers state: no '# be_id be_name …' header: ${JSON.stringify(text.slice(0, 60))}`,
    );
  }
  const columns = (lines[headerIndex] as string).slice(2).split(' ');
  const rows: ServerState[] = [];
  for (let index = headerIndex + 1; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.length === 0) continue;
    const cells = line.split(' ');
    const row: Record<string, string | number> = {};
    columns.forEach((column, i) => {
      const cell = cells[i] ?? '';
      row[column] = /^-?\d+$/.test(cell) && column !== 'srv_name' && column !== 'be_name' ? Number(cell) : cell;
    });
    rows.push(
      parseAnswerFields(serverStateSchema, row, 'show servers state row', 'BAD_ROW', { line: index + 1, column: 1 }),
    );
  }
  return rows;
}

/** One process of the master CLI's `show proc`. */
export const processSchema = z.object({
  /** Its PID. */
  pid: z.number().int(),
  /** The master, a worker, or a `program` the master runs. */
  type: z.enum(['master', 'worker', 'program']),
  /** Reloads it has lived through (the master: reloads since it started). */
  reloads: z.number().int(),
  /** The master's failed reloads since the last good one (`[failed: N]`, 2.6 and later). */
  failedReloads: z.number().int().optional(),
  /** Its uptime as the master prints it: `0d00h01m12s`. */
  uptime: z.string(),
  /** The HAProxy version it runs. */
  version: z.string(),
  /** A worker from before the last reload, still finishing its connections. */
  old: z.boolean(),
});

/** One process of `show proc`. */
export type HaproxyProcess = z.infer<typeof processSchema>;

/** Parses the master CLI's `show proc` (master, workers, old workers, programs). */
export function parseProc(text: string): HaproxyProcess[] {
  const processes: HaproxyProcess[] = [];
  let section: 'master' | 'worker' | 'old' | 'program' = 'master';
  for (const [index, line] of text.split('\n').entries()) {
    if (/^# workers/.test(line)) section = 'worker';
    else if (/^# old workers/.test(line)) section = 'old';
    else if (/^# programs/.test(line)) section = 'program';
    const match = /^(\d+)\s+(master|worker|program|\S+)\s+(\d+)(?:\s+\[failed:\s*(\d+)\])?\s+(\S+)\s+(\S+)/.exec(line);
    if (!match) continue;
    const fields = {
      pid: Number(match[1]),
      type: match[2] === 'master' ? 'master' : section === 'program' ? 'program' : 'worker',
      reloads: Number(match[3]),
      failedReloads: match[4] === undefined ? undefined : Number(match[4]),
      uptime: match[5],
      version: match[6],
      old: section === 'old',
    };
    processes.push(
      parseAnswerFields(processSchema, fields, 'show proc row', 'BAD_ROW', { line: index + 1, column: 1 }),
    );
  }
  if (!processes.some((process) => process.type === 'master')) {
    throw runtimeParseError(
      'NO_MASTER',
      `not the master CLI's show proc (no master line): ${JSON.stringify(text.slice(0, 60))}`,
    );
  }
  return processes;
}

/** A map or ACL known to HAProxy (`show map`/`show acl` without argument). */
export interface MapDescriptor {
  /** Its number: address it as `#id`. */
  id: number;
  /** The file it was loaded from (also usable as its id); undefined for one made at run time. */
  file: string | undefined;
  /** What HAProxy says of it: `pattern loaded from file '/etc/haproxy/routes.map' used by map at file '…' line 12. curr_ver=0 next_ver=0 entry_cnt=2`. */
  description: string;
  /** The version readers see (`curr_ver`). */
  currentVersion: number | undefined;
  /** The latest prepared version (`next_ver`). */
  nextVersion: number | undefined;
  /** Entries of the current version (`entry_cnt`). */
  entries: number | undefined;
}

/** Parses `show map` / `show acl` without an argument: one `MapDescriptor` per loaded map. */
export function parseMapList(text: string): MapDescriptor[] {
  return text
    .split('\n')
    .filter((line) => /^\d+ /.test(line))
    .map((line) => {
      const match = /^(\d+) (?:\(([^)]*)\) )?(.*)$/.exec(line) as RegExpExecArray;
      const number = (name: string) => {
        const found = new RegExp(`${name}=(\\d+)`).exec(line)?.[1];
        return found === undefined ? undefined : Number(found);
      };
      return {
        id: Number(match[1]),
        file: match[2] || undefined,
        description: (match[3] ?? '').trim(),
        currentVersion: number('curr_ver'),
        nextVersion: number('next_ver'),
        entries: number('entry_cnt'),
      };
    });
}

/** One entry of a map (`key` → `value`) or ACL (`value` undefined), with HAProxy's reference. */
export interface MapEntry {
  /** HAProxy's reference of the entry (`0x55d4c1b0e2a0`), usable as `#ref` in `del map`. */
  ref: string;
  /** The key (a map's) or pattern (an ACL's). */
  key: string;
  /** The value; undefined for an ACL entry. */
  value: string | undefined;
}

/** Parses `show map ID` / `show acl ID`: one `MapEntry` per line. */
export function parseMapEntries(text: string): MapEntry[] {
  return text
    .split('\n')
    .filter((line) => /^0x[0-9a-f]+ /.test(line))
    .map((line) => {
      const [ref, key, ...rest] = line.split(' ');
      return { ref: ref as string, key: key as string, value: rest.length > 0 ? rest.join(' ') : undefined };
    });
}

/** One stick table of `show table` without argument. */
export interface TableDescriptor {
  /** The table's name (its proxy's, unless named otherwise). */
  name: string;
  /** The key type: `ip`, `ipv6`, `integer`, `string`, `binary`. */
  type: string;
  /** How many entries it holds at most. */
  size: number;
  /** How many it holds now. */
  used: number;
}

/** Parses `show table` without an argument: one `TableDescriptor` per stick table. */
export function parseTableList(text: string): TableDescriptor[] {
  return [...text.matchAll(/^# table: (\S+), type: (\S+), size:(\d+), used:(\d+)/gm)].map((match) => ({
    name: match[1] as string,
    type: match[2] as string,
    size: Number(match[3]),
    used: Number(match[4]),
  }));
}

/** Entries of `show table NAME`: key plus `name=value` data. */
export function parseTableEntries(text: string): { key: string; data: Record<string, string> }[] {
  return text
    .split('\n')
    .filter((line) => /^0x[0-9a-f]+: /.test(line))
    .map((line) => {
      const fields = Object.fromEntries(
        [...line.matchAll(/(\S+)=(\S*)/g)].map((match) => [match[1] as string, match[2] as string]),
      );
      const { key = '', ...data } = fields;
      return { key, data };
    });
}
