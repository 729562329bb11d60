import { assertInputSize, defaultRunner, escapeForMessage, parseWithSchema, type Runner } from '@ha/core';
import { drbdUnavailableFrom, statusParseError } from '../errors.js';
import {
  drbdStatusSchema,
  type ConnectionStatus,
  type DeviceStatus,
  type DrbdStatus,
  type DrbdStatusParseOptions,
  type PeerDeviceStatus,
  type ResourceStatus,
} from './model.js';
import { forEachLine } from './lines.js';
import { parseCounter } from './text.js';

/** A verb of `drbdsetup events2`. */
export type Events2Verb = 'exists' | 'create' | 'change' | 'destroy' | 'call' | 'response' | 'rename';
/** What an event is about. */
export type Events2Object = 'resource' | 'device' | 'connection' | 'peer-device' | 'path' | 'helper';

/** One line of `drbdsetup events2`: `[TIMESTAMP] VERB OBJECT key:value …`. */
export interface Events2Event {
  /** With `--timestamps`: when DRBD reported it, as written (`2026-11-25T10:00:07.120000+00:00`). */
  timestamp?: string;
  /** What happened: `exists` (the initial state), `create`, `change`, `destroy`, `call`/`response` (a helper), `rename`. */
  verb: Events2Verb;
  /** What it happened to. */
  object: Events2Object;
  /** The key:value pairs as written. */
  fields: Record<string, string>;
  /** The resource it is about (`name`). */
  resource: string;
}

/** A line that is not an event (kept, with why, and the stream goes on). */
export interface Events2Warning {
  /** Tells it from the other `Events2Item`s. */
  type: 'warning';
  /** The line as read. */
  line: string;
  /** 1-based, counted from the start of the stream. */
  lineNumber: number;
  /** Why it is not an event. */
  message: string;
}

const verbs = new Set<string>(['exists', 'create', 'change', 'destroy', 'call', 'response', 'rename']);
const objects = new Set<string>(['resource', 'device', 'connection', 'peer-device', 'path', 'helper']);
// Fields that are numbers: another value there makes the line a warning, not a NaN in the state.
const numericFields = new Map<string, RegExp>([
  ['volume', /^\d+$/],
  ['minor', /^\d+$/],
  ['node-id', /^\d+$/],
  ['peer-node-id', /^\d+$/],
  ['done', /^\d+(?:\.\d+)?$/],
]);

/**
 * Parses one line of `drbdsetup events2 [--timestamps]`. Returns undefined
 * for the `exists -` line that ends the initial state, a warning for anything
 * that is not an event.
 */
export function parseEvents2Line(line: string, lineNumber = 0): Events2Event | Events2Warning | undefined {
  const words = line
    .trim()
    .split(/\s+/)
    .filter((word) => word.length > 0);
  if (words.length === 0) return undefined;
  let timestamp: string | undefined;
  if (/^\d{4}-\d{2}-\d{2}T/.test(words[0] as string)) timestamp = words.shift();
  const [verb, object, ...rest] = words;
  if (verb === 'exists' && object === '-') return undefined;
  if (verb === undefined || !verbs.has(verb) || object === undefined || !objects.has(object)) {
    return { type: 'warning', line, lineNumber, message: `not an events2 line (expected VERB OBJECT key:value …)` };
  }
  const fields: Record<string, string> = {};
  for (const word of rest) {
    const colon = word.indexOf(':');
    if (colon <= 0)
      return { type: 'warning', line, lineNumber, message: `'${escapeForMessage(word, 60)}' is not key:value` };
    const key = word.slice(0, colon);
    const value = word.slice(colon + 1);
    if (numericFields.get(key)?.test(value) === false)
      return {
        type: 'warning',
        line,
        lineNumber,
        message: `${escapeForMessage(key, 30)}: expects a number, got '${escapeForMessage(value, 60)}'`,
      };
    fields[key] = value;
  }
  if (fields.name === undefined) return { type: 'warning', line, lineNumber, message: 'no resource name' };
  return { timestamp, verb: verb as Events2Verb, object: object as Events2Object, fields, resource: fields.name };
}

function yesNo(value: string | undefined): boolean | undefined {
  return value === 'yes' ? true : value === 'no' ? false : undefined;
}

function setIfDefined<T extends object>(target: T, key: keyof T, value: unknown): void {
  if (value !== undefined) (target as Record<string, unknown>)[key as string] = value;
}

/**
 * The state of every DRBD object, kept current from events2 events: apply
 * each event and read `status()` at any time. A `call helper …
 * helper:split-brain` marks the resource as split-brained (no hook script needed);
 * a connection coming back Connected clears it.
 */
export class Events2Tracker {
  private readonly resources = new Map<string, ResourceStatus>();
  /** True once the initial `exists` dump has ended (`exists -`). */
  initialized = false;

  /** Updates the state with one event. */
  apply(event: Events2Event): void {
    const { fields } = event;
    if (event.object === 'resource') {
      if (event.verb === 'destroy') {
        this.resources.delete(event.resource);
        return;
      }
      if (event.verb === 'rename' && fields.new_name) {
        const resource = this.resources.get(event.resource);
        this.resources.delete(event.resource);
        if (resource) this.resources.set(fields.new_name, { ...resource, name: fields.new_name });
        return;
      }
      const resource = this.resource(event.resource);
      setIfDefined(resource, 'role', fields.role);
      if (fields['node-id'] !== undefined) resource.nodeId = Number(fields['node-id']);
      if (fields.suspended !== undefined) {
        resource.suspended = fields.suspended !== 'no';
        resource.suspendedReasons = fields.suspended === 'no' ? [] : fields.suspended.split(',');
      }
      setIfDefined(resource, 'writeOrdering', fields['write-ordering']);
      return;
    }
    const resource = this.resource(event.resource);
    if (event.object === 'helper') {
      if (fields.helper === 'split-brain' && event.verb === 'call') resource.splitBrain = true;
      return;
    }
    if (event.object === 'device') {
      const volume = Number(fields.volume ?? 0);
      if (event.verb === 'destroy') {
        resource.devices = resource.devices.filter((device) => device.volume !== volume);
        return;
      }
      let device = resource.devices.find((entry) => entry.volume === volume);
      if (!device) {
        device = { volume, diskState: 'DUnknown', extra: {} } as DeviceStatus;
        resource.devices.push(device);
      }
      if (fields.minor !== undefined) device.minor = Number(fields.minor);
      setIfDefined(device, 'diskState', fields.disk);
      setIfDefined(device, 'client', yesNo(fields.client));
      setIfDefined(device, 'open', yesNo(fields.open));
      setIfDefined(device, 'quorum', yesNo(fields.quorum));
      for (const [key, name] of [
        ['size', 'size'],
        ['read', 'read'],
        ['written', 'written'],
        ['al-writes', 'alWrites'],
        ['bm-writes', 'bmWrites'],
        ['upper-pending', 'upperPending'],
        ['lower-pending', 'lowerPending'],
      ] as const) {
        setIfDefined(device, name, parseCounter(fields[key]));
      }
      return;
    }
    const peerId = fields['peer-node-id'];
    const connectionName = fields['conn-name'] ?? (peerId !== undefined ? `peer-${peerId}` : 'peer');
    if (event.object === 'connection' && event.verb === 'destroy') {
      resource.connections = resource.connections.filter((connection) => connection.name !== connectionName);
      return;
    }
    let connection = resource.connections.find((entry) => entry.name === connectionName);
    if (!connection) {
      connection = {
        name: connectionName,
        connectionState: 'Unknown',
        peerRole: 'Unknown',
        paths: [],
        peerDevices: [],
        extra: {},
      } as ConnectionStatus;
      if (peerId !== undefined) connection.peerNodeId = Number(peerId);
      resource.connections.push(connection);
    }
    if (event.object === 'connection') {
      setIfDefined(connection, 'connectionState', fields.connection);
      setIfDefined(connection, 'peerRole', fields.role);
      setIfDefined(connection, 'congested', yesNo(fields.congested));
      setIfDefined(connection, 'apInFlight', parseCounter(fields['ap-in-flight']));
      setIfDefined(connection, 'rsInFlight', parseCounter(fields['rs-in-flight']));
      if (fields.connection === 'Connected') resource.splitBrain = false;
      return;
    }
    if (event.object === 'path') {
      const local = fields.local;
      const peer = fields.peer;
      const split = (value: string | undefined) => {
        if (value === undefined) return undefined;
        const match = /^(?:(ipv4|ipv6|ssocks|sdp):)?(.*?)(?::(\d+))?$/.exec(value);
        return { address: match?.[2] ?? value, port: match?.[3] ? Number(match[3]) : undefined, family: match?.[1] };
      };
      // Only what the event says: merged over what an earlier event said of the same path.
      const path = {
        ...(local ? { thisHost: split(local) } : {}),
        ...(peer ? { remoteHost: split(peer) } : {}),
        ...(fields.established ? { established: fields.established === 'yes' } : {}),
      };
      const existing = connection.paths.findIndex(
        (entry) =>
          entry.thisHost?.address === path.thisHost?.address && entry.remoteHost?.address === path.remoteHost?.address,
      );
      if (event.verb === 'destroy') {
        if (existing !== -1) connection.paths.splice(existing, 1);
      } else if (existing === -1) connection.paths.push(path);
      else connection.paths[existing] = { ...connection.paths[existing], ...path };
      return;
    }
    // A peer device.
    const volume = Number(fields.volume ?? 0);
    if (event.verb === 'destroy') {
      connection.peerDevices = connection.peerDevices.filter((peer) => peer.volume !== volume);
      return;
    }
    let peer = connection.peerDevices.find((entry) => entry.volume === volume);
    if (!peer) {
      peer = { volume, replicationState: 'Off', peerDiskState: 'DUnknown', extra: {} } as PeerDeviceStatus;
      connection.peerDevices.push(peer);
    }
    setIfDefined(peer, 'replicationState', fields.replication);
    setIfDefined(peer, 'peerDiskState', fields['peer-disk']);
    setIfDefined(peer, 'peerClient', yesNo(fields['peer-client']));
    setIfDefined(peer, 'resyncSuspended', fields['resync-suspended']);
    for (const [key, name] of [
      ['received', 'received'],
      ['sent', 'sent'],
      ['out-of-sync', 'outOfSync'],
      ['pending', 'pending'],
      ['unacked', 'unacked'],
    ] as const) {
      setIfDefined(peer, name, parseCounter(fields[key]));
    }
    if (fields.done !== undefined) peer.percentInSync = Number(fields.done);
    if (fields.eta !== undefined && /^\d+$/.test(fields.eta)) peer.etaSeconds = Number(fields.eta);
    if (
      fields.replication !== undefined &&
      !['SyncSource', 'SyncTarget', 'PausedSyncS', 'PausedSyncT', 'VerifyS', 'VerifyT'].includes(fields.replication)
    ) {
      delete peer.etaSeconds;
    }
  }

  /** The current state, as the shared status model. */
  status(): DrbdStatus {
    return { source: 'events2', resources: structuredClone([...this.resources.values()]) };
  }

  private resource(name: string): ResourceStatus {
    let resource = this.resources.get(name);
    if (!resource) {
      resource = {
        name,
        role: 'Unknown',
        suspendedReasons: [],
        devices: [],
        connections: [],
        splitBrain: false,
        extra: {},
      };
      this.resources.set(name, resource);
    }
    return resource;
  }
}

/**
 * What the events2 stream yields: each event with the state after it
 * (`type: 'event'`), the state once the initial dump has ended
 * (`'initialized'`), or a warning for a garbage line.
 */
export type Events2Item =
  | {
      /** An event. */
      type: 'event';
      /** The event, as read. */
      event: Events2Event;
      /** Every resource's state after it. */
      status: DrbdStatus;
    }
  | Events2Warning
  | {
      /** The initial dump (`exists …` up to `exists -`) has ended. */
      type: 'initialized';
      /** Every resource's state as DRBD first reported it. */
      status: DrbdStatus;
    };

// `exists -` (after a timestamp, with --timestamps): the initial state has been told.
const endOfDump = /^\s*(\S+\s+)?exists\s+-\s*$/;

/**
 * Turns lines of `drbdsetup events2` into typed events, keeping the state of
 * every object: each event comes with the status after it (a copy of every
 * resource's state, so its cost grows with the number of resources; to read
 * a saved capture to its end state, `parseEvents2Text` replays it without
 * the copies). Garbage lines give a warning and the stream goes on.
 */
export async function* parseEvents2Stream(
  lines: AsyncIterable<string> | Iterable<string>,
  tracker: Events2Tracker = new Events2Tracker(),
): AsyncGenerator<Events2Item> {
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (endOfDump.test(line)) {
      tracker.initialized = true;
      yield { type: 'initialized', status: tracker.status() };
      continue;
    }
    const parsed = parseEvents2Line(line, lineNumber);
    if (parsed === undefined) continue;
    if ('type' in parsed) {
      yield parsed;
      continue;
    }
    tracker.apply(parsed);
    yield { type: 'event', event: parsed, status: tracker.status() };
  }
}

/**
 * A saved `drbdsetup events2` capture (`--now`, with or without
 * `--timestamps`), replayed to the state it ends in. Unlike the live stream,
 * which skips a garbage line with a warning, a line that is not an event
 * makes the text a `ParseError` naming that line: it is not such a capture.
 */
export function parseEvents2Text(text: string, options: DrbdStatusParseOptions = {}): DrbdStatus {
  assertInputSize(text, options.file ?? 'the drbdsetup events2 text', options.maxBytes);
  const tracker = new Events2Tracker();
  forEachLine(text, (line, lineNumber) => {
    if (endOfDump.test(line)) {
      tracker.initialized = true;
      return;
    }
    const parsed = parseEvents2Line(line, lineNumber);
    if (parsed === undefined) return;
    if ('type' in parsed)
      throw statusParseError('BAD_EVENT', `not drbdsetup events2 output: ${parsed.message}`, {
        file: options.file,
        line: lineNumber,
        column: 1,
      });
    tracker.apply(parsed);
  });
  return parseWithSchema(drbdStatusSchema, tracker.status(), options.file ?? 'drbdsetup events2');
}

/** Options of `watchEvents2`. */
export interface WatchEvents2Options {
  /** Runs drbdsetup (default: core's `defaultRunner`). */
  runner?: Runner | undefined;
  /** Ends the stream (and drbdsetup) when aborted. */
  signal?: AbortSignal | undefined;
  /** Start with the current state (`--now`, default true). */
  now?: boolean | undefined;
}

/**
 * Runs `drbdsetup events2 --now --timestamps --statistics` and streams its
 * events (see `parseEvents2Stream`) until `signal` aborts or the command ends.
 * Without the kernel module it throws `ServiceUnavailableError` (`service: 'drbd'`; drbdsetup
 * cannot load it: exit 20); another failure of drbdsetup is its `CommandError`.
 */
export async function* watchEvents2(options: WatchEvents2Options = {}): AsyncGenerator<Events2Item> {
  const { runner = defaultRunner, signal, now = true } = options;
  const process = runner.stream('drbdsetup', ['events2', ...(now ? ['--now'] : []), '--timestamps', '--statistics']);
  const abort = () => void process.stop();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    yield* parseEvents2Stream(process.lines);
    await process.done;
  } catch (error) {
    throw drbdUnavailableFrom(error) ?? error;
  } finally {
    signal?.removeEventListener('abort', abort);
    await process.stop();
  }
}
