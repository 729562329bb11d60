import { createSocket } from 'node:dgram';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../model.js';
import { toAlertmanagerAlert, createAlertmanagerSink } from './alertmanager.js';
import { alertEnvironment, createCommandSink } from './command.js';
import { SinkDelivery } from './delivery.js';
import { formatEventText, type Sink } from './sink.js';
import { createStdoutSink } from './stdout.js';
import { createSyslogSink, rfc5424 } from './syslog.js';
import { createWebhookSink, webhookSignature } from './webhook.js';

const scratch = await mkdtemp(join(tmpdir(), 'ha-monitor-sinks-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const event = (status: 'firing' | 'resolved', server = 's1'): AlertEvent => ({
  status,
  alertname: 'HaproxyServerDown',
  severity: 'warning',
  labels: { proxy: 'web', server },
  summary: `server web/${server} is DOWN`,
  startsAt: '2026-11-25T10:00:00.000Z',
  ...(status === 'resolved' ? { endsAt: '2026-11-25T10:05:00.000Z' } : {}),
  fingerprint: `HaproxyServerDown{proxy="web",server="${server}"}`,
});

/** A real HTTP receiver on loopback that records requests and answers with `status()`. */
async function receiver(status: () => number = () => 200): Promise<{
  url: string;
  requests: { headers: IncomingMessage['headers']; body: string; path: string }[];
  server: Server;
}> {
  const requests: { headers: IncomingMessage['headers']; body: string; path: string }[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const code = status();
      if (code < 300) requests.push({ headers: request.headers, body, path: request.url ?? '' });
      response.writeHead(code).end(code < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  servers.push(server);
  return { url: `http://127.0.0.1:${address.port}`, requests, server };
}
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('sinks', () => {
  it('stdout: JSON lines or text', async () => {
    const lines: string[] = [];
    await createStdoutSink({ write: (line) => lines.push(line) }).send(event('firing'));
    await createStdoutSink({ format: 'text', write: (line) => lines.push(line) }).send(event('resolved'));
    expect(JSON.parse(lines[0] as string)).toEqual(event('firing'));
    expect(lines[1]).toBe(
      'RESOLVED warning HaproxyServerDown proxy=web server=s1: server web/s1 is DOWN (2026-11-25T10:00:00.000Z → 2026-11-25T10:05:00.000Z)\n',
    );
  });

  it('webhook: a JSON POST, signed with HMAC-SHA256 over timestamp and body; a non-2xx answer is a failure', async () => {
    const hook = await receiver();
    await createWebhookSink({ url: `${hook.url}/hook`, secret: 's3cret' }).send(event('firing'));
    const [request] = hook.requests;
    expect(JSON.parse(request?.body ?? '')).toEqual({ version: 1, event: event('firing') });
    const timestamp = request?.headers['x-ha-monitor-timestamp'] as string;
    expect(request?.headers['x-ha-monitor-signature']).toBe(webhookSignature('s3cret', timestamp, request?.body ?? ''));
    const refusing = await receiver(() => 503);
    await expect(createWebhookSink({ url: refusing.url }).send(event('firing'))).rejects.toThrow(/503/);
    const closed = await receiver();
    await new Promise((resolve) => closed.server.close(resolve));
    await expect(createWebhookSink({ url: closed.url }).send(event('firing'))).rejects.toThrow(/ECONNREFUSED/);
    expect(() => createWebhookSink({ url: 'ftp://x' })).toThrow(/not http or https/);
  });

  it('alertmanager: postable alerts with alertname and severity as labels, endsAt for resolves and a hold for firing', async () => {
    const am = await receiver();
    const sink = createAlertmanagerSink({ url: am.url, resendIntervalMs: 30_000 });
    await sink.send(event('resolved'));
    await sink.resend?.([event('firing', 's1'), event('firing', 's2')]);
    expect(am.requests.map((request) => request.path)).toEqual(['/api/v2/alerts', '/api/v2/alerts']);
    expect(JSON.parse(am.requests[0]?.body ?? '')).toEqual([
      {
        labels: { proxy: 'web', server: 's1', alertname: 'HaproxyServerDown', severity: 'warning' },
        annotations: { summary: 'server web/s1 is DOWN' },
        startsAt: '2026-11-25T10:00:00.000Z',
        endsAt: '2026-11-25T10:05:00.000Z',
      },
    ]);
    expect(JSON.parse(am.requests[1]?.body ?? '')).toHaveLength(2);
    expect(toAlertmanagerAlert(event('firing'), Date.parse('2026-11-25T11:00:00Z'), 120_000).endsAt).toBe(
      '2026-11-25T11:02:00.000Z',
    );
  });

  it('command: the event in HA_ALERT_* and as JSON on stdin; a failing program is a failed delivery', async () => {
    const out = join(scratch, 'command-out');
    const script = join(scratch, 'send_alert');
    await writeFile(
      script,
      `#!/bin/sh\n{ echo "$HA_ALERT_STATUS $HA_ALERT_NAME $HA_ALERT_LABEL_SERVER"; cat; } > '${out}'\n`,
      { mode: 0o755 },
    );
    await createCommandSink({ command: [script] }).send(event('firing'));
    const [first, json] = (await readFile(out, 'utf8')).split('\n');
    expect(first).toBe('firing HaproxyServerDown s1');
    expect(JSON.parse(json as string)).toEqual(event('firing'));
    expect(alertEnvironment(event('resolved'))).toMatchObject({
      HA_ALERT_ENDS_AT: '2026-11-25T10:05:00.000Z',
      HA_ALERT_LABEL_PROXY: 'web',
    });
    await expect(createCommandSink({ command: ['false'] }).send(event('firing'))).rejects.toMatchObject({
      code: 'COMMAND_FAILED',
      exitCode: 1,
    });
  });

  it('syslog: RFC 5424 over UDP to a real socket; locally through logger', async () => {
    const socket = createSocket('udp4');
    const received = new Promise<string>((resolve) => socket.once('message', (message) => resolve(message.toString())));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const port = (socket.address() as { port: number }).port;
    await createSyslogSink({ server: `udp://127.0.0.1:${port}`, facility: 'local0' }).send(event('firing'));
    const message = await received;
    socket.close();
    expect(message).toMatch(
      /^<132>1 \S+ \S+ ha-monitor \d+ HaproxyServerDown - FIRING warning HaproxyServerDown proxy=web server=s1/,
    );
    expect(rfc5424(event('resolved'), 'daemon', 'x')).toMatch(/^<29>1 /);
    await createSyslogSink().send(event('firing')); // the system's logger: must not fail
    expect(() => createSyslogSink({ server: 'tcp://x:1' })).toThrow(/udp:\/\/HOST:PORT/);
  });

  it('formats one line of text for reminders too', () => {
    expect(formatEventText({ ...event('firing'), reminder: true })).toMatch(/^REMINDER warning/);
  });
});

describe('durable delivery', () => {
  it('a sink that is down keeps events queued on disk, in order, and gets them when it is back', async () => {
    const stateDir = await mkdtemp(join(scratch, 'delivery-'));
    let up = false;
    const hook = await receiver(() => (up ? 200 : 503));
    const sink = createWebhookSink({ url: hook.url });
    const delivery = new SinkDelivery(sink, { stateDir, initialBackoffMs: 50, maxBackoffMs: 200 });
    await delivery.start();
    await delivery.push(event('firing'));
    await delivery.push(event('resolved'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(delivery.failed).toBeGreaterThan(0);
    expect(JSON.parse(await readFile(join(stateDir, 'queue-webhook.json'), 'utf8')).events).toHaveLength(2);
    // The monitor stops while the sink is down; a new one picks the queue up.
    await delivery.stop();
    up = true;
    const again = new SinkDelivery(sink, { stateDir, initialBackoffMs: 50 });
    await again.start();
    await waitUntil(() => hook.requests.length === 2);
    expect(hook.requests.map((request) => (JSON.parse(request.body) as { event: AlertEvent }).event.status)).toEqual([
      'firing',
      'resolved',
    ]);
    await waitUntil(() => again.length === 0);
    await again.stop();
    expect(JSON.parse(await readFile(join(stateDir, 'queue-webhook.json'), 'utf8')).events).toEqual([]);
  });

  it('a bounded queue drops the oldest and counts them', async () => {
    const never: Sink = { name: 'never', send: () => Promise.reject(new Error('down')) };
    const delivery = new SinkDelivery(never, { maxQueue: 2, initialBackoffMs: 10_000 });
    await delivery.start();
    for (const server of ['a', 'b', 'c']) await delivery.push(event('firing', server));
    expect(delivery.length).toBe(2);
    expect(delivery.dropped).toBe(1);
    await delivery.stop();
  });
});

async function waitUntil(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
