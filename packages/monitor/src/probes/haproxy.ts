import { HaproxyRuntime, summarizeStat, type StatOverview } from '@ha/haproxy-runtime';
import type { Condition } from '../model.js';
import type { MetricSample } from '../metrics/catalog.js';
import type { Probe } from './probe.js';

/** Thresholds of the HAProxy rules (`haproxyConditions`). */
export interface HaproxyRuleOptions {
  /** Sessions at or above this share of their limit raise `HaproxySessionsNearLimit` (default 0.9). */
  sessionsRatio?: number;
}

/**
 * What is wrong in `show stat`: servers DOWN, backends with no server up,
 * frontends not OPEN, sessions near their limit, queueing. MAINT and DRAIN
 * are someone's decision: `info`, unless HAProxy put the server there itself
 * (a tracked server down, a DNS failure). Pure.
 */
export function haproxyConditions(overview: StatOverview, options: HaproxyRuleOptions = {}): Condition[] {
  const ratio = options.sessionsRatio ?? 0.9;
  const conditions: Condition[] = [];
  const nearLimit = (sessions: number, limit: number | undefined) =>
    limit !== undefined && limit > 0 && sessions >= ratio * limit;
  for (const frontend of overview.frontends) {
    if (frontend.status !== 'OPEN')
      conditions.push({
        alertname: 'HaproxyFrontendNotOpen',
        labels: { proxy: frontend.name },
        severity: 'critical',
        summary: `frontend ${frontend.name} is ${frontend.status}`,
      });
    if (nearLimit(frontend.sessions, frontend.sessionLimit)) {
      conditions.push({
        alertname: 'HaproxySessionsNearLimit',
        labels: { proxy: frontend.name },
        severity: 'warning',
        summary: `frontend ${frontend.name} has ${frontend.sessions} of ${frontend.sessionLimit} sessions`,
      });
    }
  }
  for (const backend of overview.backends) {
    if (backend.status.startsWith('DOWN')) {
      conditions.push({
        alertname: 'HaproxyBackendDown',
        labels: { proxy: backend.name },
        severity: 'critical',
        summary: `backend ${backend.name} has no server up`,
      });
    }
    if (nearLimit(backend.sessions, backend.sessionLimit)) {
      conditions.push({
        alertname: 'HaproxySessionsNearLimit',
        labels: { proxy: backend.name },
        severity: 'warning',
        summary: `backend ${backend.name} has ${backend.sessions} of ${backend.sessionLimit} sessions`,
      });
    }
    const queued = backend.queued + backend.servers.reduce((sum, server) => sum + server.queued, 0);
    if (queued > 0)
      conditions.push({
        alertname: 'HaproxyQueueing',
        labels: { proxy: backend.name },
        severity: 'warning',
        summary: `backend ${backend.name} has ${queued} request(s) waiting in queues`,
      });
    for (const server of backend.servers) {
      const labels = { proxy: backend.name, server: server.name };
      const name = `${backend.name}/${server.name}`;
      const state = server.decoded.state;
      if (state === 'down') {
        conditions.push({
          alertname: 'HaproxyServerDown',
          labels,
          severity: 'warning',
          summary: `server ${name} is DOWN${server.checkStatus ? ` (${server.checkStatus})` : ''}`,
        });
      } else if (state === 'maint') {
        const forced = server.decoded.reason !== undefined;
        conditions.push({
          alertname: 'HaproxyServerMaintenance',
          labels,
          severity: forced ? 'warning' : 'info',
          summary: `server ${name} is in MAINT${forced ? ` (${server.decoded.reason})` : ''}`,
        });
      } else if (state === 'drain') {
        conditions.push({
          alertname: 'HaproxyServerDrain',
          labels,
          severity: 'info',
          summary: `server ${name} is draining`,
        });
      }
      if (nearLimit(server.sessions, server.sessionLimit)) {
        conditions.push({
          alertname: 'HaproxySessionsNearLimit',
          labels,
          severity: 'warning',
          summary: `server ${name} has ${server.sessions} of ${server.sessionLimit} sessions`,
        });
      }
    }
  }
  return conditions;
}

const serverStates = ['UP', 'DOWN', 'MAINT', 'DRAIN', 'NOLB'] as const;

/** The series of HAProxy's own Prometheus exporter, from `show stat`. */
export function haproxySamples(overview: StatOverview): MetricSample[] {
  const samples: MetricSample[] = [{ name: 'haproxy_up', value: 1 }];
  const limit = (name: string, labels: Record<string, string>, value: number | undefined) => {
    if (value !== undefined) samples.push({ name, labels, value });
  };
  for (const frontend of overview.frontends) {
    const proxy = { proxy: frontend.name };
    for (const state of ['UP', 'DOWN'])
      samples.push({
        name: 'haproxy_frontend_status',
        labels: { ...proxy, state },
        value: (frontend.status === 'OPEN') === (state === 'UP') ? 1 : 0,
      });
    samples.push({ name: 'haproxy_frontend_current_sessions', labels: proxy, value: frontend.sessions });
    limit('haproxy_frontend_limit_sessions', proxy, frontend.sessionLimit);
  }
  for (const backend of overview.backends) {
    const proxy = { proxy: backend.name };
    const up = !backend.status.startsWith('DOWN');
    for (const state of ['UP', 'DOWN'])
      samples.push({
        name: 'haproxy_backend_status',
        labels: { ...proxy, state },
        value: up === (state === 'UP') ? 1 : 0,
      });
    samples.push({ name: 'haproxy_backend_current_sessions', labels: proxy, value: backend.sessions });
    limit('haproxy_backend_limit_sessions', proxy, backend.sessionLimit);
    samples.push({ name: 'haproxy_backend_current_queue', labels: proxy, value: backend.queued });
    limit('haproxy_backend_active_servers', proxy, backend.activeServers);
    limit('haproxy_backend_backup_servers', proxy, backend.backupServers);
    for (const server of backend.servers) {
      const labels = { proxy: backend.name, server: server.name };
      const current = server.decoded.state === 'no-check' ? 'UP' : server.decoded.state.toUpperCase();
      for (const state of serverStates)
        samples.push({ name: 'haproxy_server_status', labels: { ...labels, state }, value: current === state ? 1 : 0 });
      samples.push({ name: 'haproxy_server_current_sessions', labels, value: server.sessions });
      limit('haproxy_server_limit_sessions', labels, server.sessionLimit);
      samples.push({ name: 'haproxy_server_current_queue', labels, value: server.queued });
      limit('haproxy_server_weight', labels, server.weight);
      if (server.checkStatus)
        samples.push({
          name: 'haproxy_server_check_status',
          labels: { ...labels, state: server.checkStatus.replace(/^\*/, '') },
          value: 1,
        });
    }
  }
  return samples;
}

/**
 * The `show stat` columns the rules and the metrics read: all within the first
 * 40 of ~90, so the rest of each line is not even scanned on each poll.
 */
export const haproxyProbeColumns = ['qcur', 'scur', 'slim', 'status', 'weight', 'act', 'bck', 'check_status'] as const;

/** Options of `createHaproxyProbe`. */
export interface HaproxyProbeOptions extends HaproxyRuleOptions {
  /** The stats socket: a path, `unix@PATH` or `ipv4@HOST:PORT`. */
  socket: string;
  /** Between two `show stat`, ms (default 750 ms). */
  intervalMs?: number;
  /** An answer that takes longer fails the probe, ms (default 5 s). */
  timeoutMs?: number;
}

/** HAProxy's frontends, backends and servers, from `show stat` on its stats socket (@ha/haproxy-runtime). */
export function createHaproxyProbe(options: HaproxyProbeOptions): Probe<StatOverview> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  // A connection per poll: nothing to keep alive between polls, nothing to repair after a reload.
  const runtime = new HaproxyRuntime(options.socket, { mode: 'oneshot', timeoutMs });
  return {
    name: 'haproxy',
    // 750 ms: a server HAProxy marks DOWN is reported within a second, at a third less work than 500 ms.
    intervalMs: options.intervalMs ?? 750,
    timeoutMs,
    async check() {
      const overview = summarizeStat(await runtime.showStat(undefined, { columns: haproxyProbeColumns }));
      return { conditions: haproxyConditions(overview, options), data: overview };
    },
    samples: haproxySamples,
    downSamples: () => [{ name: 'haproxy_up', value: 0 }],
  };
}
