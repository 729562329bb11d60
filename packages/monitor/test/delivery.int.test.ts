import { readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { defaultRunner } from '@ha/core';
import { freeLoopbackPort, killLabBackend, startLabBackend } from '@ha/lab';
import { useLabHaproxy } from '@ha/lab/vitest';
import type { AlertEvent } from '../src/index.js';
import { sharedDirectory } from './stack.js';

// The real ha-monitor process against the real HAProxy: a webhook that is down, and a monitor killed mid-fault.
const haproxy = useLabHaproxy({ servers: 3 });
const bin = fileURLToPath(new URL('../bin/ha-monitor.js', import.meta.url));
const directories: string[] = [];
const pids: number[] = [];
afterEach(() => {
  for (const pid of pids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

/** A webhook receiver on loopback: answers 503 while `up` is false, records what it accepts. */
async function webhook(): Promise<{
  url: string;
  up: boolean;
  attempts: number;
  events: AlertEvent[];
  close(): Promise<void>;
}> {
  const state = { url: '', up: false, attempts: 0, events: [] as AlertEvent[], close: async () => undefined as void };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      state.attempts++;
      if (!state.up) return void response.writeHead(503).end();
      state.events.push((JSON.parse(body) as { event: AlertEvent }).event);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

/** Starts `ha-monitor --config FILE` in the background; returns once /healthz answers. */
async function startMonitor(config: string, directory: string): Promise<number> {
  const { pid } = await defaultRunner.spawnDetached(process.execPath, [bin, '--config', config], {
    logFile: join(directory, 'monitor.log'),
  });
  pids.push(pid);
  const port = /listen = 127\.0\.0\.1:(\d+)/.exec(await readFile(config, 'utf8'))?.[1];
  await until(
    async () =>
      await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (response) => response.ok,
        () => false,
      ),
    20_000,
  );
  return pid;
}

async function until(predicate: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function setup(receiver: { url: string }): Promise<{ directory: string; config: string }> {
  const directory = await sharedDirectory('ha-monitor-delivery-');
  directories.push(directory);
  const config = join(directory, 'monitor.ini');
  await writeFile(
    config,
    [
      '[monitor]',
      `state_dir = ${join(directory, 'state')}`,
      '[pacemaker]',
      'enabled = false',
      '[corosync]',
      'enabled = false',
      '[drbd]',
      'enabled = false',
      '[haproxy]',
      `socket = ${haproxy().adminSocket}`,
      'interval = 500ms',
      '[http]',
      `listen = 127.0.0.1:${await freeLoopbackPort()}`,
      '[sink.webhook]',
      `url = ${receiver.url}`,
      '',
    ].join('\n'),
  );
  return { directory, config };
}

const statuses = (events: AlertEvent[], server: string) =>
  events
    .filter((event) => event.alertname === 'HaproxyServerDown' && event.labels.server === server)
    .map((event) => event.status);

describe('delivery that survives', () => {
  it('a webhook that is down during a fault gets the alert when it is back, then the resolve', async () => {
    const receiver = await webhook();
    const { directory, config } = await setup(receiver);
    await startMonitor(config, directory);
    await killLabBackend('srv2');
    await until(() => receiver.attempts >= 2); // refused at least once, retried
    expect(receiver.events).toEqual([]);
    receiver.up = true;
    await until(() => statuses(receiver.events, 'srv2').length === 1);
    await startLabBackend('srv2');
    await until(() => statuses(receiver.events, 'srv2').length === 2);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(statuses(receiver.events, 'srv2')).toEqual(['firing', 'resolved']);
    await receiver.close();
  }, 120_000);

  it('a monitor killed during a fault (its webhook down too) neither repeats nor loses the alert after a restart', async () => {
    const receiver = await webhook();
    const { directory, config } = await setup(receiver);
    const first = await startMonitor(config, directory);
    await killLabBackend('srv3');
    await until(() => receiver.attempts >= 1); // the firing event exists, queued on disk, undelivered
    process.kill(first, 'SIGKILL');
    receiver.up = true;
    await startMonitor(config, directory);
    await until(() => statuses(receiver.events, 'srv3').length === 1);
    await new Promise((resolve) => setTimeout(resolve, 4_000)); // many polls of the same fault: no repeat
    expect(statuses(receiver.events, 'srv3')).toEqual(['firing']);
    await startLabBackend('srv3');
    await until(() => statuses(receiver.events, 'srv3').length === 2);
    expect(statuses(receiver.events, 'srv3')).toEqual(['firing', 'resolved']);
    expect(
      receiver.events.filter((event) => event.alertname === 'HaproxyServerDown').map((event) => event.labels.server),
    ).toEqual(['srv3', 'srv3']);
    await receiver.close();
  }, 120_000);
});
