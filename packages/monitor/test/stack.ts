import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { HaproxyLab, LabCluster } from '@ha/lab';
import { PcsClient } from '@ha/pcs-client';
import {
  createCorosyncProbe,
  createHaproxyProbe,
  createMonitor,
  createPacemakerProbe,
  registerAlertAgent,
  unregisterAlertAgent,
  type AlertEvent,
  type Monitor,
  type MonitorOptions,
  type Probe,
} from '../src/index.js';

/**
 * A directory for the monitor's state, socket and agent launcher that the lab's
 * nodes see too (their /tmp and /run are their own) and that Pacemaker's
 * agent (user hacluster) can reach.
 */
export async function sharedDirectory(prefix: string): Promise<string> {
  const directory = await mkdtemp(join('/var/tmp', prefix));
  await chmod(directory, 0o755);
  return directory;
}

/** The probes of a monitor watching the lab from node1: Pacemaker (with pushes), Corosync, HAProxy. */
export function labProbes(
  cluster: LabCluster | undefined,
  haproxy: HaproxyLab | undefined,
  directory: string,
  options: { haproxyIntervalMs?: number } = {},
): Probe[] {
  const probes: Probe[] = [];
  if (cluster) {
    const node1 = cluster.runner('node1');
    probes.push(
      createPacemakerProbe({
        runner: node1,
        alertSocket: join(directory, 'pacemaker.sock'),
        // The nodes' haclient, which is not the host's on another generation.
        alertSocketGroup: cluster.clusterAccount.haclient,
      }),
      createCorosyncProbe({ runner: node1 }),
    );
  }
  if (haproxy)
    probes.push(
      createHaproxyProbe({
        socket: haproxy.adminSocket,
        ...(options.haproxyIntervalMs ? { intervalMs: options.haproxyIntervalMs } : {}),
      }),
    );
  return probes;
}

/** Registers ha-monitor's alert agent in the lab cluster (through pcs on node1). */
export async function registerLabAgent(cluster: LabCluster, directory: string): Promise<void> {
  await registerAlertAgent({
    agentPath: join(directory, 'alert-agent'),
    socketPath: join(directory, 'pacemaker.sock'),
    pcs: new PcsClient({ runner: cluster.runner('node1') }),
  });
}

/** Every alert event of a monitor, with when it was seen, and waits on them. */
export class EventLog {
  readonly events: (AlertEvent & { seenAt: number })[] = [];
  readonly pushes: { probe: string; reason: string; at: number }[] = [];
  readonly warnings: string[] = [];

  constructor(monitor: Monitor) {
    monitor.on('alert', (event) => this.events.push({ ...event, seenAt: Date.now() }));
    monitor.on('push', (push) => this.pushes.push({ ...push, at: Date.now() }));
    monitor.on('warning', (message) => this.warnings.push(message));
  }

  of(alertname: string, labels: Record<string, string> = {}): (AlertEvent & { seenAt: number })[] {
    return this.events.filter(
      (event) =>
        event.alertname === alertname && Object.entries(labels).every(([key, value]) => event.labels[key] === value),
    );
  }

  async waitFor(
    alertname: string,
    labels: Record<string, string>,
    status: 'firing' | 'resolved',
    timeoutMs = 60_000,
  ): Promise<AlertEvent & { seenAt: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.of(alertname, labels).find((event) => event.status === status);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(
          `no ${status} ${alertname} ${JSON.stringify(labels)} within ${timeoutMs} ms; events: ${this.events.map((event) => `${event.status} ${event.fingerprint}`).join(', ') || 'none'}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Every fingerprint's events alternate firing/resolved and end resolved (event-like alerts aside). */
  unbalanced(): string[] {
    const byFingerprint = new Map<string, string[]>();
    for (const event of this.events)
      if (event.endsAt === undefined || event.status === 'resolved')
        byFingerprint.set(event.fingerprint, [...(byFingerprint.get(event.fingerprint) ?? []), event.status]);
    const problems: string[] = [];
    for (const [fingerprint, statuses] of byFingerprint) {
      const alternates = statuses.every((status, index) => status === (index % 2 === 0 ? 'firing' : 'resolved'));
      if (!alternates || statuses.length % 2 !== 0) problems.push(`${fingerprint}: ${statuses.join(' ')}`);
    }
    return problems;
  }
}

/** A monitor of the lab, with its event log. */
export function labMonitor(options: MonitorOptions): { monitor: Monitor; log: EventLog } {
  const monitor = createMonitor(options);
  return { monitor, log: new EventLog(monitor) };
}

/** A monitor watching a lab from node1, its event log and its directory (see `startWatching`). */
export interface Watching {
  monitor: Monitor;
  log: EventLog;
  directory: string;
}

/**
 * Starts what the live files share: a directory the nodes see, the seed's resources, the alert agent
 * registered, and a monitor whose every probe has run once (healthy to begin with).
 */
export async function startWatching(
  cluster: LabCluster,
  haproxy: HaproxyLab | undefined,
  prefix: string,
): Promise<Watching> {
  const directory = await sharedDirectory(prefix);
  await cluster.createSeedResources();
  await registerLabAgent(cluster, directory);
  const { monitor, log } = labMonitor({ probes: labProbes(cluster, haproxy, directory), stateDir: directory });
  await monitor.start();
  const deadline = Date.now() + 20_000;
  while (monitor.snapshot().probes.some((probe) => probe.ok !== true)) {
    if (Date.now() > deadline) throw new Error(`probes not ok: ${JSON.stringify(monitor.snapshot().probes)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { monitor, log, directory };
}

/** Undoes `startWatching` (what of it was done). */
export async function stopWatching(cluster: LabCluster, watching: Partial<Watching>): Promise<void> {
  await watching.monitor?.stop();
  await unregisterAlertAgent({ pcs: new PcsClient({ runner: cluster.runner('node1') }) }).catch(() => undefined);
  if (watching.directory) await rm(watching.directory, { recursive: true, force: true });
}

/** Polls `check` every 250 ms until it gives a value (a throw counts as "not yet"); fails naming `what`. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
