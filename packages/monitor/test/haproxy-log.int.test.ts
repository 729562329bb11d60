import { createSocket } from 'node:dgram';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HaproxyRuntime } from '@ha/haproxy-runtime';
import { freeLoopbackPort } from '@ha/lab';
import { labTools } from '@ha/lab/vitest';
import { createHaproxyProbe, createMonitor, type Monitor } from '../src/index.js';
import { EventLog } from './stack.js';

// A real HAProxy of the generation under test, whose health checks log to the monitor's UDP port:
// with the reconciling poll a minute apart, only the pushed log can make detection fast.

/** A TCP server HAProxy checks, that can be taken away and brought back. */
class Backend {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  constructor(readonly port: number) {}
  async up(): Promise<void> {
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      socket.end();
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', () => resolve()));
    this.server = server;
  }
  async down(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}

interface Stack {
  directory: string;
  backends: Backend[];
  logPort: number;
  admin: string;
  monitor: Monitor;
  log: EventLog;
  warnings: string[];
  stop(): Promise<void>;
}

async function startStack(options: { haproxyLogs: boolean; reconcileIntervalMs: number }): Promise<Stack> {
  const directory = await mkdtemp(join(tmpdir(), 'ha-monitor-log-'));
  const backends = [new Backend(await freeLoopbackPort()), new Backend(await freeLoopbackPort())];
  for (const backend of backends) await backend.up();
  const logPort = await freeLoopbackPort();
  const admin = join(directory, 'admin.sock');
  const config = [
    'global',
    ...(options.haproxyLogs ? [`    log 127.0.0.1:${logPort} local0`] : []),
    `    stats socket ${admin} mode 600 level admin`,
    'defaults',
    '    mode tcp',
    '    log global',
    '    option log-health-checks',
    '    timeout connect 1s',
    '    timeout client 5s',
    '    timeout server 5s',
    'backend servers',
    ...backends.map((backend, i) => `    server srv${i + 1} 127.0.0.1:${backend.port} check inter 100ms fall 1 rise 1`),
    '',
  ].join('\n');
  await writeFile(join(directory, 'haproxy.cfg'), config);
  const tools = await labTools();
  await tools.run('haproxy', ['-D', '-p', join(directory, 'pid'), '-f', join(directory, 'haproxy.cfg')], {
    stdio: 'ignore',
    timeoutMs: 10_000,
  });
  const pid = Number((await readFile(join(directory, 'pid'), 'utf8')).trim());
  const runtime = new HaproxyRuntime(admin, { mode: 'oneshot' });
  const deadline = Date.now() + 10_000;
  while ((await runtime.showStat().catch(() => [])).filter((row) => row.status === 'UP').length < 3) {
    if (Date.now() > deadline) throw new Error('HAProxy did not see both servers UP');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const warnings: string[] = [];
  const monitor = createMonitor({
    probes: [
      createHaproxyProbe({
        socket: admin,
        logListen: `127.0.0.1:${logPort}`,
        reconcileIntervalMs: options.reconcileIntervalMs,
        certificates: false,
      }),
    ],
  });
  monitor.on('warning', (message) => warnings.push(message));
  const log = new EventLog(monitor);
  await monitor.start();
  return {
    directory,
    backends,
    logPort,
    admin,
    monitor,
    log,
    warnings,
    async stop() {
      await monitor.stop();
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
      for (const backend of backends) await backend.down();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

const sample = async (monitor: Monitor, series: string): Promise<number | undefined> => {
  const line = (await monitor.metrics())
    .split('\n')
    .find((text) => text.startsWith(`${series} `) || text.startsWith(`${series}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

const send = (port: number, lines: readonly (string | Buffer)[]) =>
  new Promise<void>((resolve, reject) => {
    const socket = createSocket('udp4');
    let left = lines.length;
    for (const line of lines)
      socket.send(line, port, '127.0.0.1', (error) => {
        if (error) reject(error);
        if (--left === 0) socket.close(() => resolve());
      });
  });

describe("HAProxy's log pushed to the monitor", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ haproxyLogs: true, reconcileIntervalMs: 60_000 });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  }, 30_000);

  it('a server going DOWN and UP is alerted on at once, with polls a minute apart', async () => {
    const [backend] = stack.backends as [Backend];
    const latencies: number[] = [];
    for (let fault = 0; fault < 5; fault++) {
      const before = stack.log.events.length;
      const started = Date.now();
      await backend.down();
      const firing = await stack.log.waitFor('HaproxyServerDown', { server: 'srv1' }, 'firing', 10_000);
      expect(stack.log.events.indexOf(firing)).toBeGreaterThanOrEqual(before);
      latencies.push(firing.seenAt - started);
      await backend.up();
      await stack.log.waitFor('HaproxyServerDown', { server: 'srv1' }, 'resolved', 10_000);
      stack.log.events.length = 0;
    }
    // HAProxy's own check runs every 100 ms; a minute-apart poll could not come close.
    expect(Math.max(...latencies)).toBeLessThan(3_000);
    expect(await sample(stack.monitor, 'ha_monitor_haproxy_log_pushed')).toBe(1);
    expect(await sample(stack.monitor, 'ha_monitor_haproxy_log_lines_total{outcome="event"}')).toBeGreaterThanOrEqual(
      10,
    );
  }, 120_000);

  it('garbage, forged and flooded lines make no alert, cost bounded polls, and are counted', async () => {
    const pushesBefore = stack.log.pushes.length;
    const started = Date.now();
    await send(stack.logPort, [
      Buffer.from([0xff, 0x00, 0x1b, 0x5b]),
      'not syslog at all',
      '<129>Dec  2 17:42:43 haproxy[1]: Server servers/nope is DOWN. 0 active and 0 backup servers left.',
      '<129>Dec  2 17:42:43 haproxy[1]: Server elsewhere/srv1 is DOWN.',
      '<13',
      Buffer.alloc(20_000, 0x41),
    ]);
    // 10,000 forged lines about a real server that is UP, within about a second.
    const forged = '<129>Dec  2 17:42:43 haproxy[1]: Server servers/srv2 is DOWN. 0 active and 0 backup servers left.';
    for (let batch = 0; batch < 20; batch++) {
      await send(
        stack.logPort,
        Array.from({ length: 500 }, () => forged),
      );
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    const elapsed = Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stack.log.of('HaproxyServerDown')).toEqual([]);
    expect(
      await sample(stack.monitor, 'ha_monitor_haproxy_log_lines_total{outcome="malformed"}'),
    ).toBeGreaterThanOrEqual(3);
    expect(await sample(stack.monitor, 'ha_monitor_haproxy_log_lines_total{outcome="unknown"}')).toBeGreaterThanOrEqual(
      2,
    );
    expect(await sample(stack.monitor, 'ha_monitor_haproxy_log_lines_total{outcome="dropped"}')).toBeGreaterThanOrEqual(
      1,
    );
    // One poll per 50 ms at most, however many lines.
    const pushes = stack.log.pushes.length - pushesBefore;
    expect(pushes).toBeGreaterThan(0);
    expect(pushes).toBeLessThanOrEqual(Math.ceil((elapsed + 500) / 50) + 2);
    expect(stack.monitor.snapshot().probes.find((probe) => probe.name === 'haproxy')).toMatchObject({
      ok: true,
      intervalMs: 60_000,
    });
  }, 60_000);
});

describe('a log that never arrives', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ haproxyLogs: false, reconcileIntervalMs: 2_000 });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  }, 30_000);

  it('is found by the reconciling poll, which then polls at the fast interval and says why', async () => {
    const [backend] = stack.backends as [Backend];
    await backend.down();
    await stack.log.waitFor('HaproxyServerDown', { server: 'srv1' }, 'firing', 10_000);
    await stack.log.waitFor('HaproxyServerDown', { server: 'srv1' }, 'firing', 10_000);
    const waitWarning = Date.now() + 5_000;
    while (!stack.warnings.some((warning) => /no line in HAProxy's log/.test(warning)) && Date.now() < waitWarning)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stack.warnings.join('\n')).toMatch(
      /srv1 went UP → DOWN with no line in HAProxy's log: polling every 750 ms/,
    );
    expect(await sample(stack.monitor, 'ha_monitor_haproxy_log_pushed')).toBe(0);
    expect(stack.monitor.snapshot().probes[0]?.intervalMs).toBe(750);
    // Now polled every 750 ms: the way back up is seen within about a second, not the 2 s reconcile.
    const started = Date.now();
    await backend.up();
    const resolved = await stack.log.waitFor('HaproxyServerDown', { server: 'srv1' }, 'resolved', 10_000);
    expect(resolved.seenAt - started).toBeLessThan(1_900);
  }, 60_000);
});
