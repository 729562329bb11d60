import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { HaError, ParseError } from '@ha/core';
import { parseListen } from '../http.js';

/** What one of HAProxy's log lines says about a server or a backend. */
export interface HaproxyLogEvent {
  /** A health check changed its verdict (`option log-health-checks`), a server changed state, or a backend lost its last server. */
  kind: 'health-check' | 'server-state' | 'backend-down';
  /** The backend named. */
  backend: string;
  /** The server named; undefined for `backend-down`. */
  server: string | undefined;
  /** The message, without the syslog header. */
  message: string;
}

/** How a datagram on the log socket was taken. */
export type LogLineOutcome = 'event' | 'ignored' | 'malformed' | 'unknown' | 'dropped';

// `<PRI>` then RFC 3164 (`Dec  2 17:42:43 [host] haproxy[1672]: msg`) or RFC 5424
// (`1 2026-12-02T17:42:43Z host haproxy 1672 - - msg`), the two formats `log … format` writes.
const rfc3164 = /^<\d{1,3}>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d (?:\S+ )?[^\s:[\]]+(?:\[\d+\])?: (.*)$/s;
const rfc5424 = /^<\d{1,3}>1 \S+ \S+ \S+ \S+ \S+ (?:-|(?:\[[^\]]*\])+) (.*)$/s;
const healthCheck =
  /^Health check for (?:backup )?server ([^/\s]+)\/(\S+) (?:succeeded|failed|conditionally succeeded)/;
const serverState = /^(?:Server|Backup Server) ([^/\s]+)\/(\S+) (?:is |was |has )/;
const backendDown = /^(?:backend|proxy) (\S+) has no server available!/;

/**
 * One datagram of HAProxy's log as an event, `ignored` for a well-formed line about anything else
 * (requests, proxies starting), or `malformed` when it is not a syslog line at all. Pure; the text
 * is only matched, never trusted: an event is a reason to look, not a verdict.
 */
export function parseHaproxyLogLine(datagram: string): HaproxyLogEvent | 'ignored' | 'malformed' {
  const line = datagram.replace(/\n$/, '');
  const message = rfc3164.exec(line)?.[1] ?? rfc5424.exec(line)?.[1];
  if (message === undefined) return 'malformed';
  const check = healthCheck.exec(message);
  if (check) return { kind: 'health-check', backend: check[1] as string, server: check[2] as string, message };
  const state = serverState.exec(message);
  if (state) return { kind: 'server-state', backend: state[1] as string, server: state[2] as string, message };
  const backend = backendDown.exec(message);
  if (backend) return { kind: 'backend-down', backend: backend[1] as string, server: undefined, message };
  return 'ignored';
}

/** Where the monitor receives HAProxy's log: a loopback `IP:PORT` (UDP). */
export function parseLogListen(text: string): { host: string; port: number } {
  const { host, port } = parseListen(text);
  if (port < 1 || isIP(host) === 0)
    throw new ParseError('INVALID_ADDRESS', `log_listen '${text}' is not IP:PORT (e.g. 127.0.0.1:5140)`);
  // Anyone who can send a datagram there can make the monitor look: loopback only.
  if (!(host === '::1' || host.startsWith('127.')))
    throw new ParseError('INVALID_ADDRESS', `log_listen '${text}' is not a loopback address (127.0.0.0/8 or ::1)`);
  return { host, port };
}

/** What the listener counts, by outcome. */
export type LogLineCounts = Record<LogLineOutcome, number>;

/**
 * Receives HAProxy's log datagrams on a loopback UDP port and hands each event on. Memory stays
 * bounded whatever arrives: a datagram is parsed where it lands, one over `maxBytes` is dropped
 * unread, and nothing is queued.
 */
export class HaproxyLogListener {
  /** Datagrams by outcome, for `ha_monitor_haproxy_log_lines_total`. */
  readonly counts: LogLineCounts = { event: 0, ignored: 0, malformed: 0, unknown: 0, dropped: 0 };
  /** Epoch ms of the last datagram that parsed as a syslog line (0: none yet). */
  lastLineAt = 0;
  private socket: Socket | undefined;

  constructor(
    private readonly listen: string,
    private readonly onEvent: (event: HaproxyLogEvent) => LogLineOutcome,
    private readonly options: { maxBytes?: number; clock?: () => number } = {},
  ) {}

  /** Binds; a port already taken is an error naming it. */
  async start(): Promise<void> {
    const { host, port } = parseLogListen(this.listen);
    const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
    const maxBytes = this.options.maxBytes ?? 8_192;
    const clock = this.options.clock ?? Date.now;
    socket.on('message', (bytes, remote) => {
      // Only the local HAProxy: a datagram from elsewhere (if the kernel routes one here at all) is not read.
      if (bytes.length > maxBytes || !(remote.address === '::1' || remote.address.startsWith('127.'))) {
        this.counts.dropped += 1;
        return;
      }
      const parsed = parseHaproxyLogLine(bytes.toString('utf8'));
      if (parsed === 'malformed') {
        this.counts.malformed += 1;
        return;
      }
      this.lastLineAt = clock();
      if (parsed === 'ignored') this.counts.ignored += 1;
      else this.counts[this.onEvent(parsed)] += 1;
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new HaError(
            'SOCKET_ERROR',
            `cannot listen for HAProxy's log on ${this.listen}: ${error.code ?? error.message}`,
            {
              cause: error,
            },
          ),
        ),
      );
      socket.bind(port, host, () => resolve());
    });
    socket.on('error', () => undefined);
    this.socket = socket;
  }

  /** The port bound (the one asked for, or the one the system chose for port 0). */
  get port(): number {
    return this.socket?.address().port ?? 0;
  }

  /** Closes the socket. */
  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}
