import type { AlertEvent } from '../model.js';

/**
 * Where alert events go. `send` throws when the event did not get through:
 * the monitor keeps it (queued on disk when `durable`) and tries again with
 * backoff, in order, until it does.
 */
export interface Sink {
  /** Unique within a monitor: `stdout`, `webhook`, `webhook.ops` … */
  name: string;
  /** Delivers one event; throws when it did not get through (it is then retried). */
  send(event: AlertEvent): Promise<void>;
  /** Keep undelivered events on disk across restarts (default true). */
  durable?: boolean;
  /** Re-send every firing alert this often (Alertmanager expects it). */
  resendIntervalMs?: number;
  /** Re-sends every alert firing now, every `resendIntervalMs`. */
  resend?(firing: AlertEvent[]): Promise<void>;
  /** Releases sockets and the like when the monitor stops. */
  close?(): Promise<void>;
}

/** One line of text for an event: `FIRING critical PacemakerNodeOffline node=node2: node node2 is offline`. */
export function formatEventText(event: AlertEvent): string {
  const labels = Object.entries(event.labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  const when =
    event.status === 'resolved' ? ` (${event.startsAt} → ${event.endsAt ?? ''})` : ` (since ${event.startsAt})`;
  const status = event.status === 'firing' ? (event.reminder ? 'REMINDER' : 'FIRING') : 'RESOLVED';
  const labelList = labels ? ` ${labels}` : '';
  return `${status} ${event.severity} ${event.alertname}${labelList}: ${event.summary}${when}`;
}
