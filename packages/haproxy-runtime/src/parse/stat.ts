import { z } from 'zod';
import { runtimeParseError } from '../errors.js';
import { parseAnswerFields } from './answer.js';

// Columns of `show stat` as HAProxy's management guide documents them (2.6 and later), by type.
const textColumns = [
  'pxname',
  'svname',
  'status',
  'tracked',
  'check_status',
  'last_chk',
  'last_agt',
  'agent_status',
  'check_desc',
  'agent_desc',
  'addr',
  'cookie',
  'mode',
  'algo',
  'proto',
] as const;
const numberColumns = [
  'qcur',
  'qmax',
  'scur',
  'smax',
  'slim',
  'stot',
  'bin',
  'bout',
  'dreq',
  'dresp',
  'ereq',
  'econ',
  'eresp',
  'wretr',
  'wredis',
  'weight',
  'act',
  'bck',
  'chkfail',
  'chkdown',
  'lastchg',
  'downtime',
  'qlimit',
  'pid',
  'iid',
  'sid',
  'throttle',
  'lbtot',
  'type',
  'rate',
  'rate_lim',
  'rate_max',
  'check_code',
  'check_duration',
  'hrsp_1xx',
  'hrsp_2xx',
  'hrsp_3xx',
  'hrsp_4xx',
  'hrsp_5xx',
  'hrsp_other',
  'hanafail',
  'req_rate',
  'req_rate_max',
  'req_tot',
  'cli_abrt',
  'srv_abrt',
  'comp_in',
  'comp_out',
  'comp_byp',
  'comp_rsp',
  'lastsess',
  'qtime',
  'ctime',
  'rtime',
  'ttime',
  'agent_code',
  'agent_duration',
  'check_rise',
  'check_fall',
  'check_health',
  'agent_rise',
  'agent_fall',
  'agent_health',
  'conn_rate',
  'conn_rate_max',
  'conn_tot',
  'intercepted',
  'dcon',
  'dses',
  'wrew',
  'connect',
  'reuse',
  'cache_lookups',
  'cache_hits',
  'srv_icur',
  'src_ilim',
  'qtime_max',
  'ctime_max',
  'rtime_max',
  'ttime_max',
  'eint',
  'idle_conn_cur',
  'safe_conn_cur',
  'used_conn_cur',
  'need_conn_est',
  'uweight',
  'agg_server_status',
  'agg_server_check_status',
  'agg_check_status',
  'srid',
  'sess_other',
  'h1sess',
  'h2sess',
  'h3sess',
  'req_other',
  'h1req',
  'h2req',
  'h3req',
  'priv_idle_cur',
  'reqbin',
  'reqbout',
  'resbin',
  'resbout',
] as const;

/** What a `show stat` row describes (its `type` column). */
export type StatRowKind = 'frontend' | 'backend' | 'server' | 'listener';
const kinds: StatRowKind[] = ['frontend', 'backend', 'server', 'listener'];

type TextFields = { [K in (typeof textColumns)[number]]?: string };
type NumberFields = { [K in (typeof numberColumns)[number]]?: number };

/**
 * One row of `show stat`: every documented column typed (an empty cell is
 * absent), `kind` decoded from `type`, columns this version of the package
 * does not know kept as text in `extra`, and the counters of HAProxy's stats
 * modules (the columns after the `-` marker: ssl, h1, h2, quic …) in `modules`.
 */
export type StatRow = TextFields &
  NumberFields & {
    /** The proxy's name: a frontend, backend or listen section (`web`). */
    pxname: string;
    /** The server's name, or `FRONTEND`/`BACKEND` for a proxy's own row, or a listener's name. */
    svname: string;
    /** What the row describes, from its `type` column. */
    kind: StatRowKind;
    /** Columns this package does not know (a newer HAProxy's), as text, by name. */
    extra: Record<string, string>;
    /** The stats modules' counters (after the `-` column: `ssl_sess`, `h2_headers_rcvd` …), numbers where numeric. */
    modules: Record<string, number | string>;
  };

const columnType = new Map<string, 'text' | 'number'>([
  ...textColumns.map((c) => [c, 'text'] as const),
  ...numberColumns.map((c) => [c, 'number'] as const),
]);

/**
 * Schema of the header line: the columns HAProxy says it prints, pxname and
 * svname first. A lone `-` separates the stats modules' columns (2.4 and later).
 */
const headerSchema = z
  .array(z.string().regex(/^([a-z0-9_]+|-)$/, 'column names are lower-case words'))
  .refine((columns) => columns[0] === 'pxname' && columns[1] === 'svname', 'the header starts with pxname,svname')
  .refine((columns) => columns.includes('type'), 'the header has a type column')
  .refine((columns) => new Set(columns).size === columns.length, 'column names are unique');

/** How each column of a `show stat` answer is read. */
export interface ColumnPlan {
  name: string;
  type: 'text' | 'number' | 'extra' | 'module' | 'skip';
}

/**
 * Reads the header line of a `show stat` answer (checked against a schema)
 * into a plan for its columns, and where the rows start.
 */
export function readStatHeader(text: string): { plan: ColumnPlan[]; bodyStart: number } {
  if (!text.startsWith('#')) {
    throw runtimeParseError(
      'NOT_STAT_OUTPUT',
      `not show stat output (no '# pxname,…' header): ${JSON.stringify(text.slice(0, 60))}`,
    );
  }
  const newline = text.indexOf('\n');
  const headerLine = (newline === -1 ? text : text.slice(0, newline)).replace(/^# ?/, '').replace(/,$/, '');
  const columns = parseAnswerFields(headerSchema, headerLine.split(','), 'show stat header', 'BAD_STAT_HEADER', {
    line: 1,
    column: 1,
  });
  const marker = columns.indexOf('-');
  const plan: ColumnPlan[] = columns.map((name, i) => ({
    name,
    type: marker !== -1 && i > marker ? 'module' : name === '-' ? 'skip' : (columnType.get(name) ?? 'extra'),
  }));
  return { plan, bodyStart: newline === -1 ? text.length : newline + 1 };
}

/** Calls `visit` with every non-empty line of rows after the header, and its 1-based line number. */
export function forEachStatLine(
  text: string,
  bodyStart: number,
  visit: (line: string, lineNumber: number) => void,
): void {
  let start = bodyStart;
  let lineNumber = 2;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end > start) visit(text.slice(start, end), lineNumber);
    start = end + 1;
    lineNumber++;
  }
}

/**
 * Calls `visit` with the index and text of each non-empty cell of a row. Most
 * cells of a server row are empty; they cost no string here.
 */
export function forEachCell(line: string, columns: number, visit: (index: number, cell: string) => void): void {
  if (line.includes('"')) {
    const cells = splitQuoted(line);
    for (let i = 0; i < columns && i < cells.length; i++)
      if ((cells[i] as string).length > 0) visit(i, cells[i] as string);
    return;
  }
  let start = 0;
  for (let i = 0; i < columns && start <= line.length; i++) {
    let end = line.indexOf(',', start);
    if (end === -1) end = line.length;
    if (end > start) visit(i, line.slice(start, end));
    start = end + 1;
  }
}

// Positions are lines of HAProxy's answer (no file: it came from a socket); a row's cells are named by column instead.
/** The number in a numeric column, or the `ParseError` that names the column and the answer's line. */
export function readNumberCell(name: string, cell: string, lineNumber: number): number {
  const value = Number(cell);
  if (Number.isNaN(value)) {
    throw runtimeParseError('NOT_A_NUMBER', `show stat: column ${name} is not a number: '${cell}'`, {
      line: lineNumber,
      column: 1,
    });
  }
  return value;
}

/** A stats-module counter: a number when it is one. */
export function readModuleCell(cell: string): number | string {
  return /^\d+$/.test(cell) ? Number(cell) : cell;
}

/** The row kind of a `type` cell. */
export function statRowKind(type: number | undefined): StatRowKind {
  return kinds[type ?? -1] ?? 'server';
}

/**
 * Parses `show stat` CSV. Columns are found by the names in the header line,
 * never by position, because they differ between versions. The header is
 * checked against a schema; rows are typed column by column from the same
 * table of documented columns. Keys come in column order, then `kind`,
 * `extra` and `modules`. `columns` limits the rows to those columns.
 */
export function parseStatCsv(text: string, options: { columns?: readonly string[] } = {}): StatRow[] {
  const { plan: fullPlan, bodyStart } = readStatHeader(text);
  let plan = fullPlan;
  let width = plan.length;
  if (options.columns) {
    // Only these columns (with pxname, svname and type, which every row needs): a poller that reads a few
    // columns of thousands of rows twice a second skips the conversion of the rest, and the tail of each line.
    const wanted = new Set(['pxname', 'svname', 'type', ...options.columns]);
    plan = fullPlan.map((column) => (wanted.has(column.name) ? column : { name: column.name, type: 'skip' as const }));
    width = plan.reduce((last, column, index) => (column.type === 'skip' ? last : index + 1), 0);
  }
  const rows: StatRow[] = [];
  forEachStatLine(text, bodyStart, (line, lineNumber) => rows.push(readRow(line, lineNumber, plan, width)));
  return rows;
}

function readRow(line: string, lineNumber: number, plan: readonly ColumnPlan[], width: number = plan.length): StatRow {
  // The header's first two columns are always pxname and svname.
  const row: Record<string, unknown> = { pxname: '', svname: '' };
  let extra: Record<string, string> | undefined;
  let modules: Record<string, number | string> | undefined;
  forEachCell(line, width, (i, cell) => {
    const { name, type } = plan[i] as ColumnPlan;
    if (type === 'number') row[name] = readNumberCell(name, cell, lineNumber);
    else if (type === 'text') row[name] = cell;
    else if (type === 'module') (modules ??= {})[name] = readModuleCell(cell);
    else if (type === 'extra') (extra ??= {})[name] = cell;
  });
  return finishRow(row, extra, modules);
}

function finishRow(
  row: Record<string, unknown>,
  extra: Record<string, string> | undefined,
  modules: Record<string, number | string> | undefined,
): StatRow {
  row.kind = statRowKind(row.type as number | undefined);
  row.extra = extra ?? {};
  row.modules = modules ?? {};
  return row as StatRow;
}

/** Splits a row with quoted cells: HAProxy quotes a cell with a comma or a quote, doubling quotes inside. */
export function splitQuoted(line: string): string[] {
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
  /** The proxy's numeric id (`iid`); -1 (default) for every proxy. */
  proxyId?: number;
  /** Bit mask: 1 frontends, 2 backends, 4 servers (7 = all). */
  types?: number;
  /** The server's numeric id (`sid`) within the proxy; -1 (default) for every server. */
  serverId?: number;
}

/** The arguments `show stat` takes for a filter. */
export function statFilterWords(filter: StatFilter | undefined): string[] {
  if (!filter) return [];
  return [String(filter.proxyId ?? -1), String(filter.types ?? -1), String(filter.serverId ?? -1)];
}

/** One field of `show stat typed` (`F.2.0.4.scur.1:MGP:u32:1`). */
export interface TypedStatField {
  /** `F` frontend, `B` backend, `S` server, `L` listener. */
  objectType: string;
  /** The proxy's numeric id (`iid`). */
  proxyId: number;
  /** Server or listener id (0 for proxies). */
  id: number;
  /** The field's position in the `show stat` CSV, from 0. */
  position: number;
  /** The field's name, as in the CSV header: `scur`, `status`. */
  name: string;
  /** The process (thread group) number HAProxy reports, 1 on a single process. */
  process: number;
  /** HAProxy's tag letters: origin, nature, scope (`MGP`: metric, gauge, process; `MaP`: an average). */
  tags: string;
  /** `str`, `u32`, `s32`, `u64`, `s64`, `flt`. */
  type: string;
  /** Numbers as numbers (64-bit counters beyond 2^53 as bigint), text as text. */
  value: string | number | bigint;
}

/**
 * Parses `show stat typed`: every field with its proxy, object and HAProxy's
 * own type, so a consumer knows a gauge from a counter without a table of names.
 */
export function parseStatTyped(text: string): TypedStatField[] {
  const fields: TypedStatField[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.length === 0) continue;
    const match = /^([A-Z])\.(\d+)\.(\d+)\.(\d+)\.([^.:]+)\.(\d+):([A-Za-z]*):([a-z0-9]+):(.*)$/.exec(line);
    if (!match) {
      throw runtimeParseError(
        'NOT_A_FIELD_LINE',
        `show stat typed: not a field line: ${JSON.stringify(line.slice(0, 80))}`,
        { line: index + 1, column: 1 },
      );
    }
    const type = match[8] as string;
    const raw = match[9] as string;
    fields.push({
      objectType: match[1] as string,
      proxyId: Number(match[2]),
      id: Number(match[3]),
      position: Number(match[4]),
      name: match[5] as string,
      process: Number(match[6]),
      tags: match[7] as string,
      type,
      value: typedValue(type, raw),
    });
  }
  return fields;
}

function typedValue(type: string, raw: string): string | number | bigint {
  if (type === 'str' || raw === '') return raw;
  if (type === 'flt') return Number(raw);
  if (!/^-?\d+$/.test(raw)) return raw;
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : BigInt(raw);
}
