import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HaError, writeFileAtomic } from '@ha/core';
import { AlertEngine, engineStateSchema, type ActiveAlert, type AlertEngineOptions } from './engine/alert-engine.js';
import { defaultInhibitRules, defaultPolicies, maintenanceAlertname } from './engine/defaults.js';
import type { MetricSample } from './metrics/catalog.js';
import { MetricsExposition } from './metrics/exposition.js';
import type { AlertEvent, Condition } from './model.js';
import type { Probe, ProbeResult } from './probes/probe.js';
import { SinkDelivery, type DeliveryOptions } from './sinks/delivery.js';
import type { Sink } from './sinks/sink.js';
import { readStateFile } from './state-file.js';

/** A rule over the latest observations of every probe (by probe name), with the same condition shape. */
export interface Rule {
  /** Its name: its conditions' source is `rule:NAME`. */
  name: string;
  /** The conditions that hold, from the latest observation of each probe (keyed by probe name; absent until it ran). */
  evaluate(observations: Readonly<Record<string, unknown>>): Condition[];
}

/** Options of a `Monitor`: what it watches, what it derives, where its alerts go. */
export interface MonitorOptions {
  /** The probes (each name once): the shipped ones (`createPacemakerProbe` …) and your own. */
  probes: Probe[];
  /** Rules over every probe's latest observation, run after each probe run. */
  rules?: Rule[];
  /** Where alert events go, each with durable, ordered delivery. */
  sinks?: Sink[];
  /** Policies, silences, inhibitions, external labels: merged over the defaults. */
  alerts?: AlertEngineOptions & {
    /** Add the shipped inhibitions (a node offline holds back the alerts of what ran on it). Default true. */
    defaultInhibitRules?: boolean;
    /** Silence every alert while the cluster is in maintenance mode. Default true. */
    silenceInMaintenance?: boolean;
  };
  /** Where alert state and undelivered events are kept across restarts; none: memory only. */
  stateDir?: string;
  /** The largest state or queue file read back at start, bytes (default 16 MiB); a larger one is warned about and ignored. */
  maxStateBytes?: number;
  /** Queue length and retry backoff of every sink. */
  delivery?: Omit<DeliveryOptions, 'stateDir' | 'onError' | 'maxBytes'>;
  /** Epoch ms (tests move time themselves). */
  clock?: () => number;
}

/** A probe as `/status` and `snapshot()` show it. */
export interface ProbeStatus {
  /** The probe's name. */
  name: string;
  /** Its last run succeeded; `undefined` before the first. */
  ok: boolean | undefined;
  /** When it last ran (ISO 8601). */
  lastRunAt: string | undefined;
  /** How long its last run took, ms. */
  durationMs: number | undefined;
  /** Why its last run failed (first line of the error). */
  error: string | undefined;
  /** How many times it ran. */
  runs: number;
  /** How many of those failed. */
  failures: number;
  /** Failures in a row, up to now (0 after a success). */
  consecutiveFailures: number;
  /** Its polling interval now, ms (a probe fed by pushes polls slower while they arrive). */
  intervalMs: number;
}

/** Everything the monitor knows now. */
export interface MonitorSnapshot {
  /** Started and not stopped. */
  running: boolean;
  /** No probe failing, and no firing alert worse than `info`. */
  healthy: boolean;
  /** Each probe's runs. */
  probes: ProbeStatus[];
  /** Every alert pending or firing now. */
  alerts: ActiveAlert[];
  /** Each sink's delivery. */
  sinks: {
    /** The sink's name (`webhook.ops`). */
    name: string;
    /** Events waiting to be delivered. */
    queued: number;
    /** Events delivered. */
    delivered: number;
    /** Failed delivery attempts (each is retried). */
    failed: number;
    /** Events dropped because the queue was full. */
    dropped: number;
    /** The last delivery error, until a delivery succeeds. */
    lastError: string | undefined;
  }[];
  /** The latest observation of each probe (cluster status, `show stat` overview …). */
  observations: Record<string, unknown>;
}

/**
 * What one pass found. `healthy`: every probe ran and nothing but `info`
 * holds; `degraded`: every probe ran and something worse holds; `unknown`: a
 * probe could not run, so the stack was not fully looked at (whatever else
 * was found is still in `conditions`). `ha-monitor --once` exits 0, 1 and 2
 * for them.
 */
export type OnceVerdict = 'healthy' | 'degraded' | 'unknown';

/** What `runOnce` found: every condition of one pass over the probes. */
export interface OnceResult {
  /** `healthy`, `degraded`, or `unknown` when a probe could not run (see `OnceVerdict`). */
  verdict: OnceVerdict;
  /** `verdict === 'healthy'`. */
  healthy: boolean;
  /** Every condition that holds, with the probe (or `rule:NAME`) it came from. */
  conditions: (Condition & {
    /** The probe's name, or `rule:NAME`. */
    source: string;
  })[];
  /** Each probe's run: ok, its duration, its error. */
  probes: ProbeStatus[];
  /** The latest observation of each probe that ran. */
  observations: Record<string, unknown>;
}

type Listener<T> = (value: T) => void;
interface Listeners {
  alert: Listener<AlertEvent>;
  warning: Listener<string>;
  probe: Listener<{ name: string; ok: boolean; durationMs: number; error?: string }>;
  /** A push source asked for a run (Pacemaker's alert agent, DRBD's events2), and why. */
  push: Listener<{ probe: string; reason: string }>;
}

interface ProbeState {
  probe: Probe;
  status: ProbeStatus;
  data: unknown;
  hasData: boolean;
  running: Promise<void> | undefined;
  again: boolean;
  timer: NodeJS.Timeout | undefined;
  triggerTimer: NodeJS.Timeout | undefined;
}

/**
 * The monitoring loop: probes on their own intervals (and pushes), the alert
 * engine, sinks with durable delivery, metrics and status. No global state:
 * several monitors can run in one process. Start it, stop it (or abort its
 * signal), listen to its alert events, iterate them, or ask for a snapshot.
 */
export class Monitor {
  private engine: AlertEngine;
  private readonly probes = new Map<string, ProbeState>();
  private readonly deliveries: SinkDelivery[];
  private readonly exposition = new MetricsExposition();
  private readonly listeners: { [K in keyof Listeners]: Set<Listeners[K]> } = {
    alert: new Set(),
    warning: new Set(),
    probe: new Set(),
    push: new Set(),
  };
  private readonly clock: () => number;
  private controller: AbortController | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private resendTimers: NodeJS.Timeout[] = [];
  private watchers: Promise<void>[] = [];
  private savedState = '';
  private saving: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly stopWakers = new Set<() => void>();

  constructor(private readonly options: MonitorOptions) {
    const names = new Set<string>();
    for (const probe of options.probes) {
      if (names.has(probe.name)) throw new HaError('VALIDATION_ERROR', `two probes are named '${probe.name}'`);
      names.add(probe.name);
      this.probes.set(probe.name, {
        probe,
        status: {
          name: probe.name,
          ok: undefined,
          lastRunAt: undefined,
          durationMs: undefined,
          error: undefined,
          runs: 0,
          failures: 0,
          consecutiveFailures: 0,
          intervalMs: probe.intervalMs,
        },
        data: undefined,
        hasData: false,
        running: undefined,
        again: false,
        timer: undefined,
        triggerTimer: undefined,
      });
    }
    this.clock = options.clock ?? Date.now;
    this.engine = this.createEngine();
    this.deliveries = (options.sinks ?? []).map(
      (sink) =>
        new SinkDelivery(sink, {
          ...options.delivery,
          ...(options.stateDir ? { stateDir: options.stateDir } : {}),
          ...(options.maxStateBytes !== undefined ? { maxBytes: options.maxStateBytes } : {}),
          onError: (name, error) => this.warn(`sink ${name}: ${(error as Error).message}`),
        }),
    );
  }

  private createEngine(state?: ConstructorParameters<typeof AlertEngine>[1]): AlertEngine {
    const alerts = this.options.alerts ?? {};
    return new AlertEngine(
      {
        ...alerts,
        policies: { ...defaultPolicies, ...alerts.policies },
        inhibitRules: [
          ...(alerts.defaultInhibitRules === false ? [] : defaultInhibitRules),
          ...(alerts.inhibitRules ?? []),
        ],
        ...(alerts.silenceInMaintenance === false
          ? {}
          : { maintenanceAlertname: alerts.maintenanceAlertname ?? maintenanceAlertname }),
      },
      state,
    );
  }

  /** Listens to alert events, warnings (a sink or push source in trouble) or probe runs; returns the unsubscribe. */
  on<K extends keyof Listeners>(event: K, listener: Listeners[K]): () => void {
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }

  /** Alert events as they happen, until the monitor stops (or the loop breaks); may be called before `start`. */
  async *events(): AsyncGenerator<AlertEvent> {
    const queue: AlertEvent[] = [];
    let wake: (() => void) | undefined;
    const waker = () => wake?.();
    const off = this.on('alert', (event) => {
      queue.push(event);
      wake?.();
    });
    this.stopWakers.add(waker);
    try {
      while (true) {
        const event = queue.shift();
        if (event) {
          yield event;
          continue;
        }
        if (this.stopped) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      off();
      this.stopWakers.delete(waker);
    }
  }

  /** Started and not stopped. */
  get running(): boolean {
    return this.controller !== undefined && !this.controller.signal.aborted;
  }

  /**
   * Loads the state a previous run left, starts every probe, push source and
   * sink, and returns; runs until `stop()` or until `signal` aborts.
   */
  async start(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.controller) throw new HaError('PRECONDITION_FAILED', 'the monitor is already started');
    const controller = new AbortController();
    this.controller = controller;
    options.signal?.addEventListener('abort', () => void this.stop(), { once: true });
    await this.loadState();
    for (const delivery of this.deliveries) await delivery.start();
    // Alerts of probes that are gone from the configuration resolve.
    this.dispatch(
      this.engine.retainSources(
        new Set([...this.probes.keys(), ...(this.options.rules ?? []).map((rule) => `rule:${rule.name}`), 'monitor']),
        this.clock(),
      ),
    );
    for (const state of this.probes.values()) {
      if (state.probe.watch) {
        this.watchers.push(
          state.probe
            .watch({
              signal: controller.signal,
              trigger: (reason) => {
                for (const listener of this.listeners.push) listener({ probe: state.probe.name, reason });
                this.trigger(state);
              },
              emit: (conditions) =>
                this.dispatch(
                  this.engine.observe(
                    `${state.probe.name}:push`,
                    conditions.filter((condition) => condition.event),
                    this.clock(),
                  ),
                ),
              warn: (message) => this.warn(`${state.probe.name}: ${message}`),
            })
            .catch((error: unknown) =>
              this.warn(`${state.probe.name}: push source stopped: ${(error as Error).message}`),
            ),
        );
      }
      this.schedule(state, 0);
    }
    for (const delivery of this.deliveries) {
      const { sink } = delivery;
      if (sink.resend && sink.resendIntervalMs) {
        const timer = setInterval(() => {
          sink
            .resend?.(this.engine.firingEvents())
            .catch((error: unknown) => this.warn(`sink ${sink.name}: re-send: ${(error as Error).message}`));
        }, sink.resendIntervalMs);
        this.resendTimers.push(timer);
      }
    }
    if (options.signal?.aborted) await this.stop();
  }

  /** Stops probes, push sources and timers; waits for runs in progress; keeps undelivered events on disk. */
  async stop(): Promise<void> {
    const controller = this.controller;
    if (!controller || controller.signal.aborted) return;
    controller.abort();
    clearTimeout(this.tickTimer);
    for (const timer of this.resendTimers) clearInterval(timer);
    this.resendTimers = [];
    for (const state of this.probes.values()) {
      clearTimeout(state.timer);
      clearTimeout(state.triggerTimer);
    }
    await Promise.all([...this.probes.values()].map((state) => state.running));
    await Promise.all(this.watchers);
    this.watchers = [];
    await Promise.all([...this.probes.values()].map((state) => state.probe.close?.().catch(() => undefined)));
    await Promise.all(this.deliveries.map((delivery) => delivery.stop()));
    await this.saveState();
    await this.saving;
    this.stopped = true;
    for (const wake of this.stopWakers) wake();
  }

  /** One pass over every probe, without sinks, hold-downs or push sources: what holds now. */
  async runOnce(): Promise<OnceResult> {
    const conditions: OnceResult['conditions'] = [];
    await Promise.all(
      [...this.probes.values()].map(async (state) => {
        const result = await this.execute(state);
        if (result)
          for (const condition of result.conditions) conditions.push({ ...condition, source: state.probe.name });
      }),
    );
    for (const rule of this.options.rules ?? []) {
      for (const condition of rule.evaluate(this.observations()))
        conditions.push({ ...condition, source: `rule:${rule.name}` });
    }
    // The interval as it is now: a push-driven probe polls slower while its pushes arrive.
    const probes = [...this.probes.values()].map((state) => ({ ...state.status, intervalMs: state.probe.intervalMs }));
    // A probe that could not run is not a finding about the stack: "could not look" is not "degraded".
    const verdict: OnceVerdict = probes.some((probe) => !probe.ok)
      ? 'unknown'
      : conditions.every((condition) => condition.severity === 'info' || condition.event)
        ? 'healthy'
        : 'degraded';
    return { verdict, healthy: verdict === 'healthy', conditions, probes, observations: this.observations() };
  }

  /** Everything the monitor knows now (for `/status`). */
  snapshot(): MonitorSnapshot {
    // The interval as it is now: a push-driven probe polls slower while its pushes arrive.
    const probes = [...this.probes.values()].map((state) => ({ ...state.status, intervalMs: state.probe.intervalMs }));
    const alerts = this.engine.active(this.clock());
    return {
      running: this.running,
      healthy:
        probes.every((probe) => probe.ok !== false) &&
        alerts.every((alert) => alert.state === 'pending' || alert.severity === 'info'),
      probes,
      alerts,
      sinks: this.deliveries.map((delivery) => ({
        name: delivery.sink.name,
        queued: delivery.length,
        delivered: delivery.delivered,
        failed: delivery.failed,
        dropped: delivery.dropped,
        lastError: delivery.lastError,
      })),
      observations: this.observations(),
    };
  }

  /** Prometheus samples of every probe's latest observation, and the monitor's own. */
  samples(): MetricSample[] {
    const samples: MetricSample[] = [];
    for (const state of this.probes.values()) {
      const { probe, status } = state;
      samples.push({ name: 'ha_monitor_probe_up', labels: { probe: probe.name }, value: status.ok ? 1 : 0 });
      if (status.durationMs !== undefined)
        samples.push({
          name: 'ha_monitor_probe_duration_seconds',
          labels: { probe: probe.name },
          value: status.durationMs / 1000,
        });
      samples.push({ name: 'ha_monitor_probe_runs_total', labels: { probe: probe.name }, value: status.runs });
      samples.push({ name: 'ha_monitor_probe_failures_total', labels: { probe: probe.name }, value: status.failures });
      if (status.ok && state.hasData && probe.samples) samples.push(...probe.samples(state.data as never));
      else if (status.ok === false && probe.downSamples) samples.push(...probe.downSamples());
    }
    const counts = new Map<string, { labels: Record<string, string>; value: number }>();
    for (const alert of this.engine.active(this.clock())) {
      const labels = { alertname: alert.alertname, severity: alert.severity, state: alert.state };
      const key = JSON.stringify(labels);
      counts.set(key, { labels, value: (counts.get(key)?.value ?? 0) + 1 });
    }
    for (const { labels, value } of counts.values()) samples.push({ name: 'ha_monitor_alerts', labels, value });
    for (const delivery of this.deliveries) {
      const labels = { sink: delivery.sink.name };
      samples.push(
        { name: 'ha_monitor_notifications_total', labels, value: delivery.delivered },
        { name: 'ha_monitor_notifications_failed_total', labels, value: delivery.failed },
        { name: 'ha_monitor_queue_length', labels, value: delivery.length },
      );
    }
    return samples;
  }

  /** `/metrics` in the Prometheus text format. */
  metrics(): Promise<string> {
    return this.exposition.render(this.samples());
  }

  /** The `Content-Type` of `metrics()` (Prometheus text format 0.0.4). */
  get metricsContentType(): string {
    return this.exposition.contentType;
  }

  private observations(): Record<string, unknown> {
    const observations: Record<string, unknown> = {};
    for (const [name, state] of this.probes) if (state.hasData) observations[name] = state.data;
    return observations;
  }

  private warn(message: string): void {
    for (const listener of this.listeners.warning) listener(message);
  }

  private schedule(state: ProbeState, delayMs: number): void {
    if (!this.running) return;
    clearTimeout(state.timer);
    state.timer = setTimeout(() => void this.run(state), delayMs);
  }

  /** A push asks for a run: soon, merged with other pushes in the same few ms. */
  private trigger(state: ProbeState): void {
    if (!this.running || state.triggerTimer) return;
    state.triggerTimer = setTimeout(() => {
      state.triggerTimer = undefined;
      void this.run(state);
    }, 20);
  }

  private async run(state: ProbeState): Promise<void> {
    if (state.running) {
      state.again = true;
      return;
    }
    clearTimeout(state.timer);
    const started = this.clock();
    state.running = (async () => {
      const result = await this.execute(state);
      const now = this.clock();
      const events: AlertEvent[] = [];
      if (result) events.push(...this.engine.observe(state.probe.name, result.conditions, now));
      events.push(...this.engine.observe('monitor', this.monitorConditions(), now));
      for (const rule of this.options.rules ?? []) {
        try {
          events.push(...this.engine.observe(`rule:${rule.name}`, rule.evaluate(this.observations()), now));
        } catch (error) {
          this.warn(`rule ${rule.name}: ${(error as Error).message}`);
        }
      }
      this.dispatch(events);
    })();
    try {
      await state.running;
    } finally {
      state.running = undefined;
    }
    if (state.again) {
      state.again = false;
      this.schedule(state, 0);
    } else {
      const now = this.clock();
      const holdDownEnd = this.engine.holdDownEnd(state.probe.name, now);
      let delay = Math.max(0, state.probe.intervalMs - (now - started));
      // A few ms after the hold-down's end, so the report is at or after it.
      if (holdDownEnd !== undefined) delay = Math.min(delay, holdDownEnd - now + 20);
      this.schedule(state, delay);
    }
  }

  /** Runs a probe's check under its timeout; records the outcome. */
  private async execute(state: ProbeState): Promise<ProbeResult | undefined> {
    const { probe, status } = state;
    const controller = new AbortController();
    const stop = () => controller.abort();
    this.controller?.signal.addEventListener('abort', stop);
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        probe.check({ signal: controller.signal, now: this.clock() }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            controller.abort();
            reject(new HaError('TIMEOUT', `no answer within ${probe.timeoutMs} ms`));
          }, probe.timeoutMs);
        }),
      ]);
      Object.assign(status, { ok: true, error: undefined, consecutiveFailures: 0 });
      state.data = result.data;
      state.hasData = result.data !== undefined;
      return result;
    } catch (error) {
      status.failures++;
      status.consecutiveFailures++;
      Object.assign(status, { ok: false, error: (error as Error).message.split('\n')[0] });
      return undefined;
    } finally {
      clearTimeout(timer);
      this.controller?.signal.removeEventListener('abort', stop);
      status.runs++;
      status.durationMs = performance.now() - started;
      status.lastRunAt = new Date(this.clock()).toISOString();
      const report = {
        name: probe.name,
        ok: status.ok === true,
        durationMs: status.durationMs,
        ...(status.error ? { error: status.error } : {}),
      };
      for (const listener of this.listeners.probe) listener(report);
    }
  }

  /** The monitor's own conditions: one `ProbeFailing` per failing probe. */
  private monitorConditions(): Condition[] {
    return [...this.probes.values()]
      .filter((state) => state.status.ok === false)
      .map((state) => ({
        alertname: 'ProbeFailing',
        labels: { probe: state.probe.name },
        severity: 'warning' as const,
        summary: `probe ${state.probe.name} is failing: ${state.status.error ?? 'unknown error'}`,
      }));
  }

  private dispatch(events: AlertEvent[]): void {
    for (const event of events) {
      for (const listener of this.listeners.alert) listener(event);
      for (const delivery of this.deliveries) void delivery.push(event);
    }
    void this.saveState();
    this.scheduleTick();
  }

  private scheduleTick(): void {
    clearTimeout(this.tickTimer);
    if (!this.running) return;
    const now = this.clock();
    const next = this.engine.nextDeadline(now);
    if (next === undefined) return;
    this.tickTimer = setTimeout(() => this.dispatch(this.engine.tick(this.clock())), Math.max(10, next - now));
  }

  private get stateFile(): string | undefined {
    return this.options.stateDir ? join(this.options.stateDir, 'state.json') : undefined;
  }

  private async loadState(): Promise<void> {
    const file = this.stateFile;
    if (!file || !this.options.stateDir) return;
    await mkdir(this.options.stateDir, { recursive: true, mode: 0o700 });
    const text = await readStateFile(file, this.options.maxStateBytes, (message) => this.warn(message));
    if (text === undefined) return;
    let parsed;
    try {
      parsed = engineStateSchema.safeParse(JSON.parse(text));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      this.warn(`${file}: not a state file; starting without the previous alert state`);
      return;
    }
    this.engine = this.createEngine(parsed.data);
    this.savedState = JSON.stringify(parsed.data);
  }

  /** Writes the alert state when it changed (atomically: a crash leaves the old or the new one). */
  private saveState(): Promise<void> {
    const file = this.stateFile;
    if (!file) return Promise.resolve();
    const text = JSON.stringify(this.engine.state());
    if (text === this.savedState) return this.saving;
    this.savedState = text;
    this.saving = this.saving
      .then(() => writeFileAtomic(file, text, { mode: 0o600 }))
      .catch((error: unknown) => this.warn(`${file}: ${(error as Error).message}`));
    return this.saving;
  }
}

/** Creates a monitor (see `Monitor`). */
export function createMonitor(options: MonitorOptions): Monitor {
  return new Monitor(options);
}
