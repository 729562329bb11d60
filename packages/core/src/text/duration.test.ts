import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors/ha-error.js';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads the units HAProxy, Pacemaker and our configs use', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('5s')).toBe(5_000);
    expect(parseDuration('1.5s')).toBe(1_500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('2min')).toBe(120_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('250us')).toBe(0.25);
  });

  it('takes a bare number in the default unit', () => {
    expect(parseDuration('30')).toBe(30);
    expect(parseDuration('30', { defaultUnit: 's' })).toBe(30_000);
  });

  it('refuses what is not a duration, naming it', () => {
    expect(() => parseDuration('soon', { what: 'interval' })).toThrow(UsageError);
    expect(() => parseDuration('5 parsecs', { what: 'interval' })).toThrow("interval: '5 parsecs' is not a duration");
    expect(() => parseDuration('-5s')).toThrow(UsageError);
    expect(() => parseDuration('')).toThrow(UsageError);
  });
});

describe('formatDuration', () => {
  it('prints short human forms', () => {
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(12_500)).toBe('12.5s');
    expect(formatDuration(200_000)).toBe('3m20s');
    expect(formatDuration(7_500_000)).toBe('2h5m');
  });
});
