import { setTimeout as sleep } from 'node:timers/promises';
import { HaError } from '@ha/core';
import { acceptAnswer } from './classify-answer.js';
import { HaproxyRuntime, type RuntimeOptions } from './client.js';
import { parseProc, type HaproxyProcess } from './parse/dumps.js';
import { parseSocketAddress, type SocketAddress } from './transport/address.js';
import { requestOnce } from './transport/socket.js';

/** The outcome of a reload through the master CLI. */
export interface ReloadResult {
  /** False when the master counted a failed reload (a bad configuration). */
  success: boolean;
  /** `show proc` before the reload. */
  before: HaproxyProcess[];
  /** `show proc` once the master counted the reload (old workers still serving are marked `old`). */
  after: HaproxyProcess[];
  /** Workers started by this reload. */
  newWorkers: number[];
  /** What the master answered (3.x: `Success=…` and the startup messages); undefined when it answered nothing (2.6). */
  output?: string | undefined;
}

/**
 * HAProxy's master CLI (`-S`). It has very few connection slots, so every
 * command uses its own short connection with a deadline, always closed.
 */
export class HaproxyMaster {
  /** Where the master CLI listens, parsed from what the constructor was given. */
  readonly address: SocketAddress;
  private readonly timeoutMs: number;

  /**
   * @param socket The master CLI's address, as given to `haproxy -S` (a path, or `ipv4@HOST:PORT`).
   * @param options `timeoutMs`: deadline of each answer (default 10 s).
   */
  constructor(socket: string | SocketAddress, options: { timeoutMs?: number } = {}) {
    this.address = typeof socket === 'string' ? parseSocketAddress(socket) : socket;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** `show proc`: the master, its workers and old workers still serving, with reload counters. */
  async showProc(): Promise<HaproxyProcess[]> {
    return parseProc(
      acceptAnswer('show proc', await requestOnce(this.address, 'show proc', { timeoutMs: this.timeoutMs })),
    );
  }

  /**
   * Reloads HAProxy and waits until the master has counted the reload, then
   * reports whether it succeeded and which workers it started (`timeoutMs`: how long to wait, default 30 s).
   */
  async reload(options: { timeoutMs?: number | undefined } = {}): Promise<ReloadResult> {
    const { timeoutMs = 30_000 } = options;
    const before = await this.showProc();
    const master = before.find((process) => process.type === 'master') as HaproxyProcess;
    // The master re-executes itself on reload and drops this connection: 2.6 answers nothing,
    // 3.x answers `Success=0|1` and the new process's startup messages.
    const answer = await requestOnce(this.address, 'reload', { timeoutMs: this.timeoutMs }).catch(() => '');
    const reported = /^Success=([01])/m.exec(answer)?.[1];
    // `Success=0` is a failed reload, reported in the result; anything else but silence is a refusal.
    if (reported === undefined) acceptAnswer('reload', answer);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const after = await this.showProc().catch(() => undefined);
      const now = after?.find((process) => process.type === 'master');
      if (after && now && (now.reloads > master.reloads || (now.failedReloads ?? 0) > (master.failedReloads ?? 0))) {
        const oldPids = new Set(before.map((process) => process.pid));
        const newWorkers = after
          .filter((process) => process.type === 'worker' && !process.old && !oldPids.has(process.pid))
          .map((process) => process.pid);
        // `[failed: N]` counts failed reloads since the last good one: back to 0 after a success.
        const failed =
          now.failedReloads !== undefined && now.failedReloads > 0 && now.failedReloads >= (master.failedReloads ?? 0);
        const success = reported === undefined ? !failed && newWorkers.length > 0 : reported === '1';
        return { success, before, after, newWorkers, output: answer.length > 0 ? answer : undefined };
      }
      if (Date.now() >= deadline)
        throw new HaError('TIMEOUT', `the master did not report the reload within ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  /**
   * A Runtime API client routed through the master to one worker: `1` is the
   * current worker (`@1`), `'!PID'` a worker by PID (`@!PID`), 0 the master itself.
   * Its answers are classified as every other client's (`classifyAnswer`): a
   * refusal the worker sends back through the master is thrown the same way.
   * One connection per command (the master's slots are few), so nothing to close.
   */
  worker(target: number | `!${number}`, options: Omit<RuntimeOptions, 'prefix' | 'mode'> = {}): HaproxyRuntime {
    return new HaproxyRuntime(this.address, { ...options, mode: 'oneshot', prefix: `@${target} ` });
  }
}
