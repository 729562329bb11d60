import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../errors/ha-error.js';
import { formatDuration, parseDuration, safeParseDuration } from './duration.js';

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
    expect(parseDuration('250usec')).toBe(0.25);
    expect(parseDuration('20msec')).toBe(20);
    expect(parseDuration('10sec')).toBe(10_000);
    expect(parseDuration('2hr')).toBe(7_200_000);
  });

  it('reads ISO 8601 durations as Pacemaker takes them', () => {
    expect(parseDuration('PT5M')).toBe(300_000);
    expect(parseDuration('P1DT2H')).toBe(93_600_000);
    expect(parseDuration('PT0.5S')).toBe(500);
    expect(parseDuration('P1W')).toBe(604_800_000);
    expect(safeParseDuration('P')).toBeUndefined();
    expect(safeParseDuration('PT')).toBeUndefined();
    expect(parseDuration('P1Y2M')).toBe((365 + 60) * 86_400_000);
    expect(parseDuration('P1M')).toBe(30 * 86_400_000);
    expect(safeParseDuration('P1H')).toBeUndefined();
  });

  it('takes a bare number in the default unit', () => {
    expect(parseDuration('30')).toBe(30);
    expect(parseDuration('30', { defaultUnit: 's' })).toBe(30_000);
  });

  it('refuses what is not a duration, naming it', () => {
    expect(() => parseDuration('soon', { what: 'interval' })).toThrow(ParseError);
    expect(() => parseDuration('5 parsecs', { what: 'interval' })).toThrow("interval: '5 parsecs' is not a duration");
    expect(() => parseDuration('-5s')).toThrow(ParseError);
    expect(() => parseDuration('')).toThrow(ParseError);
    expect(safeParseDuration('soon')).toBeUndefined();
    expect(() => parseDuration('soon', { what: 'interval' })).toThrowErrorMatchingInlineSnapshot(
      `[ParseError: interval: 'soon' is not a duration (e.g. 500ms, 5s, 2m, 1h, PT5M)]`,
    );
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

describe('safeParseDuration agrees with the grammar written as a regex', () => {
  const units: Record<string, number> = {
    us: 0.001,
    usec: 0.001,
    ms: 1,
    msec: 1,
    s: 1e3,
    sec: 1e3,
    m: 6e4,
    min: 6e4,
    h: 36e5,
    hr: 36e5,
    d: 864e5,
  };
  const reference = (text: string): number | undefined => {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
    if (!match) return undefined;
    const factor = units[(match[2] as string).toLowerCase() || 'ms'];
    return factor === undefined ? undefined : Number(match[1]) * factor;
  };
  it('on random texts of digits, units, dots and blanks', () => {
    const unit = fc.constantFrom(
      '1',
      '0',
      '9',
      '.',
      ' ',
      '\t',
      's',
      'm',
      'S',
      'ms',
      'min',
      'sec',
      'h',
      'hr',
      'd',
      'us',
      'x',
      '-',
      '+',
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 8 }), (parts) => {
        const text = parts.join('');
        expect(safeParseDuration(text)).toBe(reference(text));
      }),
      { numRuns: 2000 },
    );
  });
});
