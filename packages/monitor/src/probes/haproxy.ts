import { isHaError } from '@ha/core';
import {
  HaproxyRuntime,
  RuntimeCommandError,
  summarizeStat,
  UnknownCommandError,
  type CertificateDetail,
  type StatOverview,
} from '@ha/haproxy-runtime';
import type { Condition } from '../model.js';
import type { MetricSample } from '../metrics/catalog.js';
import type { Probe } from './probe.js';

/** Thresholds of the HAProxy rules (`haproxyConditions`, `certificateConditions`). */
export interface HaproxyRuleOptions {
  /** Sessions at or above this share of their limit raise `HaproxySessionsNearLimit` (default 0.9). */
  sessionsRatio?: number;
  /** A loaded certificate with fewer days left raises `HaproxyCertificateExpiring` as a warning (default 14). */
  certificateWarningDays?: number;
  /** …and as critical below this many days, or once expired (default 3). */
  certificateCriticalDays?: number;
}

/** A certificate HAProxy has loaded, as the probe watches it. */
export interface WatchedCertificate {
  /** The file, as HAProxy names it. */
  file: string;
  /** `/CN=site.example`. */
  subject: string;
  /** Serial number (hex). */
  serial: string;
  /** End of validity, ISO 8601. */
  notAfter: string;
}

/** What the HAProxy probe saw: `show stat`'s overview, and the certificates HAProxy has loaded. */
export interface HaproxyObservation extends StatOverview {
  /** The loaded certificates (`show ssl cert`); empty when HAProxy has none, or no SSL. */
  certificates: WatchedCertificate[];
}

const dayMs = 86_400_000;

/**
 * `HaproxyCertificateExpiring` for each loaded certificate with fewer than
 * `certificateWarningDays` (14) days left: a warning, critical below
 * `certificateCriticalDays` (3) or once expired. Pure.
 */
export function certificateConditions(
  certificates: readonly WatchedCertificate[],
  now: number,
  options: HaproxyRuleOptions = {},
): Condition[] {
  const warningDays = options.certificateWarningDays ?? 14;
  const criticalDays = options.certificateCriticalDays ?? 3;
  const conditions: Condition[] = [];
  for (const certificate of certificates) {
    const left = Date.parse(certificate.notAfter) - now;
    if (Number.isNaN(left) || left >= warningDays * dayMs) continue;
    const days = Math.floor(left / dayMs);
    conditions.push({
      alertname: 'HaproxyCertificateExpiring',
      labels: { file: certificate.file },
      severity: left < criticalDays * dayMs ? 'critical' : 'warning',
      summary:
        left <= 0
          ? `certificate ${certificate.file} (${certificate.subject}) expired on ${certificate.notAfter}`
          : `certificate ${certificate.file} (${certificate.subject}) expires in ${days} day(s), on ${certificate.notAfter}`,
      annotations: { subject: certificate.subject, serial: certificate.serial, not_after: certificate.notAfter },
    });
  }
  return conditions;
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

/** The series of HAProxy's own Prometheus exporter, from `show stat`; and each loaded certificate's expiry. */
export function haproxySamples(
  overview: StatOverview & { certificates?: readonly WatchedCertificate[] },
): MetricSample[] {
  const samples: MetricSample[] = [{ name: 'haproxy_up', value: 1 }];
  for (const certificate of overview.certificates ?? []) {
    const notAfter = Date.parse(certificate.notAfter);
    if (!Number.isNaN(notAfter))
      samples.push({
        name: 'haproxy_certificate_expiry_timestamp_seconds',
        labels: { file: certificate.file },
        value: notAfter / 1000,
      });
  }
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
  /** Watch the loaded certificates (default true). */
  certificates?: boolean;
  /** Read `show ssl cert` again after this many ms (default 60 s); the days left are judged on every run. */
  certificatesIntervalMs?: number;
}

/**
 * Reads the loaded certificates cheaply: `show ssl cert` (one line per file) at most every
 * `intervalMs`, and `show ssl cert FILE` only for a file not seen yet, or, every tenth read
 * of the list, again for all (a file replaced in place keeps its name). An HAProxy without SSL
 * (`Unknown command`) has none; a file HAProxy will not describe is left out.
 */
export class CertificateWatch {
  private readonly details = new Map<string, WatchedCertificate>();
  private readAt = -Infinity;
  private reads = 0;
  private supported = true;

  /**
   * @param runtime The client to read with.
   * @param intervalMs Between two reads of the list, ms.
   */
  constructor(
    private readonly runtime: Pick<HaproxyRuntime, 'listCertificates' | 'showCertificate'>,
    private readonly intervalMs = 60_000,
  ) {}

  /** The certificates as last read; reads again when `intervalMs` has passed since (or on the first call). */
  async read(now: number): Promise<WatchedCertificate[]> {
    if (this.supported && now - this.readAt >= this.intervalMs) {
      try {
        const list = await this.runtime.listCertificates();
        const all = this.reads % 10 === 0;
        this.reads++;
        for (const file of [...this.details.keys()]) if (!list.files.includes(file)) this.details.delete(file);
        for (const file of list.files) {
          if (!all && this.details.has(file)) continue;
          // One file HAProxy will not describe (refused, or an answer not understood) costs only that file.
          const detail = await this.runtime.showCertificate(file).catch((error: unknown) => {
            if (error instanceof RuntimeCommandError || isHaError(error)) return undefined;
            throw error;
          });
          if (detail) this.details.set(file, watched(detail));
        }
        this.readAt = now;
      } catch (error) {
        if (!(error instanceof UnknownCommandError)) throw error;
        this.supported = false;
        this.details.clear();
      }
    }
    return [...this.details.values()];
  }
}

function watched(detail: CertificateDetail): WatchedCertificate {
  return {
    file: detail.file,
    subject: detail.subject,
    serial: detail.serial,
    notAfter: detail.notAfter.toISOString(),
  };
}

/**
 * HAProxy's frontends, backends and servers, from `show stat` on its stats socket (@ha/haproxy-runtime),
 * and the certificates it has loaded (`show ssl cert`, read every minute).
 */
export function createHaproxyProbe(options: HaproxyProbeOptions): Probe<HaproxyObservation> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  // A connection per poll: nothing to keep alive between polls, nothing to repair after a reload.
  const runtime = new HaproxyRuntime(options.socket, { mode: 'oneshot', timeoutMs });
  const certificates =
    options.certificates === false ? undefined : new CertificateWatch(runtime, options.certificatesIntervalMs);
  return {
    name: 'haproxy',
    // 750 ms: a server HAProxy marks DOWN is reported within a second, at a third less work than 500 ms.
    intervalMs: options.intervalMs ?? 750,
    timeoutMs,
    async check({ now }) {
      const overview = summarizeStat(await runtime.showStat(undefined, { columns: haproxyProbeColumns }));
      const loaded = (await certificates?.read(now)) ?? [];
      return {
        conditions: [...haproxyConditions(overview, options), ...certificateConditions(loaded, now, options)],
        data: { ...overview, certificates: loaded },
      };
    },
    samples: haproxySamples,
    downSamples: () => [{ name: 'haproxy_up', value: 0 }],
  };
}
