import { HaError, parseWithSchema } from '@ha/core';
import { z } from 'zod';

// Columns of `show stat` as HAProxy's management guide documents them (2.6 and later), by type.
const textColumns = ['pxname', 'svname', 'status', 'tracked', 'check_status', 'last_chk', 'last_agt', 'agent_status', 'check_desc', 'agent_desc', 'addr', 'cookie', 'mode', 'algo', 'proto'] as const;
const numberColumns = [
  'qcur', 'qmax', 'scur', 'smax', 'slim', 'stot', 'bin', 'bout', 'dreq', 'dresp', 'ereq', 'econ', 'eresp', 'wretr', 'wredis',
  'weight', 'act', 'bck', 'chkfail', 'chkdown', 'lastchg', 'downtime', 'qlimit', 'pid', 'iid', 'sid', 'throttle', 'lbtot',
  'type', 'rate', 'rate_lim', 'rate_max', 'check_code', 'check_duration', 'hrsp_1xx', 'hrsp_2xx', 'hrsp_3xx', 'hrsp_4xx',
  'hrsp_5xx', 'hrsp_other', 'hanafail', 'req_rate', 'req_rate_max', 'req_tot', 'cli_abrt', 'srv_abrt', 'comp_in', 'comp_out',
  'comp_byp', 'comp_rsp', 'lastsess', 'qtime', 'ctime', 'rtime', 'ttime', 'agent_code', 'agent_duration', 'check_rise',
  'check_fall', 'check_health', 'agent_rise', 'agent_fall', 'agent_health', 'conn_rate', 'conn_rate_max', 'conn_tot',
  'intercepted', 'dcon', 'dses', 'wrew', 'connect', 'reuse', 'cache_lookups', 'cache_hits', 'srv_icur', 'src_ilim',
  'qtime_max', 'ctime_max', 'rtime_max', 'ttime_max', 'eint', 'idle_conn_cur', 'safe_conn_cur', 'used_conn_cur',
  'need_conn_est', 'uweight', 'agg_server_status', 'agg_server_check_status', 'agg_check_status', 'srid', 'sess_other',
  'h1sess', 'h2sess', 'h3sess', 'req_other', 'h1req', 'h2req', 'h3req',
] as const;

/** What a `show stat` row describes (its `type` column). */
export type StatRowKind = 'frontend' | 'backend' | 'server' | 'listener';
const kinds: StatRowKind[] = ['frontend', 'backend', 'server', 'listener'];

type TextFields = { [K in (typeof textColumns)[number]]?: string };
type NumberFields = { [K in (typeof numberColumns)[number]]?: number };

/**
 * One row of `show stat`: every documented column typed (an empty cell is
 * absent), `kind` decoded from `type`, and columns this version of the
 * package does not know kept as text in `extra`.
 */
export type StatRow = TextFields &
  NumberFields & {
    pxname: string;
    svname: string;
    kind: StatRowKind;
    extra: Record<string, string>;
  };

const columnType = new Map<string, 'text' | 'number'>([...textColumns.map((c) => [c, 'text'] as const), ...numberColumns.map((c) => [c, 'number'] as const)]);

/** Schema of the header line: the columns HAProxy says it prints, pxname and svname first. */
const headerSchema = z
  .array(z.string().regex(/^[a-z0-9_]+$/, 'column names are lower-case words'))
  .refine((columns) => columns[0] === 'pxname' && columns[1] === 'svname', 'the header starts with pxname,svname')
  .refine((columns) => columns.includes('type'), 'the header has a type column');

/**
 * Parses `show stat` CSV. Columns are found by the names in the header line,
 * never by position, because they differ between versions. The header is
 * checked against a schema; rows are typed column by column from the same
 * table of documented columns.
 */
export function parseStatCsv(text: string): StatRow[] {
  const newline = text.indexOf('\n');
  const headerLine = (newline === -1 ? text : text.slice(0, newline)).replace(/^# ?/, '').replace(/,$/, '');
  if (!text.startsWith('#')) throw new HaError('PARSE_ERROR', `not show stat output (no '# pxname,…' header): ${JSON.stringify(text.slice(0, 60))}`);
  const columns = parseWithSchema(headerSchema, headerLine.split(','), 'show stat header');
  const plan = columns.map((name) => ({ name, type: columnType.get(name) }));
  const rows: StatRow[] = [];
  let start = newline + 1;
  while (start > 0 && start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end > start) rows.push(readRow(text.slice(start, end), plan));
    start = end + 1;
  }
  return rows;
}

function readRow(line: string, plan: { name: string; type: 'text' | 'number' | undefined }[]): StatRow {
  const cells = line.includes('"') ? splitQuoted(line) : line.split(',');
  const row: Record<string, unknown> = { extra: {} };
  for (let i = 0; i < plan.length; i++) {
    const cell = cells[i];
    if (cell === undefined || cell === '') continue;
    const { name, type } = plan[i] as { name: string; type: 'text' | 'number' | undefined };
    if (type === 'number') {
      const value = Number(cell);
      if (Number.isNaN(value)) throw new HaError('PARSE_ERROR', `show stat: column ${name} is not a number: '${cell}'`);
      row[name] = value;
    } else if (type === 'text') row[name] = cell;
    else (row.extra as Record<string, string>)[name] = cell;
  }
  row.kind = kinds[(row.type as number | undefined) ?? -1] ?? 'server';
  row.pxname ??= '';
  row.svname ??= '';
  return row as StatRow;
}

// HAProxy quotes a cell that contains a comma or a quote (doubling quotes inside).
function splitQuoted(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  cells.push(cell);
  return cells;
}

/** Filter of `show stat`: a proxy id (or -1 for all), a type mask, a server id (or -1). */
export interface StatFilter {
  proxyId?: number;
  /** Bit mask: 1 frontends, 2 backends, 4 servers (7 = all). */
  types?: number;
  serverId?: number;
}

/** The arguments `show stat` takes for a filter. */
export function statFilterWords(filter: StatFilter | undefined): string[] {
  if (!filter) return [];
  return [String(filter.proxyId ?? -1), String(filter.types ?? -1), String(filter.serverId ?? -1)];
}
