import { HaError, parseWithSchema } from '@ha/core';
import { z } from 'zod';

/** `show info`: every line `Name: value`, typed where HAProxy's value is a number. */
export const infoSchema = z
  .object({
    Name: z.string(),
    Version: z.string(),
    Pid: z.number().int().optional(),
    Uptime_sec: z.number().optional(),
    Nbthread: z.number().int().optional(),
    Maxconn: z.number().optional(),
    CurrConns: z.number().optional(),
    CumConns: z.number().optional(),
    MaxSock: z.number().optional(),
    Stopping: z.number().optional(),
    Jobs: z.number().optional(),
    Listeners: z.number().optional(),
    Run_queue: z.number().optional(),
    Idle_pct: z.number().optional(),
    node: z.string().optional(),
  })
  .catchall(z.union([z.string(), z.number()]));

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
  for (const [key, value] of Object.entries(raw)) typed[key] = value !== '' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  // Versions look numeric only by accident ("2.6"); keep them text.
  for (const key of ['Version', 'Release_date', 'Name', 'node', 'description']) if (raw[key] !== undefined) typed[key] = raw[key];
  return parseWithSchema(infoSchema, typed, 'show info');
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
    be_id: z.number().int(),
    be_name: z.string(),
    srv_id: z.number().int(),
    srv_name: z.string(),
    srv_addr: z.string(),
    srv_op_state: z.number().int(),
    srv_admin_state: z.number().int(),
    srv_uweight: z.number().int(),
    srv_iweight: z.number().int(),
  })
  .catchall(z.union([z.string(), z.number()]));

export type ServerState = z.infer<typeof serverStateSchema>;

/** Operational states of `srv_op_state`. */
export const serverOperationalStates = ['stopped', 'starting', 'running', 'stopping'] as const;

/** Parses `show servers state [backend]`: a format version line, a `# ` header, rows separated by blanks. */
export function parseServersState(text: string): ServerState[] {
  const lines = text.split('\n').filter((line) => line.length > 0);
  const headerIndex = lines.findIndex((line) => line.startsWith('# '));
  if (headerIndex === -1) throw new HaError('PARSE_ERROR', `not show servers state output: ${JSON.stringify(text.slice(0, 60))}`);
  const columns = (lines[headerIndex] as string).slice(2).split(' ');
  return lines.slice(headerIndex + 1).map((line) => {
    const cells = line.split(' ');
    const row: Record<string, string | number> = {};
    columns.forEach((column, i) => {
      const cell = cells[i] ?? '';
      row[column] = /^-?\d+$/.test(cell) && column !== 'srv_name' && column !== 'be_name' ? Number(cell) : cell;
    });
    return parseWithSchema(serverStateSchema, row, 'show servers state row');
  });
}

/** One process of the master CLI's `show proc`. */
export const processSchema = z.object({
  pid: z.number().int(),
  type: z.enum(['master', 'worker', 'program']),
  reloads: z.number().int(),
  failedReloads: z.number().int().optional(),
  uptime: z.string(),
  version: z.string(),
  /** A worker from before the last reload, still finishing its connections. */
  old: z.boolean(),
});

export type HaproxyProcess = z.infer<typeof processSchema>;

/** Parses the master CLI's `show proc` (master, workers, old workers, programs). */
export function parseProc(text: string): HaproxyProcess[] {
  const processes: HaproxyProcess[] = [];
  let section: 'master' | 'worker' | 'old' | 'program' = 'master';
  for (const line of text.split('\n')) {
    if (/^# workers/.test(line)) section = 'worker';
    else if (/^# old workers/.test(line)) section = 'old';
    else if (/^# programs/.test(line)) section = 'program';
    const match = /^(\d+)\s+(master|worker|program|\S+)\s+(\d+)(?:\s+\[failed:\s*(\d+)\])?\s+(\S+)\s+(\S+)/.exec(line);
    if (!match) continue;
    const type = match[2] === 'master' ? 'master' : section === 'program' ? 'program' : 'worker';
    processes.push(
      parseWithSchema(
        processSchema,
        {
          pid: Number(match[1]),
          type,
          reloads: Number(match[3]),
          ...(match[4] === undefined ? {} : { failedReloads: Number(match[4]) }),
          uptime: match[5],
          version: match[6],
          old: section === 'old',
        },
        'show proc row',
      ),
    );
  }
  if (!processes.some((process) => process.type === 'master')) throw new HaError('PARSE_ERROR', `not master CLI show proc output: ${JSON.stringify(text.slice(0, 60))}`);
  return processes;
}

/** A map or ACL known to HAProxy (`show map`/`show acl` without argument). */
export interface MapDescriptor {
  id: number;
  file: string | undefined;
  description: string;
  currentVersion: number | undefined;
  nextVersion: number | undefined;
  entries: number | undefined;
}

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
      return { id: Number(match[1]), file: match[2] || undefined, description: (match[3] ?? '').trim(), currentVersion: number('curr_ver'), nextVersion: number('next_ver'), entries: number('entry_cnt') };
    });
}

/** One entry of a map (`key` → `value`) or ACL (`value` undefined), with HAProxy's reference. */
export interface MapEntry {
  ref: string;
  key: string;
  value: string | undefined;
}

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
  name: string;
  type: string;
  size: number;
  used: number;
}

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
      const fields = Object.fromEntries([...line.matchAll(/(\S+)=(\S*)/g)].map((match) => [match[1] as string, match[2] as string]));
      const { key = '', ...data } = fields;
      return { key, data };
    });
}
