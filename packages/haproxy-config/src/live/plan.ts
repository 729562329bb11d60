import { isIP } from 'node:net';
import { HaError } from '@ha/core';
import type { ServerState } from '@ha/haproxy-runtime';
import { serverOptionWords } from '../build/server-options.js';
import {
  addServer,
  removeServer,
  requireBackend,
  requireServerLine,
  setServerOption,
  setServer,
} from '../edit/edits.js';
import type { HaproxyDocument } from '../parse/cst.js';
import type { HaproxyChange, ServerChange } from './change.js';
import { splitServerPath } from './change.js';

/** One command of the Runtime API, or a whole map replaced atomically (prepare, fill, commit). */
export type RuntimeStep = CommandStep | ReplaceStep;

/** One Runtime API command, as words. */
export interface CommandStep {
  /** The command's words. @example ['set', 'server', 'servers/web1', 'weight', 50] */
  words: readonly (string | number)[];
}

/** A map's or ACL's whole content replaced atomically: a new version prepared, filled, committed. */
export interface ReplaceStep {
  /** Which map, and its new content. */
  replace: {
    /** The map's id or file. */
    id: string;
    /** A map or an ACL. */
    kind: 'map' | 'acl';
    /** `[key, value]` for a map, patterns for an ACL. */
    entries: readonly (readonly [string, string] | string)[];
  };
}

/** A runtime step with the steps that undo it, run in order when a later step (or the file) fails. */
export interface PlannedStep {
  /** What to run. */
  step: RuntimeStep;
  /** What puts the running process back as it was before this step. */
  undo: RuntimeStep[];
  /**
   * A refusal of this step (any, or one whose text matches) means the running process cannot make the
   * change: it is installed by a reload instead. A socket without the right, or an HAProxy without the
   * command, is never that.
   */
  reloadOnRefusal?: boolean | RegExp;
  /** A refusal matching this is HAProxy's to lift by itself (connections still closing): tried again for 10 s. */
  retryWhile?: RegExp;
}

/** How a change is made: live through the Runtime API (and written to its file), or by a validated reload. */
export interface ChangePlan {
  /** `runtime`: the steps, then the file; `reload`: the file, then a reload. */
  route: 'runtime' | 'reload';
  /** Why a reload is needed. */
  reason: string | undefined;
  /** The runtime steps (none on the reload route). */
  steps: PlannedStep[];
  /** Things the caller should know (a drain kept only by the server-state file …). */
  notes: string[];
}

/** What the running process says of the server a change names (undefined: it has none of that name). */
export interface ServerSnapshot {
  /** Its `show servers state` row. */
  state: ServerState;
  /** Its `maxconn` (`show stat` slim; 0 for none). */
  maxconn: number;
}

// srv_admin_state bits (HAProxy's SRV_ADMF_*): maintenance forced, inherited (track) or from a failed
// resolution, and drain forced or inherited. CMAINT (0x04, `disabled` on the line) only says where the
// maintenance came from: it stays set after `set server … state ready`, so it is not in the mask.
const maintenance = 0x01 | 0x02 | 0x20;
const drain = 0x08 | 0x10;
// srv_check_state bits (CHK_ST_*): checks configured, and running.
const checkConfigured = 0x02;
const checkEnabled = 0x04;

/** A `show servers state` admin state as `set server … state` names it. */
export function adminStateName(adminState: number): 'ready' | 'drain' | 'maint' {
  if ((adminState & maintenance) !== 0) return 'maint';
  if ((adminState & drain) !== 0) return 'drain';
  return 'ready';
}

function hostAndPort(address: string, port: number | undefined, old: string): string {
  // The file's port stays when none is given: everything after the last ':' of the old address.
  const oldPort = /:(\d+(?:-\d+)?)$/.exec(old)?.[1];
  const host = address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
  const portText = port === undefined ? oldPort : String(port);
  return portText === undefined ? host : `${host}:${portText}`;
}

function assertInteger(value: number, what: string, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new TypeError(`${what} ${value} is out of range (${min} to ${max})`);
}

/**
 * Checks a change's values before anything is read or applied: a weight out
 * of 0–256, a port out of 1–65535, a bad server name, an address with
 * blanks … are `TypeError`s.
 */
export function assertChange(change: HaproxyChange): void {
  if ('server' in change) splitServerPath(change.server);
  switch (change.kind) {
    case 'set-weight':
      return assertInteger(change.weight, 'weight', 0, 256);
    case 'set-maxconn':
      return assertInteger(change.maxconn, 'maxconn', 0, 2 ** 31 - 1);
    case 'set-address':
      assertAddress(change.address);
      // `set server … addr` takes an IP address; a name is `set server … fqdn`, with resolvers.
      if (isIP(change.address) === 0) throw new TypeError(`${JSON.stringify(change.address)} is not an IP address`);
      if (change.port !== undefined) assertInteger(change.port, 'port', 1, 65535);
      return;
    case 'set-check':
      if (change.port !== undefined) assertInteger(change.port, 'check port', 1, 65535);
      if (change.address !== undefined) assertAddress(change.address);
      if (change.interMs !== undefined) assertInteger(change.interMs, 'inter (ms)', 1, 2 ** 31 - 1);
      if (change.fall !== undefined) assertInteger(change.fall, 'fall', 1, 2 ** 31 - 1);
      if (change.rise !== undefined) assertInteger(change.rise, 'rise', 1, 2 ** 31 - 1);
      if (Object.keys(change).length <= 2) throw new TypeError('a check change needs at least one setting');
      return;
    case 'add-server':
      return assertAddress(change.address);
    default:
      return;
  }
}

function assertAddress(address: string): void {
  if (address.length === 0 || /[\s;#"'\\\0]/.test(address))
    throw new TypeError(`${JSON.stringify(address)} is not an address (no blanks, ';', '#', quotes)`);
}

/**
 * Plans a server change (pure): edits `document` as the change asks and
 * returns the runtime steps (with their undo, from `snapshot`), or the reload
 * route with its reason. A backend or server the file does not have is an
 * `HaError` `NOT_FOUND`; one the running process lacks, too (but for a new server).
 */
export function planServerChange(
  document: HaproxyDocument,
  change: ServerChange,
  snapshot: ServerSnapshot | undefined,
): ChangePlan {
  assertChange(change);
  const { backend, server } = splitServerPath(change.server);
  const notes: string[] = [];
  const path = `${backend}/${server}`;
  const runtime = (words: readonly (string | number)[]): RuntimeStep => ({ words });
  const reload = (reason: string): ChangePlan => ({ route: 'reload', reason, steps: [], notes });
  if (change.kind === 'add-server') {
    requireBackend(document, backend);
    if (snapshot !== undefined)
      throw new HaError('PRECONDITION_FAILED', `the running HAProxy has a server ${path} already`);
    const line = addServer(document, backend, { name: server, address: change.address, ...change.options });
    const options = serverOptionWords(change.options ?? {});
    // A server added at run time takes no default-server settings: it would differ from the file's after a reload.
    if (hasDefaultServer(document, backend))
      return reload('default-server settings apply to this backend, and a server added at run time ignores them');
    if (change.options?.disabled) return reload('a server added at run time cannot start disabled');
    void line;
    const steps: PlannedStep[] = [
      {
        step: runtime(['add', 'server', path, change.address, ...options]),
        undo: [runtime(['del', 'server', path])],
        reloadOnRefusal: true,
      },
    ];
    if (change.options?.check)
      steps.push({ step: runtime(['enable', 'health', path]), undo: [runtime(['disable', 'health', path])] });
    // Run-time servers start in maintenance.
    steps.push({
      step: runtime(['enable', 'server', path]),
      undo: [runtime(['set', 'server', path, 'state', 'maint'])],
    });
    return { route: 'runtime', reason: undefined, steps, notes };
  }
  const line = requireServerLine(document, backend, server);
  if (snapshot === undefined) throw new HaError('NOT_FOUND', `the running HAProxy has no server ${path}`);
  const { state } = snapshot;
  const previousState = adminStateName(state.srv_admin_state);
  const restoreState = runtime(['set', 'server', path, 'state', previousState]);
  switch (change.kind) {
    case 'set-weight':
      setServerOption(document, backend, server, 'weight', String(change.weight));
      return {
        route: 'runtime',
        reason: undefined,
        steps: [
          {
            step: runtime(['set', 'server', path, 'weight', change.weight]),
            undo: [runtime(['set', 'server', path, 'weight', state.srv_uweight])],
            // A static algorithm takes only 0% and 100% live; the new weight comes with a reload.
            reloadOnRefusal: /static/i,
          },
        ],
        notes,
      };
    case 'set-state':
      setServerOption(document, backend, server, 'disabled', change.state === 'maint');
      // A `default-server disabled` needs the server's own `enabled` to undo it.
      setServerOption(
        document,
        backend,
        server,
        'enabled',
        change.state !== 'maint' && defaultFlag(document, backend, 'disabled', 'enabled'),
      );
      if (change.state === 'drain')
        notes.push('haproxy.cfg has no word for a drain: a reload keeps it only through the server-state file');
      return {
        route: 'runtime',
        reason: undefined,
        steps: [{ step: runtime(['set', 'server', path, 'state', change.state]), undo: [restoreState] }],
        notes,
      };
    case 'set-address': {
      const old = line.values[2] as string;
      setServer(document, backend, server, { address: hostAndPort(change.address, change.port, old) });
      const previousPort = Number(state.srv_port);
      return {
        route: 'runtime',
        reason: undefined,
        steps: [
          {
            step: runtime([
              'set',
              'server',
              path,
              'addr',
              change.address,
              ...(change.port === undefined ? [] : ['port', change.port]),
            ]),
            undo: [
              runtime([
                'set',
                'server',
                path,
                'addr',
                state.srv_addr,
                ...(previousPort > 0 && change.port !== undefined ? ['port', previousPort] : []),
              ]),
            ],
          },
        ],
        notes,
      };
    }
    case 'set-maxconn':
      // No limit is no setting, unless a default-server sets one: then `maxconn 0` says so.
      setServerOption(
        document,
        backend,
        server,
        'maxconn',
        change.maxconn === 0 && !defaultServerWords(document, backend).includes('maxconn')
          ? false
          : String(change.maxconn),
      );
      return {
        route: 'runtime',
        reason: undefined,
        steps: [
          {
            step: runtime(['set', 'maxconn', 'server', path, change.maxconn]),
            undo: [runtime(['set', 'maxconn', 'server', path, snapshot.maxconn])],
          },
        ],
        notes,
      };
    case 'set-check':
      return planCheck(document, change, snapshot, notes);
    case 'delete-server': {
      removeServer(document, backend, server);
      const words = line.values.slice(2);
      const checks = (Number(state.srv_check_state ?? 0) & checkEnabled) !== 0;
      // Re-adding it takes its own line's settings; a refusal (default-server settings it relied on) is reported.
      const readd: RuntimeStep[] = [
        runtime(['add', 'server', path, ...words.filter((word) => word !== 'disabled' && word !== 'enabled')]),
        ...(checks ? [runtime(['enable', 'health', path])] : []),
        restoreState,
      ];
      return {
        route: 'runtime',
        reason: undefined,
        steps: [
          { step: runtime(['set', 'server', path, 'state', 'maint']), undo: [restoreState] },
          { step: runtime(['shutdown', 'sessions', 'server', path]), undo: [] },
          // `shutdown sessions` closes them asynchronously; until they are gone HAProxy refuses the delete.
          {
            step: runtime(['del', 'server', path]),
            undo: readd,
            reloadOnRefusal: true,
            retryWhile: /connections attached|still has/i,
          },
        ],
        notes,
      };
    }
  }
}

function planCheck(
  document: HaproxyDocument,
  change: Extract<ServerChange, { kind: 'set-check' }>,
  snapshot: ServerSnapshot,
  notes: string[],
): ChangePlan {
  const { backend, server } = splitServerPath(change.server);
  const path = `${backend}/${server}`;
  const set = (option: string, value: string | boolean) => setServerOption(document, backend, server, option, value);
  if (change.enabled !== undefined) {
    set('check', change.enabled);
    // Checks a default-server turns on are turned off by the server's own `no-check`.
    set('no-check', !change.enabled && defaultFlag(document, backend, 'check', 'no-check'));
  }
  if (change.port !== undefined) set('port', String(change.port));
  if (change.address !== undefined) set('addr', change.address);
  if (change.interMs !== undefined) set('inter', `${change.interMs}ms`);
  if (change.fall !== undefined) set('fall', String(change.fall));
  if (change.rise !== undefined) set('rise', String(change.rise));
  const state = snapshot.state;
  const configured = (Number(state.srv_check_state ?? 0) & checkConfigured) !== 0;
  const reasons = [
    change.interMs !== undefined && 'inter',
    change.fall !== undefined && 'fall',
    change.rise !== undefined && 'rise',
  ].filter(Boolean);
  if (reasons.length > 0)
    return { route: 'reload', reason: `the Runtime API cannot change ${reasons.join(', ')}`, steps: [], notes };
  if (change.enabled === true && !configured)
    return {
      route: 'reload',
      reason: 'the running process has no health check configured for this server',
      steps: [],
      notes,
    };
  const steps: PlannedStep[] = [];
  const words = (list: readonly (string | number)[]): RuntimeStep => ({ words: list });
  if (change.port !== undefined)
    steps.push({
      step: words(['set', 'server', path, 'check-port', change.port]),
      undo:
        Number(state.srv_check_port) > 0
          ? [words(['set', 'server', path, 'check-port', Number(state.srv_check_port)])]
          : [],
    });
  if (change.address !== undefined) {
    const previous = String(state.srv_check_addr ?? '-');
    steps.push({
      step: words(['set', 'server', path, 'check-addr', change.address]),
      undo: previous !== '-' && previous !== '' ? [words(['set', 'server', path, 'check-addr', previous])] : [],
    });
  }
  if (change.enabled !== undefined && configured) {
    const was = (Number(state.srv_check_state ?? 0) & checkEnabled) !== 0;
    // HAProxy sets a check's port or address only while checks run: enable first, disable last.
    const toggle: PlannedStep = {
      step: words([change.enabled ? 'enable' : 'disable', 'health', path]),
      undo: [words([was ? 'enable' : 'disable', 'health', path])],
    };
    if (change.enabled) steps.unshift(toggle);
    else steps.push(toggle);
  }
  if (change.enabled === false && !configured) notes.push('the running process had no health check for this server');
  return { route: 'runtime', reason: undefined, steps, notes };
}

// The words of the default-server lines a backend's servers take: those of the defaults section it inherits
// from (its `from`, else the last one before it), then its own.
function defaultServerWords(document: HaproxyDocument, backend: string): string[] {
  const section = requireBackend(document, backend);
  const index = document.sections.indexOf(section);
  const before = document.sections.slice(0, index).filter((entry) => entry.kind === 'defaults');
  const inherited =
    section.from === undefined ? before[before.length - 1] : before.findLast((entry) => entry.name === section.from);
  const words: string[] = [];
  for (const lines of [inherited?.lines ?? [], section.lines])
    for (const line of lines)
      if (line.kind === 'directive' && line.values[0] === 'default-server') words.push(...line.values.slice(1));
  return words;
}

function hasDefaultServer(document: HaproxyDocument, backend: string): boolean {
  return defaultServerWords(document, backend).length > 0;
}

// Whether default-server settings turn `flag` on for the backend's servers (its last word of the pair wins).
function defaultFlag(document: HaproxyDocument, backend: string, flag: string, opposite: string): boolean {
  const words = defaultServerWords(document, backend);
  return words.lastIndexOf(flag) > words.lastIndexOf(opposite);
}
