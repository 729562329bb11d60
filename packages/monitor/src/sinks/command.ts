import { defaultRunner, type Runner } from '@ha/core';
import type { AlertEvent } from '../model.js';
import type { Sink } from './sink.js';

/** The variables a command sink's program gets: `HA_ALERT_STATUS`, `HA_ALERT_NAME`, `HA_ALERT_LABEL_NODE` … */
export function alertEnvironment(event: AlertEvent): Record<string, string> {
  const env: Record<string, string> = {
    HA_ALERT_STATUS: event.status,
    HA_ALERT_NAME: event.alertname,
    HA_ALERT_SEVERITY: event.severity,
    HA_ALERT_SUMMARY: event.summary,
    HA_ALERT_STARTS_AT: event.startsAt,
    HA_ALERT_FINGERPRINT: event.fingerprint,
  };
  if (event.endsAt) env.HA_ALERT_ENDS_AT = event.endsAt;
  for (const [name, value] of Object.entries(event.labels)) env[`HA_ALERT_LABEL_${name.toUpperCase()}`] = value;
  return env;
}

/**
 * Runs a program per event (the seed's `send_alert`): the event in
 * `HA_ALERT_*` variables and as JSON on standard input. A non-zero exit or a
 * timeout is a failed delivery, tried again later.
 */
export function createCommandSink(options: {
  command: readonly string[];
  runner?: Runner;
  timeoutMs?: number;
  name?: string;
}): Sink {
  const [file, ...args] = options.command;
  if (file === undefined || file === '') throw new TypeError('the command sink needs a program');
  const runner = options.runner ?? defaultRunner;
  return {
    name: options.name ?? 'command',
    async send(event) {
      await runner.run(file, args, {
        env: alertEnvironment(event),
        input: `${JSON.stringify(event)}\n`,
        timeoutMs: options.timeoutMs ?? 30_000,
      });
    },
  };
}
