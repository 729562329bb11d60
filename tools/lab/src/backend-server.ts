/**
 * One tiny HTTP server on loopback: a real backend behind the lab's HAProxy,
 * one process each, so a test can kill one backend for real.
 * Usage: node backend-server.js --name NAME --port PORT --ready FILE
 * It answers `NAME` on every path (`/slow?ms=N` after N ms, to hold a session
 * open), echoes the `X-Route` header HAProxy sets as `X-Seen-Route`, writes
 * `{ "pid": …, "port": … }` to FILE once it listens, and exits on SIGTERM.
 */
import { createServer } from 'node:http';
import { writeFileAtomic } from '@ha/core';

const args = process.argv.slice(2);
const option = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const name = option('--name');
const port = Number(option('--port') ?? '0');
const readyFile = option('--ready');
if (name === undefined || readyFile === undefined || !Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write('usage: backend-server --name NAME --port PORT --ready FILE\n');
  process.exit(2);
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://backend');
  const delay = url.pathname === '/slow' ? Math.min(60_000, Number(url.searchParams.get('ms') ?? '1000')) : 0;
  setTimeout(() => {
    const route = request.headers['x-route'];
    response.writeHead(200, {
      'content-type': 'text/plain',
      'x-backend': name,
      ...(typeof route === 'string' ? { 'x-seen-route': route } : {}),
    });
    response.end(`${name}\n`);
  }, delay);
});
await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
const address = server.address();
if (address === null || typeof address === 'string') throw new Error('no TCP address');
await writeFileAtomic(readyFile, `${JSON.stringify({ pid: process.pid, port: address.port })}\n`);

process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
});
