/**
 * A process of N tiny HTTP servers on loopback, the real backends behind the
 * lab's HAProxy. Usage: node backend-server.js --count N --ready FILE
 * It writes `{ "pid": …, "ports": […] }` to FILE once every server listens,
 * answers `srvK` on every path, and exits on SIGTERM.
 */
import { createServer, type Server } from 'node:http';
import { writeFileAtomic } from '@ha/core';

const args = process.argv.slice(2);
const count = Number(args[args.indexOf('--count') + 1]);
const readyFile = args[args.indexOf('--ready') + 1];
if (!Number.isInteger(count) || count < 1 || readyFile === undefined) {
  process.stderr.write('usage: backend-server --count N --ready FILE\n');
  process.exit(2);
}

const servers: Server[] = [];
const ports: number[] = [];
for (let k = 1; k <= count; k++) {
  const name = `srv${k}`;
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain', 'x-backend': name });
    response.end(`${name}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  servers.push(server);
  ports.push(address.port);
}
await writeFileAtomic(readyFile, `${JSON.stringify({ pid: process.pid, ports })}\n`);

process.on('SIGTERM', () => {
  for (const server of servers) server.close();
  process.exit(0);
});
