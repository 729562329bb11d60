import { evaluateHealthFindings, type Health, type HealthReason } from '@ha/core';
import type { StatRow } from '../parse/stat.js';

/** A server's state, read from the `status` column (`UP 1/3`, `MAINT (via b/s)` …). */
export type ServerStateName = 'up' | 'down' | 'maint' | 'drain' | 'nolb' | 'no-check' | 'unknown';

/** What `status` says of one server, decoded. */
export interface ServerStatus {
  /** The state, `unknown` for a status text this package does not know. */
  state: ServerStateName;
  /** Going down (`UP 1/3`) or coming up (`DOWN 1/2`): checks are changing the state. */
  transitional: boolean;
  /** Why it is in maintenance when it was not put there by hand: `via B/S` (tracked), `resolution`. */
  reason: string | undefined;
}

/** Decodes HAProxy's status text of a server. */
export function parseServerStatus(status: string | undefined): ServerStatus {
  const text = (status ?? '').trim();
  const reason = /\(([^)]*)\)/.exec(text)?.[1];
  const transitional = /\d+\/\d+/.test(text);
  const head = text.split(/\s+/)[0]?.toUpperCase() ?? '';
  const state: ServerStateName =
    head === 'UP'
      ? 'up'
      : head === 'DOWN'
        ? 'down'
        : head === 'MAINT'
          ? 'maint'
          : head === 'DRAIN'
            ? 'drain'
            : head === 'NOLB'
              ? 'nolb'
              : text.toLowerCase() === 'no check'
                ? 'no-check'
                : 'unknown';
  return { state, transitional, reason };
}

/** One server of the overview. */
export interface ServerOverview {
  /** The backend it belongs to. */
  backend: string;
  /** The server's name. */
  name: string;
  /** HAProxy's status text: `UP`, `DOWN 1/2`, `MAINT (via web/srv1)`. */
  status: string;
  /** `status`, decoded. */
  decoded: ServerStatus;
  /** Its effective weight (`weight`); absent when HAProxy gives none. */
  weight: number | undefined;
  /** Current sessions (`scur`). */
  sessions: number;
  /** Its `maxconn` (`slim`), when it has one. */
  sessionLimit: number | undefined;
  /** Requests waiting in its queue (`qcur`). */
  queued: number;
  /** The last health check's result (`check_status`: `L7OK`, `L4CON` …); absent without checks. */
  checkStatus: string | undefined;
  /** Its address as HAProxy prints it (`addr`: `10.0.0.11:80`). */
  address: string | undefined;
}

/** One backend: its own status row and its servers. */
export interface BackendOverview {
  /** The backend's name. */
  name: string;
  /** Its status row's text: `UP`, or `DOWN` when no server is up; `unknown` without a BACKEND row. */
  status: string;
  /** `http` or `tcp`. */
  mode: string | undefined;
  /** Its balance algorithm (`algo`: `roundrobin`, `leastconn` …). */
  algorithm: string | undefined;
  /** Current sessions (`scur`). */
  sessions: number;
  /** Its session limit (`slim`), when it has one. */
  sessionLimit: number | undefined;
  /** Requests waiting in the backend's queue (`qcur`). */
  queued: number;
  /** Active servers up (`act`). */
  activeServers: number | undefined;
  /** Backup servers up (`bck`). */
  backupServers: number | undefined;
  /** Its servers, in HAProxy's order. */
  servers: ServerOverview[];
}

/** One frontend: its status row. */
export interface FrontendOverview {
  /** The frontend's name. */
  name: string;
  /** `OPEN`, `STOP` (disabled or paused) or `FULL`. */
  status: string;
  /** `http` or `tcp`. */
  mode: string | undefined;
  /** Current sessions (`scur`). */
  sessions: number;
  /** Its `maxconn` (`slim`), when it has one. */
  sessionLimit: number | undefined;
}

/**
 * How well a HAProxy serves, best to worst: `healthy`; `degraded` (a server is
 * DOWN, but every backend still has one up and every frontend is open); `down`
 * (a backend has no server up, or a frontend takes no new connection: STOP, FULL).
 */
export const haproxyHealthStates = ['healthy', 'degraded', 'down'] as const;

/** One of `haproxyHealthStates`. */
export type HaproxyHealthState = (typeof haproxyHealthStates)[number];

/**
 * Why HAProxy is not healthy: `SERVER_DOWN` (subject `backend/server`),
 * `BACKEND_NO_SERVER_UP` (subject the backend), `FRONTEND_NOT_OPEN` (subject the frontend).
 */
export type HaproxyHealthCode = 'SERVER_DOWN' | 'BACKEND_NO_SERVER_UP' | 'FRONTEND_NOT_OPEN';

/** The health of a HAProxy: core's one health shape with this package's states and codes. */
export type HaproxyHealth = Health<HaproxyHealthState, HaproxyHealthCode>;

/** One reason HAProxy is not healthy: a `HaproxyHealthCode`, words, and the proxy or `backend/server` as `subject`. */
export type HaproxyHealthReason = HealthReason<HaproxyHealthCode>;

/** `show stat` as an operator reads it: frontends, backends with their servers, and what is down. */
export interface StatOverview {
  /** Every frontend, in HAProxy's order. */
  frontends: FrontendOverview[];
  /** Every backend with its servers, in HAProxy's order. */
  backends: BackendOverview[];
  /** The verdict: a reason per DOWN server, backend with no server up, and frontend not OPEN. */
  health: HaproxyHealth;
}

/**
 * Groups `show stat` rows into frontends and backends with their servers, and
 * judges what is down. MAINT and DRAIN are someone's decision, not problems.
 */
export function summarizeStat(rows: readonly StatRow[]): StatOverview {
  const frontends: FrontendOverview[] = [];
  const backends = new Map<string, BackendOverview>();
  const backendOf = (name: string): BackendOverview => {
    let backend = backends.get(name);
    if (!backend) {
      backend = {
        name,
        status: 'unknown',
        mode: undefined,
        algorithm: undefined,
        sessions: 0,
        sessionLimit: undefined,
        queued: 0,
        activeServers: undefined,
        backupServers: undefined,
        servers: [],
      };
      backends.set(name, backend);
    }
    return backend;
  };
  for (const row of rows) {
    if (row.kind === 'frontend') {
      frontends.push({
        name: row.pxname,
        status: row.status ?? 'unknown',
        mode: row.mode,
        sessions: row.scur ?? 0,
        sessionLimit: row.slim,
      });
    } else if (row.kind === 'backend') {
      Object.assign(backendOf(row.pxname), {
        status: row.status ?? 'unknown',
        mode: row.mode,
        algorithm: row.algo,
        sessions: row.scur ?? 0,
        sessionLimit: row.slim,
        queued: row.qcur ?? 0,
        activeServers: row.act,
        backupServers: row.bck,
      });
    } else if (row.kind === 'server') {
      backendOf(row.pxname).servers.push({
        backend: row.pxname,
        name: row.svname,
        status: row.status ?? 'unknown',
        decoded: parseServerStatus(row.status),
        weight: row.weight,
        sessions: row.scur ?? 0,
        sessionLimit: row.slim,
        queued: row.qcur ?? 0,
        checkStatus: row.check_status,
        address: row.addr,
      });
    }
  }
  const overview = { frontends, backends: [...backends.values()] };
  return { ...overview, health: evaluateHaproxyHealth(overview) };
}

type Finding = HaproxyHealthReason & { state: HaproxyHealthState };

// The verdict on frontends and backends, as `summarizeStat` gives it.
function evaluateHaproxyHealth(overview: Pick<StatOverview, 'frontends' | 'backends'>): HaproxyHealth {
  const findings: Finding[] = [];
  for (const frontend of overview.frontends) {
    if (frontend.status !== 'OPEN') {
      findings.push({
        state: 'down',
        code: 'FRONTEND_NOT_OPEN',
        subject: frontend.name,
        message: `frontend ${frontend.name} is ${frontend.status}`,
      });
    }
  }
  for (const backend of overview.backends) {
    if (backend.status.startsWith('DOWN')) {
      findings.push({
        state: 'down',
        code: 'BACKEND_NO_SERVER_UP',
        subject: backend.name,
        message: `backend ${backend.name} is DOWN (no server up)`,
      });
    }
    for (const server of backend.servers) {
      if (server.decoded.state !== 'down') continue;
      const name = `${backend.name}/${server.name}`;
      const check = server.checkStatus ? ` (${server.checkStatus})` : '';
      findings.push({
        state: 'degraded',
        code: 'SERVER_DOWN',
        subject: name,
        message: `server ${name} is ${server.status}${check}`,
      });
    }
  }
  return evaluateHealthFindings(haproxyHealthStates, findings);
}
