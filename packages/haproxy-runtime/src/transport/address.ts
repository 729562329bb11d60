import { escapeForMessage, safeParseInteger } from '@ha/core';
import { runtimeParseError } from '../errors.js';

/** Where a stats socket or master CLI listens. */
export type SocketAddress =
  | {
      /** A Unix socket. */
      kind: 'unix';
      /** Its path: `/run/haproxy/admin.sock`. */
      path: string;
    }
  | {
      /** A TCP socket. */
      kind: 'tcp';
      /** A host name or an IP address, IPv6 without brackets: `127.0.0.1`, `::1`. */
      host: string;
      /** 1 to 65535. */
      port: number;
    };

/**
 * Reads an address as HAProxy writes them: a path (`/run/haproxy/admin.sock`,
 * `unix@/path`), `ipv4@127.0.0.1:9999`, `ipv6@[::1]:9999`, or `host:port`;
 * a `ParseError` (reason `INVALID_SOCKET_ADDRESS`) for anything else.
 */
export function parseSocketAddress(spec: string): SocketAddress {
  const text = spec.trim();
  if (text.startsWith('unix@')) return { kind: 'unix', path: text.slice(5) };
  if (text.startsWith('/') || text.startsWith('.')) return { kind: 'unix', path: text };
  const body = text.replace(/^(ipv4|ipv6|tcp|tcp4|tcp6)@/, '');
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(body) ?? /^([^:]+):(\d+)$/.exec(body);
  const port = match ? safeParseInteger(match[2] as string, { min: 1, max: 65535 }) : undefined;
  if (!match || port === undefined) {
    const message = `'${escapeForMessage(spec, 200)}' is not a socket address (a path, ipv4@HOST:PORT or ipv6@[HOST]:PORT, port 1 to 65535)`;
    throw runtimeParseError('INVALID_SOCKET_ADDRESS', message);
  }
  return { kind: 'tcp', host: match[1] as string, port };
}

/** The address as errors show it: the path, `127.0.0.1:9999`, `[::1]:9999`. */
export function formatSocketAddress(address: SocketAddress): string {
  return address.kind === 'unix'
    ? address.path
    : `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
}
