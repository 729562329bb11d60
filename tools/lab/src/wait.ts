import { setTimeout as sleep } from 'node:timers/promises';
import { HaError } from '@ha/core';

/**
 * Polls `probe` until it returns something other than undefined, and returns
 * that. A probe that throws ends the wait at once (it saw something that will
 * not get better); running out of time is a `TIMEOUT` error naming `what`.
 */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => T | undefined | Promise<T | undefined>,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) {
      throw new HaError('TIMEOUT', `timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(intervalMs);
  }
}
