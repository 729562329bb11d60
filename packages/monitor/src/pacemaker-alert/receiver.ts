import { chmod, chown, lstat, mkdir, readFile, unlink } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { z } from 'zod';
import { HaError } from '@ha/core';

/** One event of Pacemaker's alert agent: the `CRM_alert_*` variables without the prefix. */
export const pacemakerAlertSchema = z
  .object({
    kind: z.enum(['node', 'fencing', 'resource', 'attribute']),
    version: z.string().optional(),
    recipient: z.string().optional(),
    node: z.string().optional(),
    nodeid: z.string().optional(),
    rsc: z.string().optional(),
    task: z.string().optional(),
    interval: z.string().optional(),
    desc: z.string().optional(),
    rc: z.string().optional(),
    target_rc: z.string().optional(),
    status: z.string().optional(),
    timestamp: z.string().optional(),
    timestamp_epoch: z.string().optional(),
    timestamp_usec: z.string().optional(),
    attribute_name: z.string().optional(),
    attribute_value: z.string().optional(),
  })
  .catchall(z.string());
export type PacemakerAlert = z.infer<typeof pacemakerAlertSchema>;

export interface AlertReceiverHandlers {
  onAlert(alert: PacemakerAlert): void;
  onWarning?(message: string): void;
}

const maxLine = 64 * 1024;

/**
 * The monitor's end of the alert agent: a unix socket the agent writes one
 * JSON line to. The socket is group `haclient` (Pacemaker runs agents as
 * hacluster) and mode 0660; a stale socket file is replaced.
 */
export class AlertReceiver {
  private server: Server | undefined;
  private readonly connections = new Set<Socket>();

  constructor(
    readonly path: string,
    private readonly handlers: AlertReceiverHandlers,
  ) {}

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
    const group = await groupId('haclient');
    if (group !== undefined) await chown(this.path, process.getuid?.() ?? 0, group).catch(() => undefined);
    await chmod(this.path, group !== undefined ? 0o660 : 0o600);
  }

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
  const text = await readFile('/etc/group', 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const [group, , gid] = line.split(':');
    if (group === name && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  return undefined;
}
