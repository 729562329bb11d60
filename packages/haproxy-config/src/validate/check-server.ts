import { safeParseInteger } from '@ha/core';
import { parseAddress } from '../model/config.js';
import type { CstLine } from '../parse/cst.js';
import { serverSettings } from '../settings.js';
import { checkLenientNumber, checkTime, isDeferred, isPlausibleHost, type WordReporter } from './check-values.js';

// Options that only matter with health checks.
const checkOptions = new Set(['inter', 'fastinter', 'downinter', 'fall', 'rise']);
const initAddrMethods = new Set(['last', 'libc', 'none']);

/** What a `server` or `default-server` line is checked against. */
export interface ServerContext {
  /** False for `default-server`: no name, no address. */
  isServer: boolean;
  /** The option words of the `default-server` lines in effect (inherited ones first). */
  inherited: readonly string[];
  /** Names of the `resolvers` sections. */
  resolvers: ReadonlySet<string | undefined>;
  /** `ssl-server-verify none` in the global section: servers' certificates are not verified by default. */
  verifyNoneByDefault: boolean;
  /** Whether `track TARGET` names a server, and whether that one is checked. */
  tracked: (target: string) => 'missing' | 'unchecked' | 'ok';
  /** Servers seen so far in this proxy, by name. */
  names: Map<string, CstLine>;
  /** The 1-based line of a line of this file (for messages naming another line). */
  lineOf: (line: CstLine) => number;
}

/** What `check`, `ssl`, `verify` … end up as for a server: its default-server words, then its own from `from` on. */
export function serverState(
  inherited: readonly string[],
  own: readonly string[],
  from = 0,
): { check: boolean; agent: boolean; ssl: boolean; verify: string | undefined; caFile: boolean } {
  const state: ServerState = { check: false, agent: false, ssl: false, verify: undefined, caFile: false };
  readServerState(state, inherited, 0);
  readServerState(state, own, from);
  return state;
}

// What serverState returns: the server's checks and TLS settings, as its words set them.
interface ServerState {
  check: boolean;
  agent: boolean;
  ssl: boolean;
  verify: string | undefined;
  caFile: boolean;
}

// Applies `words` (from `start` on) to `state`, as HAProxy reads them: a later word overrides an earlier one.
function readServerState(state: ServerState, words: readonly string[], start: number): void {
  for (let i = start; i < words.length; i++) {
    const word = words[i] as string;
    if (word === 'check') state.check = true;
    else if (word === 'no-check') state.check = false;
    else if (word === 'agent-check') state.agent = true;
    else if (word === 'no-agent-check') state.agent = false;
    else if (word === 'ssl') state.ssl = true;
    else if (word === 'no-ssl') state.ssl = false;
    else if (word === 'verify') state.verify = words[i + 1];
    else if (word === 'ca-file') state.caFile = true;
    if (serverSettings.get(word) === true) i++;
  }
}

/**
 * A `server NAME ADDRESS OPTIONS…` or `default-server OPTIONS…` line:
 * the name and address, every option word, the values HAProxy refuses,
 * and TLS verification without a CA (HAProxy refuses to start then).
 * True when its options (the words after the address) gave no finding and
 * were judged by themselves and the inherited words alone: another server
 * line with the same options under the same defaults needs only
 * `checkServerHead`.
 */
export function checkServerLine(
  values: readonly string[],
  line: CstLine,
  context: ServerContext,
  report: WordReporter,
): boolean {
  if (context.isServer && !checkServerHead(values[1], values[2], line, context, report)) return false;
  let clean = true;
  let readSection = false;
  const noting: WordReporter = (...finding) => {
    clean = false;
    report(...finding);
  };
  checkServerOptions(values, context.isServer ? 3 : 1, line, context, noting, () => (readSection = true));
  return clean && !readSection;
}

/**
 * A server's name (unique in its proxy) and address; false when the line has
 * no address (reported), and so no options to check.
 */
export function checkServerHead(
  name: string | undefined,
  raw: string | undefined,
  line: CstLine,
  context: ServerContext,
  report: WordReporter,
): boolean {
  if (name === undefined || raw === undefined) {
    report(line, 0, 'BAD_ADDRESS', 'a server needs a name and an address');
    return false;
  }
  const previous = context.names.get(name);
  if (previous)
    report(
      line,
      1,
      'DUPLICATE_SERVER',
      () => `server '${name}' is already defined on line ${context.lineOf(previous)}`,
    );
  else context.names.set(name, line);
  checkServerAddress(raw, line, report);
  return true;
}

// The option words of a server or default-server line, from `first` on, and what they make together.
function checkServerOptions(
  values: readonly string[],
  first: number,
  line: CstLine,
  context: ServerContext,
  report: WordReporter,
  readsSection: () => void,
): void {
  const state = serverState(context.inherited, values, first);
  for (let i = first; i < values.length; i++) {
    const option = values[i] as string;
    // set-proxy-v2-tlv-fmt(0xE1): the option's name is before the parenthesis.
    const parenthesis = option.indexOf('(');
    const takesValue = serverSettings.get(parenthesis === -1 ? option : option.slice(0, parenthesis));
    if (takesValue === undefined) {
      if (isDeferred(option)) continue;
      // Like HAProxy, stop at a word it does not know: whether the next word is its value cannot be told.
      report(line, i, 'UNKNOWN_OPTION', `unknown server option '${option}'`, 'warning');
      break;
    }
    if (!takesValue) continue;
    const value = values[i + 1];
    if (value === undefined) {
      report(line, i, 'MISSING_VALUE', `server option '${option}' needs a value`);
      continue;
    }
    i++;
    if (context.isServer && checkOptions.has(option) && !state.check)
      report(
        line,
        i - 1,
        'CHECK_OPTION_WITHOUT_CHECK',
        `'${option}' has no effect: this server has no 'check'`,
        'warning',
      );
    if (isDeferred(value)) continue;
    // `track` is judged against this section's servers, not against the words alone.
    if (option === 'track') readsSection();
    checkServerValue(option, value, line, i, context, report);
  }
  if (
    context.isServer &&
    state.ssl &&
    (state.verify ?? (context.verifyNoneByDefault ? 'none' : 'required')) === 'required' &&
    !state.caFile
  ) {
    report(
      line,
      values.indexOf('ssl') === -1 ? 1 : values.indexOf('ssl'),
      'MISSING_VALUE',
      "a TLS server's certificate is verified by default: give 'ca-file FILE', or 'verify none' to trust it unverified",
    );
  }
}

function checkServerValue(
  option: string,
  value: string,
  line: CstLine,
  at: number,
  context: ServerContext,
  report: WordReporter,
): void {
  switch (option) {
    case 'inter':
    case 'fastinter':
    case 'downinter':
      checkTime(value, line, at, option, report, { positive: true });
      break;
    case 'slowstart':
      checkTime(value, line, at, option, report);
      break;
    case 'fall':
    case 'rise':
      if (safeParseInteger(value, { min: 1 }) === undefined)
        report(line, at, 'BAD_NUMBER', `${option} '${value}' must be a whole number of at least 1`);
      break;
    case 'weight':
      if (safeParseInteger(value, { min: 0, max: 256 }) === undefined)
        report(line, at, 'BAD_NUMBER', `weight '${value}' is out of range (0 to 256)`);
      break;
    case 'id':
      if (safeParseInteger(value, { min: 1 }) === undefined)
        report(line, at, 'BAD_NUMBER', `id '${value}' must be a whole number of at least 1`);
      break;
    case 'maxconn':
    case 'maxqueue':
      checkLenientNumber(value, line, at, option, report);
      break;
    case 'verify':
      if (value !== 'none' && value !== 'required')
        report(line, at, 'BAD_VALUE', `verify '${value}': 'none' or 'required'`);
      break;
    case 'init-addr':
      for (const method of value.split(',')) {
        if (!initAddrMethods.has(method) && parseAddress(method).port === undefined && !/^[0-9a-fA-F.:]+$/.test(method))
          report(line, at, 'BAD_VALUE', `init-addr '${method}': 'last', 'libc', 'none' or an IP address`);
      }
      break;
    case 'on-marked-down':
      if (value !== 'shutdown-sessions')
        report(line, at, 'BAD_VALUE', `on-marked-down '${value}': only 'shutdown-sessions'`);
      break;
    case 'on-marked-up':
      if (value !== 'shutdown-backup-sessions')
        report(line, at, 'BAD_VALUE', `on-marked-up '${value}': only 'shutdown-backup-sessions'`);
      break;
    case 'resolvers':
      if (!context.resolvers.has(value)) report(line, at, 'UNKNOWN_RESOLVERS', `no resolvers section named '${value}'`);
      break;
    case 'track':
      if (context.isServer) {
        const verdict = context.tracked(value);
        if (verdict === 'missing') report(line, at, 'UNKNOWN_SERVER', `no server '${value}' to track`);
        else if (verdict === 'unchecked')
          report(
            line,
            at,
            'UNKNOWN_SERVER',
            `server '${value}' cannot be tracked: it has no 'check' nor 'agent-check'`,
          );
      }
      break;
  }
}

function checkServerAddress(raw: string, line: CstLine, report: WordReporter): void {
  if (isGoodIpv4WithPort(raw)) return;
  const address = parseAddress(raw);
  if (address.hasVariables || address.family === 'unix') return;
  const portText = raw.slice(raw.lastIndexOf(':') + 1);
  if (address.port !== undefined && (address.port > 65535 || (address.portEnd ?? 0) > 65535))
    report(line, 2, 'BAD_PORT', `port ${address.port} is out of range (1 to 65535)`);
  else if (
    address.port === undefined &&
    raw.includes(':') &&
    !address.host.includes(':') &&
    !/^[+-]?\d*$/.test(portText)
  )
    report(line, 2, 'BAD_PORT', `'${portText}' is not a port`);
  else if (!isPlausibleHost(address.host)) report(line, 2, 'BAD_ADDRESS', `'${address.host}' is not an address`);
}

// `A.B.C.D:PORT` with every number in range, read in one pass without a regex or an object: what nearly every
// server of a huge file has, and what the general reading below finds nothing wrong with. Anything else goes there.
function isGoodIpv4WithPort(raw: string): boolean {
  let parts = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      value = value * 10 + (code - 48);
      digits++;
      continue;
    }
    // A dot ends one of the first three numbers, the colon the fourth.
    if (digits === 0 || value > 255 || code !== (parts < 3 ? 46 : 58) || parts === 4) return false;
    parts++;
    value = 0;
    digits = 0;
  }
  return parts === 4 && digits > 0 && value <= 65535;
}
