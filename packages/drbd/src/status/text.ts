import { ParseError, parseWithSchema } from '@ha/core';
import { drbdStatusSchema, type ConnectionStatus, type Counter, type DeviceStatus, type DrbdStatus, type PeerDeviceStatus, type ResourceStatus } from './model.js';

/** A decimal counter, exact beyond 2^53 (as a bigint). */
export function parseCounter(text: string | undefined): Counter | undefined {
  if (text === undefined || !/^-?\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : BigInt(text);
}

function keyValues(words: readonly string[]): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const word of words) {
    const colon = word.indexOf(':');
    if (colon > 0) pairs.set(word.slice(0, colon), word.slice(colon + 1));
  }
  return pairs;
}

function yesNo(value: string | undefined): boolean | undefined {
  return value === 'yes' ? true : value === 'no' ? false : undefined;
}

function rest(pairs: Map<string, string>, used: readonly string[]): Record<string, string> {
  return Object.fromEntries([...pairs].filter(([key]) => !used.includes(key)));
}

function defined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

const deviceKeys = ['volume', 'minor', 'disk', 'client', 'open', 'quorum', 'size', 'read', 'written', 'al-writes', 'bm-writes', 'upper-pending', 'lower-pending'];
const connectionKeys = ['node-id', 'connection', 'role', 'congested', 'ap-in-flight', 'rs-in-flight'];
const peerKeys = ['volume', 'replication', 'peer-disk', 'peer-client', 'resync-suspended', 'received', 'sent', 'out-of-sync', 'pending', 'unacked', 'done', 'eta'];

/**
 * Parses the text of `drbdadm status` (DRBD 9; `--verbose --statistics`
 * adds fields) into the shared status model. Resources start at the margin,
 * devices and peers are indented by two, peer devices by four.
 */
export function parseDrbdadmStatus(text: string, options: { file?: string } = {}): DrbdStatus {
  const resources: ResourceStatus[] = [];
  let resource: ResourceStatus | undefined;
  let connection: ConnectionStatus | undefined;
  // With --statistics, counters continue on a deeper-indented line of their own.
  let previous: { indent: number; apply: (pairs: Map<string, string>) => void } | undefined;
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const indent = /^ */.exec(line)?.[0].length ?? 0;
    const words = line.trim().split(/\s+/);
    const pairs = keyValues(words);
    if (previous && indent > previous.indent + 2 && words.every((word) => word.indexOf(':') > 0) && !(words[0] as string).startsWith('volume:')) {
      previous.apply(pairs);
      return;
    }
    if (indent === 0) {
      const first = words[0] as string;
      if (first.includes(':')) throw new ParseError('BAD_STATUS', `expected a resource name at the start of the line, got '${first}'`, { file: options.file, line: index + 1, column: 1 });
      const suspended = pairs.get('suspended');
      resource = defined({
        name: first,
        nodeId: pairs.has('node-id') ? Number(pairs.get('node-id')) : undefined,
        role: pairs.get('role') ?? 'Unknown',
        suspended: suspended === undefined ? undefined : suspended !== 'no',
        suspendedReasons: suspended !== undefined && suspended !== 'no' ? suspended.split(',') : [],
        writeOrdering: pairs.get('write-ordering'),
        devices: [],
        connections: [],
        splitBrain: false,
        extra: rest(pairs, ['node-id', 'role', 'suspended', 'write-ordering']),
      }) as ResourceStatus;
      resources.push(resource);
      connection = undefined;
      previous = undefined;
      return;
    }
    if (!resource) throw new ParseError('BAD_STATUS', 'an indented line before any resource', { file: options.file, line: index + 1, column: indent + 1 });
    const first = words[0] as string;
    const isDevice = first.startsWith('volume:') || first.startsWith('disk:') || first.startsWith('minor:');
    if (indent <= 2 && isDevice) {
      connection = undefined;
      const readDevice = (pairs: Map<string, string>): DeviceStatus => defined({
        volume: Number(pairs.get('volume') ?? 0),
        minor: pairs.has('minor') ? Number(pairs.get('minor')) : undefined,
        diskState: pairs.get('disk') ?? 'DUnknown',
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
    if (indent <= 2) {
      connection = defined({
        peerNodeId: pairs.has('node-id') ? Number(pairs.get('node-id')) : undefined,
        name: first,
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
    if (!connection) throw new ParseError('BAD_STATUS', 'a peer device line outside a connection', { file: options.file, line: index + 1, column: indent + 1 });
    const current = connection;
    const readPeer = (pairs: Map<string, string>): PeerDeviceStatus => {
      const done = pairs.get('done');
      return defined({
      volume: Number(pairs.get('volume') ?? 0),
      // A peer device line that says no replication state is established.
      replicationState: pairs.get('replication') ?? (current.connectionState === 'Connected' ? 'Established' : 'Off'),
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
    };
    const peer = readPeer(pairs);
    current.peerDevices.push(peer);
    const all = new Map(pairs);
    previous = {
      indent,
      apply: (more) => {
        for (const [key, value] of more) all.set(key, value);
        Object.assign(peer, readPeer(all));
      },
    };
  });
  return parseWithSchema(drbdStatusSchema, { source: 'drbdadm-status', resources }, options.file ?? 'drbdadm status');
}
