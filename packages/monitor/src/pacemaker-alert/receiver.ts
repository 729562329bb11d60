import { chmod, chown, lstat, mkdir, unlink } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { z } from 'zod';
import { HaError, readTextFile } from '@ha/core';

/** One event of Pacemaker's alert agent: the `CRM_alert_*` variables without the prefix. */
export const pacemakerAlertSchema = z
  .object({
    /** `CRM_alert_kind`: what happened to. */
    kind: z.enum(['node', 'fencing', 'resource', 'attribute']),
    /** `CRM_alert_version`: the Pacemaker version that sent it. */
    version: z.string().optional(),
    /** `CRM_alert_recipient`: the recipient's value (the monitor's socket). */
    recipient: z.string().optional(),
    /** `CRM_alert_node`: the node it is about. */
    node: z.string().optional(),
    /** `CRM_alert_nodeid`: that node's id (node alerts). */
    nodeid: z.string().optional(),
    /** `CRM_alert_rsc`: the resource (resource alerts). */
    rsc: z.string().optional(),
    /** `CRM_alert_task`: the operation (`start`, `monitor`), or the fencing action. */
    task: z.string().optional(),
    /** `CRM_alert_interval`: the operation's interval, ms. */
    interval: z.string().optional(),
    /** `CRM_alert_desc`: what happened, in words (`member`, `lost`, `ok`, `not running`). */
    desc: z.string().optional(),
    /** `CRM_alert_rc`: the operation's exit code, or the fencing result. */
    rc: z.string().optional(),
    /** `CRM_alert_target_rc`: the exit code the operation was expected to give. */
    target_rc: z.string().optional(),
    /** `CRM_alert_status`: the execution status (a number). */
    status: z.string().optional(),
    /** `CRM_alert_timestamp`: when (as the alert's `timestamp-format` writes it). */
    timestamp: z.string().optional(),
    /** `CRM_alert_timestamp_epoch`: when, seconds since the epoch. */
    timestamp_epoch: z.string().optional(),
    /** `CRM_alert_timestamp_usec`: the microseconds of that second. */
    timestamp_usec: z.string().optional(),
    /** `CRM_alert_attribute_name`: the node attribute (attribute alerts). */
    attribute_name: z.string().optional(),
    /** `CRM_alert_attribute_value`: its new value. */
    attribute_value: z.string().optional(),
  })
  .catchall(z.string());
/** One event of the alert agent (see `pacemakerAlertSchema`); other `CRM_alert_*` variables are kept as strings. */
export type PacemakerAlert = z.infer<typeof pacemakerAlertSchema>;

/** What an `AlertReceiver` calls. */
export interface AlertReceiverHandlers {
  /** For each event the agent delivered. */
  onAlert(alert: PacemakerAlert): void;
  /** For what it could not take (not JSON, not an alert, too long). */
  onWarning?(message: string): void;
}

const maxLine = 64 * 1024;

/** How an `AlertReceiver` makes its socket. */
export interface AlertReceiverOptions {
  /**
   * The socket's group: a name looked up in /etc/group, or a numeric gid. Default
   * `haclient`. Give the gid when the cluster's account database is not this
   * machine's (Pacemaker in a container or another root), or agents cannot connect.
   */
  group?: string | number;
}

/**
 * The monitor's end of the alert agent: a unix socket the agent writes one
 * JSON line to. The socket is group `haclient` (Pacemaker runs agents as
 * hacluster) and mode 0660; a stale socket file is replaced.
 */
export class AlertReceiver {
  private server: Server | undefined;
  private readonly connections = new Set<Socket>();

  constructor(
    /** The unix socket's path. */
    readonly path: string,
    private readonly handlers: AlertReceiverHandlers,
    private readonly options: AlertReceiverOptions = {},
  ) {}

  /** Creates the socket (replacing a stale one; refusing a path that is something else) and accepts agents. */
  async listen(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o755 });
    const existing = await lstat(this.path).catch(() => undefined);
    if (existing) {
      if (!existing.isSocket()) throw new HaError('PRECONDITION_FAILED', `${this.path} exists and is not a socket`);
      await unlink(this.path);
    }
    const server = createServer((connection) => this.accept(connection));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const wanted = this.options.group ?? 'haclient';
    const group = typeof wanted === 'number' ? wanted : await groupId(wanted);
    if (group !== undefined) await chown(this.path, process.getuid?.() ?? 0, group).catch(() => undefined);
    await chmod(this.path, group !== undefined ? 0o660 : 0o600);
  }

  /** Stops accepting, drops open connections, removes the socket. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const connection of this.connections) connection.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await unlink(this.path).catch(() => undefined);
  }

  private accept(connection: Socket): void {
    this.connections.add(connection);
    connection.setEncoding('utf8');
    connection.setTimeout(5_000, () => connection.destroy());
    let buffer = '';
    connection.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > maxLine) {
        this.handlers.onWarning?.('alert agent: a line longer than 64 KiB, dropped');
        connection.end('error: too long\n');
        return;
      }
      const newline = buffer.indexOf('\n');
      if (newline === -1) return;
      const line = buffer.slice(0, newline);
      let parsed: PacemakerAlert | undefined;
      try {
        const result = pacemakerAlertSchema.safeParse(JSON.parse(line));
        if (result.success) parsed = result.data;
        else this.handlers.onWarning?.(`alert agent: not an alert (${result.error.issues[0]?.message ?? 'invalid'})`);
      } catch {
        this.handlers.onWarning?.('alert agent: not JSON');
      }
      connection.end(parsed ? 'ok\n' : 'error: not an alert\n');
      if (parsed) this.handlers.onAlert(parsed);
    });
    connection.on('error', () => undefined);
    connection.on('close', () => this.connections.delete(connection));
  }
}

async function groupId(name: string): Promise<number | undefined> {
  const text = await readTextFile('/etc/group').catch(() => '');
  for (const line of text.split('\n')) {
    const [group, , gid] = line.split(':');
    if (group === name && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  return undefined;
}
