import { assertInputSize, escapeForMessage, parseWithSchema } from '@ha/core';
import { statusParseError } from '../errors.js';
import { forEachLine } from './lines.js';
import {
  drbdStatusSchema,
  type ConnectionStatus,
  type Counter,
  type DeviceStatus,
  type DrbdStatus,
  type DrbdStatusParseOptions,
  type PeerDeviceStatus,
  type ResourceStatus,
} from './model.js';

/** A decimal counter, exact beyond 2^53 (as a bigint); undefined for anything that is not a whole number. */
export function parseCounter(text: string | undefined): Counter | undefined {
  if (text === undefined || !/^-?\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : BigInt(text);
}

function yesNo(value: string | undefined): boolean | undefined {
  return value === 'yes' ? true : value === 'no' ? false : undefined;
}

function rest(pairs: Map<string, string>, used: ReadonlySet<string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of pairs) if (!used.has(key)) result[key] = value;
  return result;
}

// Copies the fields that are set: the model has no keys for what the source did not say.
function defined<T extends object>(object: T): T {
  const result: Record<string, unknown> = {};
  for (const key in object) if (object[key] !== undefined) result[key] = object[key];
  return result as T;
}

const deviceKeys = new Set([
  'volume',
  'minor',
  'disk',
  'client',
  'open',
  'quorum',
  'size',
  'read',
  'written',
  'al-writes',
  'bm-writes',
  'upper-pending',
  'lower-pending',
]);
const connectionKeys = new Set(['node-id', 'connection', 'role', 'congested', 'ap-in-flight', 'rs-in-flight']);
const peerKeys = new Set([
  'volume',
  'replication',
  'peer-disk',
  'peer-client',
  'resync-suspended',
  'received',
  'sent',
  'out-of-sync',
  'pending',
  'unacked',
  'done',
  'eta',
]);
const resourceKeys = new Set(['node-id', 'role', 'suspended', 'write-ordering']);

const wordPattern = /\S+/g;

// drbdadm's keys: lower-case words with dashes (`peer-disk`, `al-writes`).
const pairPattern = /^([a-z][a-z0-9_-]*):(.*)$/;

// The values that are numbers: anything else there is not drbdadm's output.
const wholeNumber = /^\d+$/;
const counter = /^-?\d+$/;
const numericKeys = new Map<string, RegExp>([
  ['volume', wholeNumber],
  ['minor', wholeNumber],
  ['node-id', wholeNumber],
  ['eta', wholeNumber],
  ['done', /^\d+(?:\.\d+)?$/],
  ...[
    'size',
    'read',
    'written',
    'al-writes',
    'bm-writes',
    'upper-pending',
    'lower-pending',
    'ap-in-flight',
    'rs-in-flight',
    'received',
    'sent',
    'out-of-sync',
    'pending',
    'unacked',
  ].map((key) => [key, counter] as [string, RegExp]),
]);

/** One line of the text: its words with their columns. */
interface Line {
  number: number;
  indent: number;
  words: { text: string; column: number }[];
}

/**
 * Parses the text of `drbdadm status` (DRBD 9; `--verbose --statistics`
 * adds fields) into the shared status model. Resources start at the margin
 * (`NAME role:ROLE …`), devices (`disk:STATE …`) and peers (`NAME role:ROLE`
 * or `NAME connection:STATE …`) are indented by two, peer devices
 * (`peer-disk:STATE …`) by four; `--statistics` continues a line on a
 * deeper one. Anything else (a word that is not `key:value`, a line out of
 * place, a resource without its role) is a `ParseError` naming the line and
 * column: other text is never read as a resource.
 */
export function parseDrbdadmStatus(text: string, options: DrbdStatusParseOptions = {}): DrbdStatus {
  assertInputSize(text, options.file ?? 'the drbdadm status text', options.maxBytes);
  const fail = (message: string, line: number, column: number) =>
    statusParseError('BAD_STATUS', `not drbdadm status output: ${message}`, { file: options.file, line, column });
  const resources: ResourceStatus[] = [];
  let resource: ResourceStatus | undefined;
  let connection: ConnectionStatus | undefined;
  // With --statistics, counters continue on a deeper-indented line of their own.
  let previous: { indent: number; apply: (pairs: Map<string, string>) => void } | undefined;

  // `key:value` words into a map; the words from `from` on must all be pairs.
  const pairsOf = (line: Line, from: number): Map<string, string> => {
    const pairs = new Map<string, string>();
    for (const word of line.words.slice(from)) {
      const match = pairPattern.exec(word.text);
      if (!match) throw fail(`expected key:value, got '${escapeForMessage(word.text, 60)}'`, line.number, word.column);
      const [, key, value] = match as unknown as [string, string, string];
      if (numericKeys.get(key)?.test(value) === false)
        throw fail(`${key}: expects a number, got '${escapeForMessage(value, 60)}'`, line.number, word.column);
      pairs.set(key, value);
    }
    return pairs;
  };
  const name = (line: Line, what: string): string => {
    const first = line.words[0] as Line['words'][number];
    if (first.text.includes(':'))
      throw fail(`expected ${what} name, got '${escapeForMessage(first.text, 60)}'`, line.number, first.column);
    return first.text;
  };

  forEachLine(text, (content, number) => {
    const words: Line['words'] = [];
    wordPattern.lastIndex = 0;
    for (let match = wordPattern.exec(content); match !== null; match = wordPattern.exec(content))
      words.push({ text: match[0], column: match.index + 1 });
    const first = words[0];
    if (first === undefined) return;
    const indent = first.column - 1;
    if (/[^ ]/.test(content.slice(0, indent))) throw fail('indented with something other than spaces', number, 1);
    const line: Line = { number, indent, words };

    if (previous && indent > previous.indent + 2 && !(words[0]?.text ?? '').startsWith('volume:')) {
      previous.apply(pairsOf(line, 0));
      return;
    }
    if (indent === 0) {
      const resourceName = name(line, 'a resource');
      const pairs = pairsOf(line, 1);
      if (!pairs.has('role'))
        throw fail(
          `resource '${escapeForMessage(resourceName, 60)}' has no role: (drbdadm status prints NAME role:ROLE)`,
          number,
          1,
        );
      const suspended = pairs.get('suspended');
      resource = defined({
        name: resourceName,
        nodeId: pairs.has('node-id') ? Number(pairs.get('node-id')) : undefined,
        role: pairs.get('role') as string,
        suspended: suspended === undefined ? undefined : suspended !== 'no',
        suspendedReasons: suspended !== undefined && suspended !== 'no' ? suspended.split(',') : [],
        writeOrdering: pairs.get('write-ordering'),
        devices: [],
        connections: [],
        splitBrain: false,
        extra: rest(pairs, resourceKeys),
      }) as ResourceStatus;
      resources.push(resource);
      connection = undefined;
      previous = undefined;
      return;
    }
    if (!resource) throw fail('an indented line before any resource', number, indent + 1);
    if (indent === 2 && /^(volume|disk|minor):/.test(words[0]?.text ?? '')) {
      connection = undefined;
      const pairs = pairsOf(line, 0);
      if (!pairs.has('disk')) throw fail('a device line without disk:', number, indent + 1);
      const device = readDevice(pairs);
      resource.devices.push(device);
      const all = new Map(pairs);
      previous = {
        indent,
        apply: (more) => {
          for (const [key, value] of more) all.set(key, value);
          Object.assign(device, readDevice(all));
        },
      };
      return;
    }
    if (indent === 2) {
      const peerName = name(line, 'a peer');
      const pairs = pairsOf(line, 1);
      if (!pairs.has('role') && !pairs.has('connection'))
        throw fail(`peer '${escapeForMessage(peerName, 60)}' has neither role: nor connection:`, number, indent + 1);
      connection = defined({
        peerNodeId: pairs.has('node-id') ? Number(pairs.get('node-id')) : undefined,
        name: peerName,
        // The short form prints no connection state for a connected peer.
        connectionState: pairs.get('connection') ?? 'Connected',
        congested: yesNo(pairs.get('congested')),
        peerRole: pairs.get('role') ?? 'Unknown',
        apInFlight: parseCounter(pairs.get('ap-in-flight')),
        rsInFlight: parseCounter(pairs.get('rs-in-flight')),
        paths: [],
        peerDevices: [],
        extra: rest(pairs, connectionKeys),
      }) as ConnectionStatus;
      resource.connections.push(connection);
      previous = undefined;
      return;
    }
    if (indent !== 4)
      throw fail(`unexpected indentation (${indent} spaces; drbdadm status indents by 2)`, number, indent + 1);
    if (!connection) throw fail('a peer device line outside a connection', number, indent + 1);
    const pairs = pairsOf(line, 0);
    if (!pairs.has('peer-disk') && !pairs.has('replication'))
      throw fail('a peer device line without peer-disk: or replication:', number, indent + 1);
    const current = connection;
    const peer = readPeer(pairs, current);
    current.peerDevices.push(peer);
    const all = new Map(pairs);
    previous = {
      indent,
      apply: (more) => {
        for (const [key, value] of more) all.set(key, value);
        Object.assign(peer, readPeer(all, current));
      },
    };
  });
  return parseWithSchema(drbdStatusSchema, { source: 'drbdadm-status', resources }, options.file ?? 'drbdadm status');
}

function readDevice(pairs: Map<string, string>): DeviceStatus {
  return defined({
    volume: Number(pairs.get('volume') ?? 0),
    minor: pairs.has('minor') ? Number(pairs.get('minor')) : undefined,
    diskState: pairs.get('disk') as string,
    client: yesNo(pairs.get('client')),
    open: yesNo(pairs.get('open')),
    quorum: yesNo(pairs.get('quorum')),
    size: parseCounter(pairs.get('size')),
    read: parseCounter(pairs.get('read')),
    written: parseCounter(pairs.get('written')),
    alWrites: parseCounter(pairs.get('al-writes')),
    bmWrites: parseCounter(pairs.get('bm-writes')),
    upperPending: parseCounter(pairs.get('upper-pending')),
    lowerPending: parseCounter(pairs.get('lower-pending')),
    extra: rest(pairs, deviceKeys),
  });
}

function readPeer(pairs: Map<string, string>, connection: ConnectionStatus): PeerDeviceStatus {
  const done = pairs.get('done');
  return defined({
    volume: Number(pairs.get('volume') ?? 0),
    // A peer device line that says no replication state is established.
    replicationState: pairs.get('replication') ?? (connection.connectionState === 'Connected' ? 'Established' : 'Off'),
    peerDiskState: pairs.get('peer-disk') ?? 'DUnknown',
    peerClient: yesNo(pairs.get('peer-client')),
    resyncSuspended: pairs.get('resync-suspended'),
    received: parseCounter(pairs.get('received')),
    sent: parseCounter(pairs.get('sent')),
    outOfSync: parseCounter(pairs.get('out-of-sync')),
    pending: parseCounter(pairs.get('pending')),
    unacked: parseCounter(pairs.get('unacked')),
    percentInSync: done === undefined ? undefined : Number(done),
    etaSeconds: pairs.has('eta') ? Number(pairs.get('eta')) : undefined,
    extra: rest(pairs, peerKeys),
  });
}
