import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { HaError, ParseError, toJson } from '@ha/core';
import type { Monitor } from './monitor.js';
import { WebGuard, type Refusal } from './web/guard.js';

/**
 * The monitor's HTTP face, to mount in a server of your own:
 * `GET /metrics` (Prometheus), `GET /healthz` (200 while the loop runs),
 * `GET /status` (JSON snapshot). Anything else is 404; other methods 405.
 */
export function createRequestHandler(monitor: Monitor): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const send = (status: number, type: string, body: string) => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      send(405, 'text/plain; charset=utf-8', 'method not allowed\n');
      return;
    }
    if (path === '/metrics') {
      monitor.metrics().then(
        (text) => send(200, monitor.metricsContentType, text),
        (error: unknown) => send(500, 'text/plain; charset=utf-8', `${(error as Error).message}\n`),
      );
    } else if (path === '/healthz') {
      const running = monitor.running;
      send(running ? 200 : 503, 'text/plain; charset=utf-8', running ? 'ok\n' : 'stopped\n');
    } else if (path === '/status') {
      send(200, 'application/json; charset=utf-8', `${toJson(monitor.snapshot(), 2)}\n`);
    } else {
      send(404, 'text/plain; charset=utf-8', 'not found: try /metrics, /healthz or /status\n');
    }
  };
}

/** `HOST:PORT` (or `[v6]:PORT`) to listen on. */
export function parseListen(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65535)
    throw new ParseError('INVALID_ADDRESS', `'${text}' is not HOST:PORT (e.g. 127.0.0.1:9664)`);
  return { host: (match[1] ?? match[2]) as string, port };
}

/** How `serveMonitor` secures its endpoint. */
export interface ServeOptions {
  /** The Prometheus exporter toolkit's web configuration file: TLS, basic auth, headers, rate limit. */
  webConfig?: string | undefined;
  /** `/healthz` answers without credentials (for load balancer and orchestrator probes). Default false. */
  publicHealthz?: boolean | undefined;
  /** Every refused request or TLS connection, for the audit. */
  onRefused?: ((refusal: Refusal) => void) | undefined;
  /** A web configuration change that could not apply. */
  onWarning?: ((message: string) => void) | undefined;
}

/**
 * Serves `createRequestHandler(monitor)` on `listen` (default 127.0.0.1:9664); resolves once listening.
 * With `webConfig`, over TLS and behind basic authentication as that file says (the file is read
 * first: a bad one is a typed error before anything listens).
 */
export async function serveMonitor(
  monitor: Monitor,
  listen = '127.0.0.1:9664',
  options: ServeOptions = {},
): Promise<Server & { url: string }> {
  const { host, port } = parseListen(listen);
  const handler = createRequestHandler(monitor);
  const guard = options.webConfig
    ? await WebGuard.load(options.webConfig, { onWarning: options.onWarning })
    : undefined;
  const tlsOptions = guard?.serverOptions();
  const publicPaths = options.publicHealthz ? ['/healthz'] : [];
  const refused = options.onRefused ?? (() => undefined);
  let server: Server;
  let https: HttpsServer | undefined;
  const guarded: RequestListener = (request, response) => {
    void (async () => {
      if (!guard) return handler(request, response);
      await guard.refresh(https);
      for (const [name, value] of Object.entries(guard.config.headers)) response.setHeader(name, value);
      const refusal = await guard.check(request, publicPaths);
      if (!refusal) return handler(request, response);
      refused({
        status: refusal.status,
        reason: refusal.reason,
        remote: request.socket.remoteAddress ?? '?',
        request: `${request.method ?? '?'} ${request.url ?? '/'}`,
      });
      response.writeHead(refusal.status, {
        ...refusal.headers,
        'content-type': 'text/plain; charset=utf-8',
        'cache-control': 'no-store',
      });
      response.end(refusal.status === 401 ? 'unauthorized\n' : 'too many requests\n');
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`${(error as Error).message}\n`);
    });
  };
  if (guard && tlsOptions) {
    https = createHttpsServer(tlsOptions, guarded);
    // The policies Node cannot express in its options are checked once the handshake is done.
    https.on('secureConnection', (socket: TLSSocket) => {
      const reason = guard.refuseConnection(socket);
      if (reason === undefined) return;
      refused({ status: 0, reason, remote: socket.remoteAddress ?? '?', request: undefined });
      socket.destroy();
    });
    https.on('tlsClientError', (error: Error, socket: TLSSocket) =>
      refused({ status: 0, reason: `TLS: ${error.message}`, remote: socket.remoteAddress ?? '?', request: undefined }),
    );
    server = https;
  } else server = createServer(guarded);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new HaError('SOCKET_ERROR', `cannot listen on ${listen}: ${error.code ?? error.message}`, { cause: error }),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const scheme = tlsOptions ? 'https' : 'http';
  return Object.assign(server, { url: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${actualPort}` });
}
