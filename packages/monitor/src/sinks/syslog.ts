import { createSocket } from 'node:dgram';
import { hostname } from 'node:os';
import { defaultRunner, ParseError, type Runner } from '@ha/core';
import type { AlertEvent, Severity } from '../model.js';
import { formatEventText, type Sink } from './sink.js';

const facilities = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'audit',
  'alert',
  'clock',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
] as const;
/** A syslog facility name (`daemon`, `local0` …). */
export type SyslogFacility = (typeof facilities)[number];

/** Syslog priority of an event: critical → crit, warning → warning, info (and every resolve) → notice/info. */
export function syslogLevel(event: AlertEvent): 'crit' | 'warning' | 'notice' | 'info' {
  if (event.status === 'resolved') return 'notice';
  const levels: Record<Severity, 'crit' | 'warning' | 'info'> = { critical: 'crit', warning: 'warning', info: 'info' };
  return levels[event.severity];
}

/** An RFC 5424 message (for a remote syslog over UDP). */
export function rfc5424(event: AlertEvent, facility: SyslogFacility, tag: string, now: Date = new Date()): string {
  const codes = { crit: 2, warning: 4, notice: 5, info: 6 };
  const priority = facilities.indexOf(facility) * 8 + codes[syslogLevel(event)];
  return `<${priority}>1 ${now.toISOString()} ${hostname()} ${tag} ${process.pid} ${event.alertname} - ${formatEventText(event)}`;
}

/** Options of `createSyslogSink`. */
export interface SyslogSinkOptions {
  /** `udp://HOST:PORT` for a remote syslog; default: the local one, through `logger` (journald or rsyslog). */
  server?: string;
  /** The facility (default `daemon`). */
  facility?: SyslogFacility;
  /** The tag (program name) of each message (default `ha-monitor`). */
  tag?: string;
  /** Runs `logger` (default: this machine). */
  runner?: Runner;
  /** The sink's name (default `syslog`). */
  name?: string;
}

/** Events to syslog: locally with the system's `logger`, or as RFC 5424 over UDP. */
export function createSyslogSink(options: SyslogSinkOptions = {}): Sink {
  const facility = options.facility ?? 'daemon';
  if (!facilities.includes(facility)) throw new TypeError(`'${facility}' is not a syslog facility`);
  const tag = options.tag ?? 'ha-monitor';
  const runner = options.runner ?? defaultRunner;
  let remote: { host: string; port: number } | undefined;
  if (options.server !== undefined) {
    const match = /^udp:\/\/(\[[^\]]+\]|[^:/]+):(\d+)$/.exec(options.server);
    if (!match) throw new ParseError('INVALID_ADDRESS', `syslog server '${options.server}' is not udp://HOST:PORT`);
    remote = { host: (match[1] as string).replace(/^\[|\]$/g, ''), port: Number(match[2]) };
  }
  return {
    name: options.name ?? 'syslog',
    async send(event) {
      if (!remote) {
        await runner.run(
          'logger',
          ['--tag', tag, '--priority', `${facility}.${syslogLevel(event)}`, '--', formatEventText(event)],
          { timeoutMs: 10_000 },
        );
        return;
      }
      const target = remote;
      const message = Buffer.from(rfc5424(event, facility, tag));
      await new Promise<void>((resolve, reject) => {
        const socket = createSocket(target.host.includes(':') ? 'udp6' : 'udp4');
        socket.send(message, target.port, target.host, (error) => {
          socket.close();
          if (error) reject(error);
          else resolve();
        });
      });
    },
  };
}
