import type { Condition } from '../model.js';
import type { MetricSample } from '../metrics/catalog.js';

/** What a probe saw in one run. */
export interface ProbeResult<Data = unknown> {
  /** Every condition that holds now (the engine works out what started and what ended). */
  conditions: Condition[];
  /** The observation itself, for `/status`, rules and metrics. */
  data?: Data;
}

/** Given to a probe's run: stop when `signal` aborts (the probe's timeout, or the monitor stopping). */
export interface ProbeContext {
  /** Aborts when the run must stop. */
  signal: AbortSignal;
  /** Epoch ms, from the monitor's clock. */
  now: number;
}

/** Given to a probe's `watch`: a push source asks for a run now, or reports a one-off event. */
export interface WatchContext {
  /** Aborts when the monitor stops: the push source's loop ends then. */
  signal: AbortSignal;
  /** Run the probe now (calls within a few ms are merged into one run). */
  trigger(reason: string): void;
  /** Conditions outside the regular runs (events such as fencing, seen by a push). */
  emit(conditions: Condition[]): void;
  /** A problem of the push source itself (the probe keeps polling). */
  warn(message: string): void;
}

/**
 * A source of conditions. `check` runs every `intervalMs` (and when `watch`
 * triggers it); a run that throws or outlives `timeoutMs` makes the probe
 * "failing" (an alert of its own), and never stops the others.
 */
export interface Probe<Data = unknown> {
  /** Unique within a monitor: `pacemaker`, `haproxy`, `my-app` … */
  name: string;
  /** Between two runs, ms (pushes run it sooner). */
  intervalMs: number;
  /** A run that takes longer fails (`no answer within N ms`), ms. */
  timeoutMs: number;
  /** One run: what holds now. A throw (or the timeout) is a failed run. */
  check(context: ProbeContext): Promise<ProbeResult<Data>>;
  /** A push source, started with the monitor and stopped with it (its own loop until `signal` aborts). */
  watch?(context: WatchContext): Promise<void>;
  /** Prometheus samples of the last observation (called on a scrape, not on every run). */
  samples?(data: Data): MetricSample[];
  /** What the metrics say while the probe fails (`haproxy_up 0` …): the source is down, not gone. */
  downSamples?(): MetricSample[];
  /** Close sockets and the like when the monitor stops. */
  close?(): Promise<void>;
}
