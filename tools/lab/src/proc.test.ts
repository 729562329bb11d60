import { describe, expect, it } from 'vitest';
import { sendSignal } from './proc.js';

describe('sendSignal', () => {
  // process.kill(0, …) signals the caller's whole process group: a pid read as 0 from an empty
  // pid file once sent SIGTERM to the test run itself.
  it('refuses anything but one process: 0, negative numbers (groups) and PID 1', () => {
    for (const pid of [0, -1, -4242, 1, Number.NaN, 1.5])
      expect(() => sendSignal(pid, 'SIGTERM'), String(pid)).toThrow(RangeError);
  });

  it('takes a process that is already gone quietly', () => {
    expect(() => sendSignal(2 ** 22 + 12345, 'SIGTERM')).not.toThrow();
  });
});
