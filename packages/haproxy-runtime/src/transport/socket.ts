import { statSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { HaError, SocketError } from '@ha/core';
import { formatSocketAddress, type SocketAddress } from './address.js';

/** Opens a connection with a deadline; failures become `SocketError`s that say what is wrong. */
export function connectSocket(address: SocketAddress, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket =
      address.kind === 'unix'
        ? createConnection({ path: address.path })
        : createConnection({ host: address.host, port: address.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new SocketError(formatSocketAddress(address), `no connection within ${timeoutMs} ms`, {
          systemCode: 'ETIMEDOUT',
        }),
      );
    }, timeoutMs);
    const onError = (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(describeSocketError(address, error));
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

/**
 * A system error on a socket, said the way an operator needs to hear it. A
 * path that is not a socket (Linux refuses a connection to a regular file or
 * a directory as if nothing listened) is named for what it is, `systemCode`
 * `ENOTSOCK`, so nobody waits for an HAProxy that will never answer there.
 */
export function describeSocketError(address: SocketAddress, error: NodeJS.ErrnoException): SocketError {
  const where = formatSocketAddress(address);
  const code = error.code ?? 'EUNKNOWN';
  const notSocket =
    address.kind === 'unix' && (code === 'ECONNREFUSED' || code === 'ENOTSOCK')
      ? describeNonSocket(address.path)
      : undefined;
  if (notSocket !== undefined)
    return new SocketError(
      where,
      `${notSocket}, not a socket (HAProxy creates its 'stats socket' itself: is this the right path?)`,
      { systemCode: 'ENOTSOCK', cause: error },
    );
  const messages: Record<string, string> = {
    ENOENT: "no such socket (is HAProxy running, with a 'stats socket' at this path?)",
    ECONNREFUSED:
      address.kind === 'unix'
        ? 'connection refused: the socket file is there but nothing listens on it (HAProxy stopped or crashed, or is reloading?)'
        : 'connection refused (nothing listens there: HAProxy stopped or reloading?)',
    EACCES: 'permission denied on the socket file (run as its owner, or check its mode)',
    ECONNRESET: 'connection reset by HAProxy',
    EPIPE: 'HAProxy closed the connection while we were writing',
  };
  return new SocketError(where, messages[code] ?? `${code}: ${error.message}`, { systemCode: code, cause: error });
}

// What a path is when it is not a socket; undefined for a socket (or when it cannot be looked at).
function describeNonSocket(path: string): string | undefined {
  try {
    const stats = statSync(path);
    if (stats.isSocket()) return undefined;
    if (stats.isFile()) return 'is a regular file';
    if (stats.isDirectory()) return 'is a directory';
    if (stats.isFIFO()) return 'is a named pipe (FIFO)';
    return 'is a device';
  } catch {
    return undefined;
  }
}

/** Options of one request. */
export interface RequestOptions {
  /** Deadline for the answer, from when the request is sent. Default: the client's. */
  timeoutMs?: number;
  /** Data for a payload command (`<<`), sent after the command line. */
  payload?: string;
}

/** Frames a request as HAProxy reads it: `line\n`, or `line <<\npayload\n\n`. */
export function frameRequest(line: string, payload: string | undefined): string {
  return payload === undefined ? `${line}\n` : `${line} <<\n${payload}\n\n`;
}

/**
 * One connection, one command, in HAProxy's non-interactive mode: it answers and
 * closes. The connection is closed in every case, also on timeout, because the
 * master CLI in particular has few slots and leaks those of hung clients.
 */
export async function requestOnce(
  address: SocketAddress,
  line: string,
  options: RequestOptions & { timeoutMs: number },
): Promise<string> {
  const chunks: Buffer[] = [];
  await requestChunks(address, line, options, (chunk) => chunks.push(chunk));
  return trimAnswerEnd(Buffer.concat(chunks).toString('utf8'));
}

/** An answer without the newlines that end it: most end with an empty line, some (del server, errors) with one newline only. */
export function trimAnswerEnd(answer: string): string {
  return answer.replace(/\n{1,2}$/, '');
}

/** `requestOnce` chunk by chunk as the bytes arrive. */
export async function requestChunks(
  address: SocketAddress,
  line: string,
  options: RequestOptions & { timeoutMs: number },
  onChunk: (chunk: Buffer) => void,
): Promise<void> {
  const socket = await connectSocket(address, options.timeoutMs);
  return new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(
      () =>
        fail(
          new HaError(
            'TIMEOUT',
            `${formatSocketAddress(address)}: no complete answer to '${line}' within ${options.timeoutMs} ms`,
          ),
        ),
      options.timeoutMs,
    );
    socket.on('data', (chunk: Buffer) => {
      if (failed) return;
      try {
        onChunk(chunk);
      } catch (error) {
        fail(error as Error);
      }
    });
    socket.once('error', (error: NodeJS.ErrnoException) => fail(describeSocketError(address, error)));
    socket.once('close', () => {
      clearTimeout(timer);
      if (!failed) resolve();
    });
    socket.end(frameRequest(line, options.payload));
  });
}
