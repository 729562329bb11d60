import type { AlertEvent } from '../model.js';
import type { Sink } from './sink.js';
import { httpUrl, postJson } from './webhook.js';

/** An event as Alertmanager's API v2 takes it (`postableAlert`). */
export function toAlertmanagerAlert(event: AlertEvent, now: number, holdMs: number): Record<string, unknown> {
  return {
    labels: { ...event.labels, alertname: event.alertname, severity: event.severity },
    annotations: { summary: event.summary, ...event.annotations },
    startsAt: event.startsAt,
    // A firing alert holds for a few re-send periods: if the monitor dies, Alertmanager resolves it by itself.
    endsAt: event.endsAt ?? new Date(now + holdMs).toISOString(),
  };
}

/**
 * Prometheus Alertmanager (`POST /api/v2/alerts`). Active alerts are sent
 * again every `resendIntervalMs` (default 60 s), as Alertmanager expects from
 * its clients; a resolve carries `endsAt`. Every node's monitor sends the same
 * labels, so Alertmanager de-duplicates them.
 */
export function createAlertmanagerSink(options: {
  url: string;
  resendIntervalMs?: number;
  timeoutMs?: number;
  name?: string;
}): Sink {
  const base = httpUrl(options.url, 'alertmanager');
  const endpoint = new URL('api/v2/alerts', base.href.endsWith('/') ? base : new URL(`${base.href}/`));
  const resendIntervalMs = options.resendIntervalMs ?? 60_000;
  const post = (events: AlertEvent[]) =>
    postJson(
      endpoint,
      JSON.stringify(events.map((event) => toAlertmanagerAlert(event, Date.now(), 4 * resendIntervalMs))),
      {},
      options.timeoutMs ?? 10_000,
    );
  return {
    name: options.name ?? 'alertmanager',
    resendIntervalMs,
    send: (event) => post([event]),
    async resend(firing) {
      if (firing.length > 0) await post(firing);
    },
  };
}
