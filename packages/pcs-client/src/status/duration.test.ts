import { describe, expect, it } from 'vitest';
import { parseDurationMs } from './duration.js';

describe('parseDurationMs', () => {
  it('reads what status XML and CIBs write', () => {
    expect(parseDurationMs('10000ms')).toBe(10000);
    expect(parseDurationMs('29s')).toBe(29000);
    expect(parseDurationMs('2min')).toBe(120000);
    expect(parseDurationMs('250')).toBe(250);
    expect(parseDurationMs('10', 's')).toBe(10000);
  });

  it('reads ISO 8601 durations', () => {
    expect(parseDurationMs('PT10S')).toBe(10000);
    expect(parseDurationMs('PT1M30S')).toBe(90000);
    expect(parseDurationMs('P1DT2H')).toBe(93_600_000);
    expect(parseDurationMs('P2W')).toBe(1_209_600_000);
    expect(parseDurationMs('PT0.5S')).toBe(500);
  });

  it('gives undefined, never throws, for what is not a duration', () => {
    for (const text of [undefined, '', 'P', 'PT', 'soon', '12 parsecs', 'P1X']) expect(parseDurationMs(text)).toBeUndefined();
  });
});
