import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '@ha/core';
import { alertEventSchema, type AlertEvent } from '../model.js';
import { readStateFile } from '../state-file.js';
import type { Sink } from './sink.js';

/** Options of a `SinkDelivery`. */
export interface DeliveryOptions {
  /** Where the queue is kept (`DIR/queue-SINK.json`); none: in memory only. */
  stateDir?: string;
  /** The largest queue file read back at start, bytes (default 16 MiB); a larger one is reported and ignored. */
  maxBytes?: number;
  /** At most this many events wait; beyond it the oldest are dropped (and counted). Default 1000. */
  maxQueue?: number;
  /** First retry after this long, doubling up to `maxBackoffMs`. Defaults 1 s and 60 s. */
  initialBackoffMs?: number;
  /** The longest wait between retries, ms (default 60 s). */
  maxBackoffMs?: number;
  /** Called for each failed delivery and each unreadable queue file, with the sink's name. */
  onError?(sink: string, error: unknown): void;
}

const queueFileSchema = z.object({ version: z.literal(1), events: z.array(alertEventSchema) });

function parseJson<T>(text: string, schema: z.ZodType<T>): T | undefined {
  try {
    const result = schema.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One sink's delivery: events wait in order, on disk when the sink is
 * durable, and go out one by one; a failure is retried with backoff and holds
 * the ones behind it, so a resolve never overtakes its firing. The queue
 * survives a restart of the monitor.
 */
export class SinkDelivery {
  /** Events delivered. */
  delivered = 0;
  /** Failed delivery attempts. */
  failed = 0;
  /** Events dropped because the queue was full. */
  dropped = 0;
  /** The last delivery error, until a delivery succeeds. */
  lastError: string | undefined;
  private queue: AlertEvent[] = [];
  private stopped = false;
  private wake: (() => void) | undefined;
  private backoffMs: number;
  private loop: Promise<void> | undefined;
  private persisting: Promise<void> = Promise.resolve();

  constructor(
    /** The sink it delivers to. */
    readonly sink: Sink,
    private readonly options: DeliveryOptions = {},
  ) {
    this.backoffMs = options.initialBackoffMs ?? 1_000;
  }

  /** Events waiting. */
  get length(): number {
    return this.queue.length;
  }

  private get file(): string | undefined {
    return this.options.stateDir && this.sink.durable !== false
      ? join(this.options.stateDir, `queue-${this.sink.name.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`)
      : undefined;
  }

  /** Loads what a previous run left undelivered, and starts delivering. */
  async start(): Promise<void> {
    const file = this.file;
    if (file) {
      const text = await readStateFile(file, this.options.maxBytes, (message) =>
        this.options.onError?.(this.sink.name, new Error(message)),
      );
      if (text !== undefined) {
        // A damaged queue (a crash mid-write of another tool, a hand edit) is reported, never fatal.
        const parsed = parseJson(text, queueFileSchema);
        if (parsed) this.queue.unshift(...parsed.events);
        else this.options.onError?.(this.sink.name, new Error(`${file}: not a queue file; starting empty`));
      }
    }
    this.loop = this.run();
  }

  /** Queues an event (persisted before this resolves, for a durable sink). */
  async push(event: AlertEvent): Promise<void> {
    this.queue.push(event);
    const max = this.options.maxQueue ?? 1_000;
    if (this.queue.length > max) {
      this.dropped += this.queue.length - max;
      this.queue.splice(0, this.queue.length - max);
    }
    await this.persist();
    this.wake?.();
  }

  /** Stops after the delivery in progress; what is left stays queued (on disk). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await this.persisting;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const event = this.queue[0];
      if (!event) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      try {
        await this.sink.send(event);
        this.delivered++;
        this.lastError = undefined;
        this.backoffMs = this.options.initialBackoffMs ?? 1_000;
        if (this.queue[0] === event) this.queue.shift();
        await this.persist();
      } catch (error) {
        this.failed++;
        this.lastError = (error as Error).message;
        this.options.onError?.(this.sink.name, error);
        const wait = this.backoffMs;
        this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 60_000);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          this.wake = () => {
            // New events do not cut a backoff short; stopping does.
            if (this.stopped) {
              clearTimeout(timer);
              resolve();
            }
          };
        });
        this.wake = undefined;
      }
    }
  }

  private persist(): Promise<void> {
    const file = this.file;
    if (!file) return Promise.resolve();
    const snapshot = JSON.stringify({ version: 1, events: this.queue });
    this.persisting = this.persisting
      .then(() => writeFileAtomic(file, snapshot, { mode: 0o600 }))
      .catch((error: unknown) => this.options.onError?.(this.sink.name, error));
    return this.persisting;
  }
}
