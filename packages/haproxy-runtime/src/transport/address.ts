import { UsageError } from '@ha/core';

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
 * `unix@/path`), `ipv4@127.0.0.1:9999`, `ipv6@[::1]:9999`, or `host:port`.
 */
export function parseSocketAddress(spec: string): SocketAddress {
  const text = spec.trim();
  if (text.startsWith('unix@')) return { kind: 'unix', path: text.slice(5) };
  if (text.startsWith('/') || text.startsWith('.')) return { kind: 'unix', path: text };
  const body = text.replace(/^(ipv4|ipv6|tcp|tcp4|tcp6)@/, '');
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(body) ?? /^([^:]+):(\d+)$/.exec(body);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) {
    throw new UsageError(`'${spec}' is not a socket address (a path, ipv4@HOST:PORT or ipv6@[HOST]:PORT)`);
  }
  return { kind: 'tcp', host: match[1] as string, port: Number(match[2]) };
}

/** The address as errors show it: the path, `127.0.0.1:9999`, `[::1]:9999`. */
export function formatSocketAddress(address: SocketAddress): string {
  return address.kind === 'unix' ? address.path : `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
}
