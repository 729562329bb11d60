import { safeParseInteger, type Severity } from '@ha/core';
import type { HaproxyCode } from '../codes.js';
import { logFacilities, logFormats, logLevels } from '../build/log-target.js';
import { parseAddress, parseHaproxyTime } from '../model/config.js';
import type { CstLine } from '../parse/cst.js';
import { balanceAlgorithms, bindSettings, proxyModes, timeoutNames } from '../settings.js';

/**
 * Reports a finding on a word of a line (the keyword when the word is
 * missing): the collector's `report(code, message, range, severity)` with the
 * word's range.
 */
export type WordReporter = (
  line: CstLine,
  wordIndex: number,
  code: HaproxyCode,
  message: string | (() => string),
  severity?: Severity,
) => void;

// HAProxy keeps times in a signed 32-bit count of milliseconds.
const maxTimeMs = 2_147_483_647;
const facilities = new Set<string>(logFacilities);
const levels = new Set<string>(logLevels);
const formats = new Set<string>(logFormats);

/** A value HAProxy only knows at start (`"${VAR}"`): nothing to check before. */
export function isDeferred(value: string): boolean {
  return value.includes('$');
}

/**
 * Checks a time as HAProxy reads it: digits and a unit, within its 32-bit
 * millisecond range; `positive` when 0 is refused too. True when it is good.
 */
export function checkTime(
  value: string | undefined,
  line: CstLine,
  at: number,
  what: string,
  report: WordReporter,
  options: { positive?: boolean } = {},
): boolean {
  if (value === undefined) {
    report(line, at - 1, 'MISSING_VALUE', `${what} needs a time (e.g. 10s, 500ms)`);
    return false;
  }
  if (isDeferred(value)) return true;
  const ms = parseHaproxyTime(value);
  if (ms === undefined) report(line, at, 'BAD_TIME', `'${value}' is not a time for ${what} (e.g. 10s, 500ms)`);
  else if (ms > maxTimeMs)
    report(line, at, 'BAD_TIME', `${what} '${value}' is too long: HAProxy's limit is 2147483647 ms (about 24.8 days)`);
  else if (options.positive && ms === 0) report(line, at, 'BAD_TIME', `${what} must be more than 0`);
  else return true;
  return false;
}

/**
 * A whole number where HAProxy reads one with `atol` (it takes `abc` as 0
 * without a word): a warning, as HAProxy starts anyway.
 */
export function checkLenientNumber(
  value: string | undefined,
  line: CstLine,
  at: number,
  what: string,
  report: WordReporter,
): void {
  if (value !== undefined && !isDeferred(value) && safeParseInteger(value, { min: 0 }) === undefined) {
    report(line, at, 'BAD_NUMBER', `${what} '${value}' is not a whole number (HAProxy reads it as 0)`, 'warning');
  }
}

/**
 * `log` in the global or a proxy section: `global`, or `ADDRESS [len N]
 * [format F] [sample R:S] [profile P] FACILITY [LEVEL [MINLEVEL]]`.
 */
export function checkLog(values: readonly string[], line: CstLine, inGlobal: boolean, report: WordReporter): void {
  if (values[1] === 'global') {
    if (inGlobal)
      report(line, 1, 'BAD_VALUE', "'log global' is for proxy sections: the global section names its own targets");
    else if (values.length > 2) report(line, 2, 'BAD_VALUE', "'log global' takes nothing after it");
    return;
  }
  if (values.length < 3) {
    report(
      line,
      values.length > 1 ? 1 : 0,
      'MISSING_VALUE',
      "log needs an address and a facility, e.g. 'log /dev/log local0'",
    );
    return;
  }
  const target = values[1] as string;
  if (!isDeferred(target)) {
    const address = parseAddress(target);
    if (address.port !== undefined && address.port > 65535)
      report(line, 1, 'BAD_PORT', `port ${address.port} is out of range (1 to 65535)`);
  }
  let i = 2;
  for (; i < values.length; i += 2) {
    const word = values[i] as string;
    if (word !== 'len' && word !== 'format' && word !== 'sample' && word !== 'profile') break;
    const value = values[i + 1];
    if (value === undefined) {
      report(line, i, 'MISSING_VALUE', `log: '${word}' needs a value`);
      return;
    }
    if (isDeferred(value)) continue;
    if (word === 'len' && safeParseInteger(value, { min: 80, max: 65535 }) === undefined)
      report(line, i + 1, 'BAD_VALUE', `log length '${value}' must be between 80 and 65535`);
    if (word === 'format' && !formats.has(value))
      report(line, i + 1, 'BAD_VALUE', `unknown log format '${value}' (${[...formats].join(', ')})`);
  }
  const [facility, level, minLevel, extra] = values.slice(i);
  if (facility === undefined) {
    report(line, 0, 'MISSING_VALUE', "log needs a facility after its address and options, e.g. 'local0'");
    return;
  }
  if (isDeferred(facility)) return;
  if (!facilities.has(facility))
    report(line, i, 'BAD_VALUE', `unknown log facility '${facility}' (local0 to local7, daemon, user …)`);
  for (const [offset, value] of [
    [1, level],
    [2, minLevel],
  ] as const) {
    if (value !== undefined && !isDeferred(value) && !levels.has(value))
      report(line, i + offset, 'BAD_VALUE', `unknown log level '${value}' (${logLevels.join(', ')})`);
  }
  if (extra !== undefined) report(line, i + 3, 'BAD_VALUE', `log: unexpected '${extra}' after the levels`);
}

/** `timeout NAME TIME` in a proxy section. */
export function checkTimeout(values: readonly string[], line: CstLine, report: WordReporter): void {
  const name = values[1];
  if (name === undefined) {
    report(line, 0, 'MISSING_VALUE', `timeout needs a name (${[...timeoutNames].join(', ')}) and a time`);
    return;
  }
  if (!isDeferred(name) && !timeoutNames.has(name)) {
    report(line, 1, 'BAD_VALUE', `unknown timeout '${name}' (${[...timeoutNames].join(', ')})`);
    return;
  }
  checkTime(values[2], line, 2, `timeout ${name}`, report);
}

/** `mode` of a proxy section. */
export function checkMode(values: readonly string[], line: CstLine, report: WordReporter): void {
  const mode = values[1];
  if (mode === undefined) report(line, 0, 'MISSING_VALUE', `mode needs a value (${[...proxyModes].join(', ')})`);
  else if (!isDeferred(mode) && !proxyModes.has(mode))
    report(line, 1, 'BAD_VALUE', `unknown mode '${mode}' (${[...proxyModes].join(', ')})`);
}

/** `balance ALGORITHM [ARGS]`. */
export function checkBalance(values: readonly string[], line: CstLine, report: WordReporter): void {
  const algorithm = values[1];
  if (algorithm === undefined) {
    report(line, 0, 'MISSING_VALUE', 'balance needs an algorithm (roundrobin, leastconn, source …)');
    return;
  }
  // hdr(name), rdp-cookie(name), random(2): the name of the algorithm is before the parenthesis.
  const name = algorithm.replace(/\(.*$/, '');
  if (!isDeferred(algorithm) && !balanceAlgorithms.has(name))
    report(line, 1, 'BAD_VALUE', `unknown balance algorithm '${algorithm}' (${[...balanceAlgorithms].join(', ')})`);
}

/**
 * The settings after a `bind` address: known words, the value of those that
 * take one, and a certificate for `ssl`.
 */
export function checkBindSettings(values: readonly string[], line: CstLine, report: WordReporter): void {
  let ssl = -1;
  let certificate = false;
  for (let i = 2; i < values.length; i++) {
    const word = values[i] as string;
    const takesValue = bindSettings.get(word);
    if (takesValue === undefined) {
      if (isDeferred(word)) continue;
      // Like HAProxy, stop at a word it does not know: whether the next word is its value cannot be told.
      report(line, i, 'UNKNOWN_OPTION', `unknown bind setting '${word}'`, 'warning');
      return;
    }
    if (word === 'ssl') ssl = i;
    if (word === 'crt' || word === 'crt-list' || word === 'default-crt') certificate = true;
    if (!takesValue) continue;
    if (values[i + 1] === undefined) report(line, i, 'MISSING_VALUE', `bind: '${word}' needs a value`);
    i++;
  }
  if (ssl !== -1 && !certificate)
    report(line, ssl, 'MISSING_VALUE', "bind: 'ssl' needs a certificate ('crt FILE' or 'crt-list FILE')");
}

/** A host as a bind or server line may name it: empty, `*`, an IPv4 or IPv6 address, or a DNS name. */
export function isPlausibleHost(host: string): boolean {
  if (host === '' || host === '*') return true;
  const ipv4 = isDottedQuad(host);
  if (ipv4 !== undefined) return ipv4;
  if (host.includes(':')) return /^[0-9a-fA-F:.%a-z0-9]+$/.test(host);
  return /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(host);
}

// Four dot-separated numbers: true when each is at most 255, undefined when the host is not that shape
// (read without a regex: this runs for every server of a huge file).
function isDottedQuad(host: string): boolean | undefined {
  let parts = 0;
  let value = 0;
  let digits = 0;
  let valid = true;
  for (let i = 0; i <= host.length; i++) {
    const code = i < host.length ? host.charCodeAt(i) : 46;
    if (code === 46) {
      if (digits === 0) return undefined;
      if (value > 255) valid = false;
      parts++;
      value = 0;
      digits = 0;
    } else if (code >= 48 && code <= 57) {
      value = value * 10 + (code - 48);
      digits++;
    } else return undefined;
  }
  return parts === 4 ? valid : undefined;
}
