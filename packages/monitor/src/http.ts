import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { HaError, ParseError, toJson } from '@ha/core';
import type { Monitor } from './monitor.js';

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

/** Serves `createRequestHandler(monitor)` on `listen` (default 127.0.0.1:9664); resolves once listening. */
export async function serveMonitor(monitor: Monitor, listen = '127.0.0.1:9664'): Promise<Server & { url: string }> {
  const { host, port } = parseListen(listen);
  const server = createServer(createRequestHandler(monitor));
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
  return Object.assign(server, { url: `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}` });
}
