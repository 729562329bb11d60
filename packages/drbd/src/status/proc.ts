import { assertInputSize, escapeForMessage, parseWithSchema } from '@ha/core';
import { statusParseError } from '../errors.js';
import {
  connectionStates,
  drbdStatusSchema,
  type DrbdStatus,
  type DrbdStatusParseOptions,
  type ResourceStatus,
} from './model.js';
import { forEachLine } from './lines.js';
import { parseCounter } from './text.js';

// DRBD 8.4's cs: field mixes connection and replication states: a connection state other than
// Connected (or DRBD 9's Connecting) says the peer is not connected.
const unconnectedStates = new Set(
  [...connectionStates].filter((state) => state !== 'Connected' && state !== 'Connecting'),
);

// The header lines of /proc/drbd (`version: 8.4.11 (api:1/proto:86-101)`, `srcversion: …`, 8.3's `GIT-hash: …`).
const headerPattern = /^(version|srcversion|GIT-hash):/;
// A device's detail lines: counters and `key: value` lines (`ns:…`, `finish: …`, `resync: …`,
// `act_log: …`), the progress bar (`[===>....] sync'ed: …`), a verify's `3% sector pos: …`.
const detailPattern = /^\s+(?:\[[=>.]*\]|[A-Za-z_][\w-]*:|\d+(?:\.\d+)?% )/;

/**
 * Parses `/proc/drbd` of DRBD 8.4 (and 8.3) into the shared model: one
 * resource per configured minor (named `drbdN`: 8.4's /proc/drbd names no
 * resources), its one peer, the counters (ns nr dw dr al bm lo pe ua ap ep wo
 * oos) and the resync's progress and finish time. A line that is none of
 * /proc/drbd's (header, ` N: cs:…` device, indented detail) is a `ParseError`.
 */
export function parseProcDrbd(text: string, options: DrbdStatusParseOptions = {}): DrbdStatus {
  assertInputSize(text, options.file ?? 'the /proc/drbd text', options.maxBytes);
  const version = /^version:\s*(\S+)/m.exec(text)?.[1];
  const resources: ResourceStatus[] = [];
  let current: ResourceStatus | undefined;
  let seenDevice = false;
  forEachLine(text, (line, number) => {
    if (line.trim() === '') return;
    const head = /^\s*(\d+):\s+cs:(\S+)(.*)$/.exec(line);
    if (head) {
      seenDevice = true;
      const minor = Number(head[1]);
      const cs = head[2] as string;
      if (cs === 'Unconfigured') {
        current = undefined;
        return;
      }
      const pairs = new Map(
        [...(head[3] as string).matchAll(/(\w+):(\S+)/g)].map((match) => [match[1] as string, match[2] as string]),
      );
      // 8.4 writes ro:Primary/Secondary; 8.3 wrote st: for the same.
      const [role, peerRole] = (pairs.get('ro') ?? pairs.get('st') ?? 'Unknown/Unknown').split('/');
      const [disk, peerDisk] = (pairs.get('ds') ?? 'DUnknown/DUnknown').split('/');
      const connected = !unconnectedStates.has(cs);
      const protocol = /\s([ABC])\s/.exec(`${head[3]} `)?.[1];
      current = {
        name: `drbd${minor}`,
        role: role ?? 'Unknown',
        suspendedReasons: [],
        devices: [{ volume: 0, minor, diskState: disk ?? 'DUnknown', extra: {} }],
        connections: [
          {
            name: 'peer',
            connectionState: connected ? 'Connected' : cs,
            peerRole: peerRole ?? 'Unknown',
            paths: [],
            peerDevices: [
              {
                volume: 0,
                replicationState: connected ? (cs === 'Connected' ? 'Established' : cs) : 'Off',
                peerDiskState: peerDisk ?? 'DUnknown',
                extra: {},
              },
            ],
            extra: protocol ? { protocol } : {},
          },
        ],
        splitBrain: false,
        extra: { cs },
      };
      resources.push(current);
      return;
    }
    const at = { file: options.file, line: number, column: 1 };
    if (!seenDevice && headerPattern.test(line)) return;
    if (!/^\s/.test(line))
      throw statusParseError(
        'BAD_STATUS',
        `not /proc/drbd: '${escapeForMessage(line, 60)}' is neither a header nor a device line (' N: cs:…')`,
        at,
      );
    if (!detailPattern.test(line))
      throw statusParseError(
        'BAD_STATUS',
        `not /proc/drbd: '${escapeForMessage(line.trim(), 60)}' is not a device's detail line`,
        at,
      );
    if (!seenDevice) throw statusParseError('BAD_STATUS', 'not /proc/drbd: a detail line before any device', at);
    // The details of an unconfigured minor: nothing to read.
    if (!current) return;
    const device = current.devices[0] as ResourceStatus['devices'][number];
    const peer = current.connections[0]?.peerDevices[0] as ResourceStatus['connections'][number]['peerDevices'][number];
    const counters = new Map(
      [...line.matchAll(/\b(ns|nr|dw|dr|al|bm|lo|pe|ua|ap|ep|wo|oos):(\S+)/g)].map((match) => [
        match[1] as string,
        match[2] as string,
      ]),
    );
    if (counters.size > 0) {
      const set = <T extends object>(target: T, key: keyof T, value: unknown) => {
        if (value !== undefined) (target as Record<string, unknown>)[key as string] = value;
      };
      set(peer, 'sent', parseCounter(counters.get('ns')));
      set(peer, 'received', parseCounter(counters.get('nr')));
      set(device, 'written', parseCounter(counters.get('dw')));
      set(device, 'read', parseCounter(counters.get('dr')));
      set(device, 'alWrites', parseCounter(counters.get('al')));
      set(device, 'bmWrites', parseCounter(counters.get('bm')));
      set(device, 'lowerPending', parseCounter(counters.get('lo')));
      set(peer, 'pending', parseCounter(counters.get('pe')));
      set(peer, 'unacked', parseCounter(counters.get('ua')));
      set(device, 'upperPending', parseCounter(counters.get('ap')));
      set(peer, 'outOfSync', parseCounter(counters.get('oos')));
      if (counters.has('ep')) device.extra.ep = counters.get('ep') as string;
      if (counters.has('wo'))
        current.writeOrdering =
          ({ b: 'barrier', f: 'flush', d: 'drain', n: 'none' } as Record<string, string>)[
            counters.get('wo') as string
          ] ?? (counters.get('wo') as string);
    }
    const synced = /sync'ed:\s*([\d.]+)%/.exec(line);
    if (synced) peer.percentInSync = Number(synced[1]);
    const finish = /finish:\s*(\d+):(\d+):(\d+)/.exec(line);
    if (finish) peer.etaSeconds = Number(finish[1]) * 3600 + Number(finish[2]) * 60 + Number(finish[3]);
  });
  return parseWithSchema(drbdStatusSchema, { source: 'proc-drbd', version, resources }, options.file ?? '/proc/drbd');
}
