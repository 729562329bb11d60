import { constants, existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { parse as parseIni } from 'ini';
import { z } from 'zod';
import {
  escapeForMessage,
  createRunner,
  defaultRunner,
  ParseError,
  safeParseDuration,
  readTextFile,
  toValidationIssues,
  ValidationError,
  type Runner,
} from '@ha/core';
import { defaultSocket } from '@ha/haproxy-runtime';
import type { AlertPolicy, InhibitRule, Silence } from './engine/alert-engine.js';
import { parseMatchers } from './engine/matchers.js';
import { severitySchema, type Labels } from './model.js';
import type { MonitorOptions } from './monitor.js';
import { createCorosyncProbe } from './probes/corosync.js';
import { createDrbdProbe, drbdInUse } from './probes/drbd.js';
import { createHaproxyProbe } from './probes/haproxy.js';
import { parseLogListen } from './probes/haproxy-log.js';
import { createPacemakerProbe } from './probes/pacemaker.js';
import type { Probe } from './probes/probe.js';
import { createAlertmanagerSink } from './sinks/alertmanager.js';
import { createCommandSink } from './sinks/command.js';
import type { Sink } from './sinks/sink.js';
import { createStdoutSink } from './sinks/stdout.js';
import { createSyslogSink, type SyslogFacility } from './sinks/syslog.js';
import { createWebhookSink } from './sinks/webhook.js';

// INI values arrive as strings, or booleans for true/false.
const flag = z
  .union([z.boolean(), z.enum(['yes', 'no', 'on', 'off', 'true', 'false', '1', '0'])])
  .transform((value) => value === true || value === 'yes' || value === 'on' || value === 'true' || value === '1');
const duration = z.string().transform((text, context) => {
  const ms = safeParseDuration(text);
  if (ms === undefined)
    context.addIssue({ code: 'custom', message: `'${text}' is not a duration (e.g. 500ms, 5s, 2m, 1h, PT5M)` });
  return ms ?? z.NEVER;
});
const ratio = z.coerce.number().gt(0).lte(1);
const words = z.string().transform((text) =>
  text
    .trim()
    .split(/\s+/)
    .filter((word) => word.length > 0),
);

const probeSection = {
  /** `false` turns the probe off; `true` runs it even where its tools are not found. Absent: detected. */
  enabled: flag.optional(),
  /** Between two runs (`5s`), ms once read. */
  interval: duration.optional(),
  /** A run that takes longer fails, ms once read. */
  timeout: duration.optional(),
  /** Run the probe's commands through this (`sudo -n`, `nsenter -t PID -a`): words, not a shell line. */
  command_prefix: words.optional(),
};

const policySection = z.strictObject({
  /** Overrides the probe's severity. */
  severity: severitySchema.optional(),
  /** The condition must hold this long before the alert fires, ms once read. */
  raise_after: duration.optional(),
  /** It must be gone this long before the alert resolves, ms once read. */
  resolve_after: duration.optional(),
  /** Repeat a firing alert this often, ms once read. */
  remind_every: duration.optional(),
  /** `false` drops the alert. */
  enabled: flag.optional(),
});

const webhookSection = z.strictObject({
  /** Where to POST. */
  url: z.string(),
  /** Signs each request (HMAC-SHA256). */
  secret: z.string().optional(),
  /** Request timeout, ms once read. */
  timeout: duration.optional(),
});
const commandSection = z.strictObject({
  /** The program and its arguments, as words (never a shell line). */
  command: words.pipe(z.array(z.string()).min(1, 'a program is needed')),
  /** How long it may run, ms once read. */
  timeout: duration.optional(),
});
const alertmanagerSection = z.strictObject({
  /** Alertmanager's base URL (`http://127.0.0.1:9093`). */
  url: z.string(),
  /** Re-send firing alerts this often (default 60 s), ms once read. */
  resend: duration.optional(),
  /** Request timeout, ms once read. */
  timeout: duration.optional(),
});

/** A sink section, or several named ones (`[sink.webhook.ops]`, `[sink.webhook.dev]`). */
function sinkKind<S extends z.ZodObject>(section: S) {
  return z.union([section, z.record(z.string(), section)]);
}

/** The INI configuration of `ha-monitor`, validated. */
export const monitorConfigSchema = z.strictObject({
  /** `[monitor]`: the monitor itself, and the defaults of every alert. */
  monitor: z
    .strictObject({
      /** Where alert state and undelivered events are kept. */
      state_dir: z.string().optional(),
      /** `cluster=prod, site=east`: added to every alert. */
      labels: z.string().optional(),
      /** Silence every alert while the cluster is in maintenance mode (default true). */
      silence_in_maintenance: flag.optional(),
      /** Default hold-down before an alert fires, ms once read. */
      raise_after: duration.optional(),
      /** Default hold-down before an alert resolves, ms once read. */
      resolve_after: duration.optional(),
      /** Default reminder interval, ms once read. */
      remind_every: duration.optional(),
    })
    .optional(),
  /** `[pacemaker]`: the Pacemaker probe. */
  pacemaker: z
    .strictObject({
      ...probeSection,
      /** Where the shipped alert agent reaches the monitor (a unix socket path). */
      alert_socket: z.string().optional(),
      /** The alert socket's group: a name, or a numeric gid when Pacemaker's accounts are not this machine's. */
      alert_socket_group: z.string().optional(),
      /** Follow the CIB's change notifications (crm_mon's continuous mode; default true). */
      watch_cib: flag.optional(),
      /** While the CIB is followed, between two reads of crm_mon (default 60s). */
      reconcile_interval: duration.optional(),
    })
    .optional(),
  /** `[corosync]`: the Corosync probe. */
  corosync: z.strictObject(probeSection).optional(),
  /** `[haproxy]`: the HAProxy probe. */
  haproxy: z
    .strictObject({
      ...probeSection,
      /** The stats socket: a path, `unix@PATH` or `ipv4@HOST:PORT`. */
      socket: z.string().optional(),
      /** Sessions at or above this share of their limit raise `HaproxySessionsNearLimit` (default 0.9). */
      sessions_ratio: ratio.optional(),
      /** Watch the certificates HAProxy has loaded (default true). */
      certificates: flag.optional(),
      /** Fewer days left than this raise `HaproxyCertificateExpiring` as a warning (default 14). */
      certificate_warning_days: z.coerce.number().positive().optional(),
      /** …and as critical below this (default 3). */
      certificate_critical_days: z.coerce.number().nonnegative().optional(),
      /** Receive HAProxy's log here (loopback `IP:PORT`, UDP): its changes are pushed, polls only reconcile. */
      log_listen: z
        .string()
        .refine(
          (text) => {
            try {
              parseLogListen(text);
              return true;
            } catch {
              return false;
            }
          },
          { message: 'is not a loopback IP:PORT (e.g. 127.0.0.1:5140)' },
        )
        .optional(),
      /** With `log_listen`, between two polls while the log carries the changes (default 10s). */
      reconcile_interval: duration.optional(),
    })
    .refine(
      (section) =>
        section.certificate_warning_days === undefined ||
        section.certificate_critical_days === undefined ||
        section.certificate_critical_days <= section.certificate_warning_days,
      {
        message: 'certificate_critical_days is more than certificate_warning_days',
        path: ['certificate_critical_days'],
      },
    )
    .optional(),
  /** `[drbd]`: the DRBD probe. */
  drbd: z
    .strictObject({
      ...probeSection,
      /** Follow `drbdsetup events2` (default true). */
      events: flag.optional(),
      /** A resync that does not move for this long raises `DrbdSyncStalled`, ms once read. */
      stall_after: duration.optional(),
    })
    .optional(),
  /** `[http]`: `/metrics`, `/healthz`, `/status`. */
  http: z
    .strictObject({
      /** `false`: no HTTP endpoint. */
      enabled: flag.optional(),
      /** `HOST:PORT` (default `127.0.0.1:9664`). */
      listen: z.string().optional(),
      /** The Prometheus exporter toolkit's web configuration file (TLS, basic auth with bcrypt hashes). */
      web_config: z.string().min(1).optional(),
      /** `true`: `/healthz` answers without credentials, for probes. */
      public_healthz: flag.optional(),
    })
    .optional(),
  /** `[sink.KIND]` and `[sink.KIND.NAME]`: where alert events go. */
  sink: z
    .strictObject({
      /** `[sink.stdout]`: events on standard output. */
      stdout: z
        .strictObject({
          /** `json` (one line each, the default) or `text`. */
          format: z.enum(['json', 'text']).optional(),
          /** `false` turns it off. */
          enabled: flag.optional(),
        })
        .optional(),
      /** `[sink.webhook]`, or several `[sink.webhook.NAME]`. */
      webhook: sinkKind(webhookSection).optional(),
      /** `[sink.alertmanager]`, or several `[sink.alertmanager.NAME]`. */
      alertmanager: sinkKind(alertmanagerSection).optional(),
      /** `[sink.command]`, or several `[sink.command.NAME]`. */
      command: sinkKind(commandSection).optional(),
      /** `[sink.syslog]`. */
      syslog: z
        .strictObject({
          /** `udp://HOST:PORT`; absent: the local syslog through `logger`. */
          server: z.string().optional(),
          /** The facility (default `daemon`). */
          facility: z.string().optional(),
          /** The tag (default `ha-monitor`). */
          tag: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  /** `[alert.PacemakerNodeStandby]`: a policy per alertname. */
  alert: z.record(z.string(), policySection).optional(),
  /** `[silence.NAME]`: `match = alertname=X, node=node2`, optional `starts`/`ends` (ISO 8601), `comment`. */
  silence: z
    .record(
      z.string(),
      z.strictObject({
        match: z.string(),
        starts: z.string().optional(),
        ends: z.string().optional(),
        comment: z.string().optional(),
      }),
    )
    .optional(),
  /** `[inhibit.NAME]`: `source`, `target` (matchers), `equal` (label names). */
  inhibit: z
    .record(z.string(), z.strictObject({ source: z.string(), target: z.string(), equal: z.string().optional() }))
    .optional(),
});
/** A validated `ha-monitor` configuration (see `monitorConfigSchema`): durations in ms, flags as booleans. */
export type MonitorConfig = z.output<typeof monitorConfigSchema>;

/** `[section.sub] key`: where a zod issue points in the INI file. */
function where(path: readonly PropertyKey[]): string {
  const parts = path.map(String);
  if (parts.length === 0) return 'the file';
  if (parts.length === 1) return `[${parts[0]}]`;
  return `[${parts.slice(0, -1).join('.')}] ${parts[parts.length - 1]}`;
}

/** Reads an INI text into a validated configuration; errors name the section and key. */
export function parseMonitorConfig(
  text: string,
  options: { file?: string; overrides?: Record<string, Record<string, unknown>> } = {},
): MonitorConfig {
  const raw = parseIni(text) as Record<string, unknown>;
  for (const [section, values] of Object.entries(options.overrides ?? {})) {
    const target = (raw[section] && typeof raw[section] === 'object' ? raw[section] : (raw[section] = {})) as Record<
      string,
      unknown
    >;
    Object.assign(target, values);
  }
  const result = monitorConfigSchema.safeParse(raw);
  if (!result.success) {
    let issue = result.error.issues[0] as z.core.$ZodIssue;
    // A sink section may be one section or several named ones: explain it as the single section it most likely is.
    while (issue.code === 'invalid_union' && issue.errors[0]?.[0]) {
      const inner: z.core.$ZodIssue = issue.errors[0][0];
      issue = { ...inner, path: [...issue.path, ...inner.path] };
    }
    // Keys are the file's own bytes: a binary file must not put raw control bytes on a terminal.
    const unknownKey =
      issue.code === 'unrecognized_keys' ? ` '${issue.keys.map((key) => escapeForMessage(key, 80)).join("', '")}'` : '';
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown key${issue.keys.length > 1 ? 's' : ''}${unknownKey}`
        : issue.message;
    throw new ValidationError(options.file ?? 'monitor configuration', toValidationIssues(result.error.issues), {
      message: `${options.file ? `${options.file}: ` : ''}${where(issue.path)}: ${message}`,
    });
  }
  return result.data;
}

/**
 * Reads and validates a configuration file. A file larger than `maxBytes`
 * (default 16 MiB) is refused with `InputTooLargeError` before it is read.
 */
export async function loadMonitorConfig(
  path: string,
  overrides?: Record<string, Record<string, unknown>>,
  options: { maxBytes?: number | undefined } = {},
): Promise<MonitorConfig> {
  const text = await readTextFile(path, { maxBytes: options.maxBytes });
  return parseMonitorConfig(text, { file: path, ...(overrides ? { overrides } : {}) });
}

/** `cluster=prod, site=east` into labels. */
export function parseLabels(text: string): Labels {
  const labels: Labels = {};
  for (const part of text.split(',')) {
    if (!part.trim()) continue;
    const match = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*(.*?)\s*$/.exec(part);
    if (!match) throw new ParseError('INVALID_LABELS', `[monitor] labels: '${part.trim()}' is not NAME=VALUE`);
    labels[match[1] as string] = (match[2] as string).replace(/^"(.*)"$/, '$1');
  }
  return labels;
}

async function onPath(program: string): Promise<boolean> {
  for (const directory of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter)) {
    if (!directory) continue;
    if (
      await access(join(directory, program), constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return true;
  }
  return false;
}

/** An alert policy from `[alert.NAME]` (or the defaults in `[monitor]`): only what is written. */
function policyOf(section: {
  severity?: AlertPolicy['severity'];
  raise_after?: number | undefined;
  resolve_after?: number | undefined;
  remind_every?: number | undefined;
  enabled?: boolean | undefined;
}): AlertPolicy {
  return {
    ...(section.severity ? { severity: section.severity } : {}),
    ...(section.raise_after !== undefined ? { raiseAfterMs: section.raise_after } : {}),
    ...(section.resolve_after !== undefined ? { resolveAfterMs: section.resolve_after } : {}),
    ...(section.remind_every !== undefined ? { remindEveryMs: section.remind_every } : {}),
    ...(section.enabled !== undefined ? { enabled: section.enabled } : {}),
  };
}

/** A probe section's interval and timeout, as probe options (absent when not written). */
function timing(section: { interval?: number | undefined; timeout?: number | undefined } | undefined): {
  intervalMs?: number;
  timeoutMs?: number;
} {
  return {
    ...(section?.interval !== undefined ? { intervalMs: section.interval } : {}),
    ...(section?.timeout !== undefined ? { timeoutMs: section.timeout } : {}),
  };
}

/** A runner that runs every command through `prefix` (words: `sudo -n`, `nsenter -t PID -a`); none: this machine's. */
export function prefixedRunner(prefix: readonly string[] | undefined): Runner {
  if (!prefix || prefix.length === 0) return defaultRunner;
  const [file, ...args] = prefix as [string, ...string[]];
  return createRunner({
    wrap: (program, programArgs) => ({ file, args: [...args, program, ...programArgs] }),
    label: prefix.join(' '),
  });
}

/** The monitor's parts built from a configuration: probes, sinks, alert policies, HTTP. */
export interface BuiltMonitor {
  /** What `createMonitor` takes. */
  options: MonitorOptions;
  /** `HOST:PORT`, or undefined when `[http] enabled = false`. */
  listen: string | undefined;
  /** `[http] web_config` and `public_healthz`, for `serveMonitor`. */
  serve: {
    /** The web configuration file, if any. */
    webConfig: string | undefined;
    /** `/healthz` without credentials. */
    publicHealthz: boolean;
  };
  /** Why each probe runs or not (`pacemaker: auto, crm_mon found`). */
  decisions: string[];
}

/**
 * Turns a configuration into monitor options. A probe whose section is absent
 * runs only where its tools (and its daemon's configuration) are there;
 * `enabled = false` turns one off; `enabled = true` runs it regardless.
 */
export async function buildMonitor(
  config: MonitorConfig,
  options: { write?: (line: string) => void } = {},
): Promise<BuiltMonitor> {
  const probes: Probe[] = [];
  const decisions: string[] = [];
  const decide = async (
    name: string,
    section: { enabled?: boolean | undefined } | undefined,
    detect: () => Promise<string | undefined>,
  ): Promise<boolean> => {
    if (section?.enabled === false) {
      decisions.push(`${name}: off (enabled = false)`);
      return false;
    }
    // A section that is there (without enabled = false) means: watch this.
    if (section !== undefined) {
      decisions.push(`${name}: on (configured)`);
      return true;
    }
    const found = await detect();
    decisions.push(found ? `${name}: on (auto: ${found})` : `${name}: off (auto: not found here)`);
    return found !== undefined;
  };
  const corosyncConf = () => existsSync('/etc/corosync/corosync.conf');

  const pacemaker = config.pacemaker;
  if (
    await decide('pacemaker', pacemaker, async () =>
      (await onPath('crm_mon')) && corosyncConf() ? 'crm_mon and corosync.conf' : undefined,
    )
  ) {
    probes.push(
      createPacemakerProbe({
        runner: prefixedRunner(pacemaker?.command_prefix),
        ...timing(pacemaker),
        ...(pacemaker?.alert_socket ? { alertSocket: pacemaker.alert_socket } : {}),
        ...(pacemaker?.watch_cib !== undefined ? { watchCib: pacemaker.watch_cib } : {}),
        ...(pacemaker?.reconcile_interval !== undefined ? { reconcileIntervalMs: pacemaker.reconcile_interval } : {}),
        ...(pacemaker?.alert_socket_group
          ? {
              alertSocketGroup: /^\d+$/.test(pacemaker.alert_socket_group)
                ? Number(pacemaker.alert_socket_group)
                : pacemaker.alert_socket_group,
            }
          : {}),
      }),
    );
  }
  const corosync = config.corosync;
  if (
    await decide('corosync', corosync, async () =>
      (await onPath('corosync-cmapctl')) && corosyncConf() ? 'corosync-cmapctl and corosync.conf' : undefined,
    )
  ) {
    probes.push(createCorosyncProbe({ runner: prefixedRunner(corosync?.command_prefix), ...timing(corosync) }));
  }
  const haproxy = config.haproxy;
  const socket = haproxy?.socket ?? defaultSocket;
  if (await decide('haproxy', haproxy, async () => (existsSync(socket) ? socket : undefined))) {
    probes.push(
      createHaproxyProbe({
        socket,
        ...timing(haproxy),
        ...(haproxy?.sessions_ratio !== undefined ? { sessionsRatio: haproxy.sessions_ratio } : {}),
        ...(haproxy?.certificates !== undefined ? { certificates: haproxy.certificates } : {}),
        ...(haproxy?.certificate_warning_days !== undefined
          ? { certificateWarningDays: haproxy.certificate_warning_days }
          : {}),
        ...(haproxy?.certificate_critical_days !== undefined
          ? { certificateCriticalDays: haproxy.certificate_critical_days }
          : {}),
        ...(haproxy?.log_listen !== undefined ? { logListen: haproxy.log_listen } : {}),
        ...(haproxy?.reconcile_interval !== undefined ? { reconcileIntervalMs: haproxy.reconcile_interval } : {}),
      }),
    );
  }
  const drbd = config.drbd;
  if (
    await decide('drbd', drbd, async () =>
      (await onPath('drbdsetup')) && drbdInUse() ? 'drbdsetup and /proc/drbd' : undefined,
    )
  ) {
    probes.push(
      createDrbdProbe({
        runner: prefixedRunner(drbd?.command_prefix),
        ...timing(drbd),
        ...(drbd?.events !== undefined ? { events: drbd.events } : {}),
        ...(drbd?.stall_after !== undefined ? { stallAfterMs: drbd.stall_after } : {}),
      }),
    );
  }

  const sinks: Sink[] = [];
  const sinkConfig = config.sink ?? {};
  if (sinkConfig.stdout && sinkConfig.stdout.enabled !== false)
    sinks.push(
      createStdoutSink({
        format: sinkConfig.stdout.format ?? 'json',
        ...(options.write ? { write: options.write } : {}),
      }),
    );
  const named = <T>(kind: string, value: T | Record<string, T> | undefined, key: string): [string, T][] => {
    if (value === undefined) return [];
    if (typeof value === 'object' && value !== null && key in value) return [[kind, value as T]];
    return Object.entries(value as Record<string, T>).map(([name, entry]) => [`${kind}.${name}`, entry]);
  };
  for (const [name, entry] of named('webhook', sinkConfig.webhook, 'url')) {
    sinks.push(
      createWebhookSink({
        name,
        url: entry.url,
        ...(entry.secret ? { secret: entry.secret } : {}),
        ...(entry.timeout !== undefined ? { timeoutMs: entry.timeout } : {}),
      }),
    );
  }
  for (const [name, entry] of named('alertmanager', sinkConfig.alertmanager, 'url')) {
    sinks.push(
      createAlertmanagerSink({
        name,
        url: entry.url,
        ...(entry.resend !== undefined ? { resendIntervalMs: entry.resend } : {}),
        ...(entry.timeout !== undefined ? { timeoutMs: entry.timeout } : {}),
      }),
    );
  }
  for (const [name, entry] of named('command', sinkConfig.command, 'command')) {
    sinks.push(
      createCommandSink({
        name,
        command: entry.command,
        ...(entry.timeout !== undefined ? { timeoutMs: entry.timeout } : {}),
      }),
    );
  }
  if (sinkConfig.syslog) {
    const { server, facility, tag } = sinkConfig.syslog;
    sinks.push(
      createSyslogSink({
        ...(server ? { server } : {}),
        ...(facility ? { facility: facility as SyslogFacility } : {}),
        ...(tag ? { tag } : {}),
      }),
    );
  }

  const monitor = config.monitor ?? {};
  const policies: Record<string, AlertPolicy> = {};
  for (const [alertname, policy] of Object.entries(config.alert ?? {})) {
    policies[alertname] = policyOf(policy);
  }
  const time = (text: string | undefined, what: string) => {
    if (text === undefined) return undefined;
    const value = Date.parse(text);
    if (Number.isNaN(value))
      throw new ParseError('INVALID_TIME', `${what}: '${text}' is not a date and time (ISO 8601)`);
    return value;
  };
  const silences: Silence[] = Object.entries(config.silence ?? {}).map(([id, silence]) => {
    const startsAt = time(silence.starts, `[silence.${id}] starts`);
    const endsAt = time(silence.ends, `[silence.${id}] ends`);
    return {
      id,
      matchers: parseMatchers(silence.match),
      ...(startsAt !== undefined ? { startsAt } : {}),
      ...(endsAt !== undefined ? { endsAt } : {}),
      ...(silence.comment ? { comment: silence.comment } : {}),
    };
  });
  const inhibitRules: InhibitRule[] = Object.values(config.inhibit ?? {}).map((rule) => ({
    source: parseMatchers(rule.source),
    target: parseMatchers(rule.target),
    equal: (rule.equal ?? '').split(/[\s,]+/).filter(Boolean),
  }));
  const defaults = policyOf(monitor);

  const http = config.http ?? {};
  return {
    options: {
      probes,
      sinks,
      ...(monitor.state_dir ? { stateDir: monitor.state_dir } : {}),
      alerts: {
        defaults,
        policies,
        silences,
        inhibitRules,
        ...(monitor.labels ? { externalLabels: parseLabels(monitor.labels) } : {}),
        ...(monitor.silence_in_maintenance === false ? { silenceInMaintenance: false } : {}),
      },
    },
    listen: http.enabled === false ? undefined : (http.listen ?? '127.0.0.1:9664'),
    serve: { webConfig: http.web_config, publicHealthz: http.public_healthz === true },
    decisions,
  };
}
