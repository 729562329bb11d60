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
import { HaproxyLogListener, type HaproxyLogEvent, type LogLineOutcome } from './haproxy-log.js';
import type { Probe, WatchContext } from './probe.js';

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
  /**
   * Receive HAProxy's log on this loopback `IP:PORT` (UDP): health-check and state-change lines
   * trigger a poll at once, and between them `show stat` runs only every `reconcileIntervalMs`.
   * haproxy.cfg needs `log IP:PORT local0` in `global` and `option log-health-checks` in `defaults`.
   */
  logListen?: string;
  /** With `logListen`, between two polls while the log carries HAProxy's changes, ms (default 10 s). */
  reconcileIntervalMs?: number;
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
  // 750 ms: a server HAProxy marks DOWN is reported within a second, at a third less work than 500 ms.
  const pollMs = options.intervalMs ?? 750;
  const push =
    options.logListen === undefined ? undefined : new LogPush(options.logListen, pollMs, options.reconcileIntervalMs);
  return {
    name: 'haproxy',
    get intervalMs() {
      return push?.intervalMs ?? pollMs;
    },
    timeoutMs,
    async check({ now }) {
      const overview = summarizeStat(await runtime.showStat(undefined, { columns: haproxyProbeColumns }));
      push?.reconcile(overview, now);
      const loaded = (await certificates?.read(now)) ?? [];
      return {
        conditions: [...haproxyConditions(overview, options), ...certificateConditions(loaded, now, options)],
        data: { ...overview, certificates: loaded },
      };
    },
    ...(push ? { watch: (context: WatchContext) => push.watch(context) } : {}),
    samples: (data) => [...haproxySamples(data), ...(push?.samples() ?? [])],
    downSamples: () => [{ name: 'haproxy_up', value: 0 }, ...(push?.samples() ?? [])],
  };
}

/**
 * The HAProxy probe driven by HAProxy's own log. A line about a server or backend HAProxy has is a
 * reason to poll now (never a verdict: the poll decides). The log is trusted once bound; a change
 * that a reconciling poll finds with no line announcing it means the log does not reach the monitor
 * (no `log` line, a full socket buffer), and the probe polls at its fast interval until a line
 * arrives again.
 */
class LogPush {
  private readonly listener: HaproxyLogListener;
  private readonly reconcileMs: number;
  private trusted = false;
  private context: WatchContext | undefined;
  private known: Map<string, string> | undefined;
  private backends = new Set<string>();
  private readonly announced = new Map<string, number>();
  private lastTrigger = -Infinity;
  private pending: NodeJS.Timeout | undefined;

  constructor(
    listen: string,
    private readonly pollMs: number,
    reconcileMs = 10_000,
  ) {
    this.reconcileMs = reconcileMs;
    this.listener = new HaproxyLogListener(listen, (event) => this.onEvent(event));
  }

  get intervalMs(): number {
    return this.trusted ? this.reconcileMs : this.pollMs;
  }

  async watch(context: WatchContext): Promise<void> {
    this.context = context;
    await this.listener.start();
    this.trusted = true;
    await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve(), { once: true }));
    clearTimeout(this.pending);
    this.trusted = false;
    await this.listener.close();
  }

  private onEvent(event: HaproxyLogEvent): LogLineOutcome {
    const now = Date.now();
    if (!this.trusted && this.context) {
      this.trusted = true;
      this.context.warn("HAProxy's log arrives again: polling only to reconcile");
    }
    // A line about a backend or server HAProxy does not have (forged, or from another HAProxy) makes no poll.
    if (
      this.known &&
      (event.server === undefined
        ? !this.backends.has(event.backend)
        : !this.known.has(`${event.backend}/${event.server}`))
    )
      return 'unknown';
    this.announced.set(`${event.backend}/${event.server ?? '*'}`, now);
    if (this.announced.size > 10_000) this.announced.clear();
    this.trigger(`haproxy log: ${event.message.slice(0, 120)}`, now);
    return 'event';
  }

  // At most one poll every 50 ms however fast lines come: a flood costs one poll per 50 ms, not one per line.
  private trigger(reason: string, now: number): void {
    const wait = this.lastTrigger + 50 - now;
    if (wait <= 0) {
      this.lastTrigger = now;
      this.context?.trigger(reason);
    } else
      this.pending ??= setTimeout(() => {
        this.pending = undefined;
        this.lastTrigger = Date.now();
        this.context?.trigger(reason);
      }, wait);
  }

  /** After each poll: a server whose state changed with no line about it means the log is not arriving. */
  reconcile(overview: StatOverview, now: number): void {
    const states = new Map<string, string>();
    for (const backend of overview.backends)
      for (const server of backend.servers)
        states.set(`${backend.name}/${server.name}`, server.status.split(' ')[0] ?? '');
    const previous = this.known;
    this.known = states;
    this.backends = new Set(overview.backends.map((backend) => backend.name));
    if (!previous || !this.trusted) return;
    for (const [key, state] of states) {
      const before = previous.get(key);
      if (before === undefined || before === state) continue;
      const backend = key.slice(0, key.indexOf('/'));
      const heard = Math.max(this.announced.get(key) ?? -Infinity, this.announced.get(`${backend}/*`) ?? -Infinity);
      if (now - heard > this.reconcileMs + this.pollMs) {
        this.trusted = false;
        this.context?.warn(
          `${key} went ${before} → ${state} with no line in HAProxy's log: polling every ${this.pollMs} ms until it arrives ` +
            '(haproxy.cfg needs `log IP:PORT local0` in global and `option log-health-checks` in defaults)',
        );
        return;
      }
    }
  }

  samples(): MetricSample[] {
    return [
      ...Object.entries(this.listener.counts).map(([outcome, value]) => ({
        name: 'ha_monitor_haproxy_log_lines_total',
        labels: { outcome },
        value,
      })),
      { name: 'ha_monitor_haproxy_log_pushed', value: this.trusted ? 1 : 0 },
    ];
  }
}
