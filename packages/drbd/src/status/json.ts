import { LineCounter, ParseError, parseWithSchema } from '@ha/core';
import { drbdStatusSchema, type ConnectionStatus, type Counter, type DeviceStatus, type DrbdStatus, type PeerDeviceStatus, type ResourceStatus } from './model.js';

const bigMarker = '\u0000bigint:';

/**
 * JSON.parse that keeps integers beyond 2^53 exact: they become bigints
 * (JSON.parse alone would round `18446744073709551608`). Integer literals of
 * 16 digits or more are wrapped in strings before parsing, outside strings only.
 */
export function parseJsonPrecise(text: string, options: { file?: string } = {}): unknown {
  if (!/\d{16}/.test(text)) return parseJson(text, text, options);
  let out = '';
  let i = 0;
  let inString = false;
  while (i < text.length) {
    const char = text[i] as string;
    if (inString) {
      out += char;
      if (char === '\\') {
        out += text[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (char === '"') inString = false;
      i++;
      continue;
    }
    if (char === '"') {
      inString = true;
      out += char;
      i++;
      continue;
    }
    if (char === '-' || (char >= '0' && char <= '9')) {
      const match = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
      const literal = match?.[0] ?? char;
      // The marker is written as a JSON escape: a raw control character is not allowed in a JSON string.
      out += /^-?\d{16,}$/.test(literal) && !Number.isSafeInteger(Number(literal)) ? `"\\u0000bigint:${literal}"` : literal;
      i += literal.length;
      continue;
    }
    out += char;
    i++;
  }
  return parseJson(out, text, options);
}

function parseJson(out: string, text: string, options: { file?: string }): unknown {
  try {
    return JSON.parse(out, (_key, value: unknown) => (typeof value === 'string' && value.startsWith(bigMarker) ? BigInt(value.slice(bigMarker.length)) : value));
  } catch (error) {
    // Positions in the rewritten text differ slightly; report where the original text ran out or broke.
    const position = Number(/position (\d+)/.exec((error as Error).message)?.[1] ?? text.length);
    const { line, column } = new LineCounter(text).linePosition(Math.min(position, text.length));
    throw new ParseError('BAD_JSON', `not valid JSON: ${(error as Error).message}`, { file: options.file, line, column }, { cause: error });
  }
}

type JsonObject = Record<string, unknown>;

// Takes fields by name and keeps the rest as `extra`.
class Fields {
  private readonly used = new Set<string>();
  constructor(private readonly object: JsonObject) {}

  string(name: string): string | undefined {
    this.used.add(name);
    const value = this.object[name];
    return typeof value === 'string' ? value : value === undefined || value === null ? undefined : String(value);
  }

  number(name: string): number | undefined {
    this.used.add(name);
    const value = this.object[name];
    return typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : undefined;
  }

  counter(name: string): Counter | undefined {
    this.used.add(name);
    const value = this.object[name];
    return typeof value === 'number' || typeof value === 'bigint' ? value : undefined;
  }

  boolean(name: string): boolean | undefined {
    this.used.add(name);
    const value = this.object[name];
    return typeof value === 'boolean' ? value : value === 'yes' ? true : value === 'no' ? false : undefined;
  }

  array(name: string): JsonObject[] {
    this.used.add(name);
    const value = this.object[name];
    return Array.isArray(value) ? value.filter((entry): entry is JsonObject => typeof entry === 'object' && entry !== null) : [];
  }

  extra(): Record<string, string | number | boolean | bigint | null> {
    const rest: Record<string, string | number | boolean | bigint | null> = {};
    for (const [key, value] of Object.entries(this.object)) {
      if (this.used.has(key)) continue;
      rest[key] = typeof value === 'object' && value !== null ? JSON.stringify(value) : (value as string | number | boolean | bigint | null);
    }
    return rest;
  }
}

function defined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

/**
 * Parses `drbdsetup status --json` (DRBD 9; add `--statistics` for the
 * counters) into the shared status model. Fields this version does not map
 * are kept in `extra`; counters beyond 2^53 stay exact (bigint).
 */
export function parseDrbdsetupJson(text: string, options: { file?: string } = {}): DrbdStatus {
  const data = parseJsonPrecise(text, options);
  const file = options.file ?? 'drbdsetup status --json';
  if (!Array.isArray(data)) throw new ParseError('BAD_STATUS', 'expected a JSON array of resources', { file, line: 1, column: 1 });
  const resources: ResourceStatus[] = data.map((entry: unknown, index) => {
    if (entry === null || typeof entry !== 'object' || typeof (entry as JsonObject).name !== 'string') {
      throw new ParseError('BAD_STATUS', `resource ${index} is not an object with a name`, { file, line: 1, column: 1 });
    }
    const resource = new Fields(entry as JsonObject);
    const suspendedReasons = ['user', 'no-data', 'fencing', 'quorum'].filter((reason) => resource.boolean(`suspended-${reason}`) === true);
    return defined({
      name: resource.string('name') ?? '',
      nodeId: resource.number('node-id'),
      role: resource.string('role') ?? 'Unknown',
      suspended: resource.boolean('suspended'),
      suspendedReasons,
      writeOrdering: resource.string('write-ordering'),
      devices: resource.array('devices').map((device): DeviceStatus => {
        const fields = new Fields(device);
        return defined({
          volume: fields.number('volume') ?? 0,
          minor: fields.number('minor'),
          diskState: fields.string('disk-state') ?? 'DUnknown',
          client: fields.boolean('client'),
          open: fields.boolean('open'),
          quorum: fields.boolean('quorum'),
          size: fields.counter('size'),
          read: fields.counter('read'),
          written: fields.counter('written'),
          alWrites: fields.counter('al-writes'),
          bmWrites: fields.counter('bm-writes'),
          upperPending: fields.counter('upper-pending'),
          lowerPending: fields.counter('lower-pending'),
          extra: fields.extra(),
        });
      }),
      connections: resource.array('connections').map((connection): ConnectionStatus => {
        const fields = new Fields(connection);
        return defined({
          peerNodeId: fields.number('peer-node-id'),
          name: fields.string('name') ?? '',
          connectionState: fields.string('connection-state') ?? 'Unknown',
          congested: fields.boolean('congested'),
          peerRole: fields.string('peer-role') ?? 'Unknown',
          apInFlight: fields.counter('ap-in-flight'),
          rsInFlight: fields.counter('rs-in-flight'),
          paths: fields.array('paths').map((path) => {
            const host = (value: unknown) => {
              if (typeof value !== 'object' || value === null) return undefined;
              const object = value as JsonObject;
              return defined({ address: String(object.address ?? ''), port: typeof object.port === 'number' ? object.port : undefined, family: typeof object.family === 'string' ? object.family : undefined });
            };
            return defined({ thisHost: host(path.this_host), remoteHost: host(path.remote_host), established: typeof path.established === 'boolean' ? path.established : undefined });
          }),
          peerDevices: fields.array('peer_devices').map((peer): PeerDeviceStatus => {
            const device = new Fields(peer);
            const eta = device.number('eta');
            return defined({
              volume: device.number('volume') ?? 0,
              replicationState: device.string('replication-state') ?? 'Off',
              peerDiskState: device.string('peer-disk-state') ?? 'DUnknown',
              peerClient: device.boolean('peer-client'),
              resyncSuspended: device.string('resync-suspended'),
              received: device.counter('received'),
              sent: device.counter('sent'),
              outOfSync: device.counter('out-of-sync'),
              pending: device.counter('pending'),
              unacked: device.counter('unacked'),
              percentInSync: device.number('percent-in-sync'),
              etaSeconds: eta,
              extra: device.extra(),
            });
          }),
          extra: fields.extra(),
        });
      }),
      splitBrain: false,
      extra: resource.extra(),
    }) as ResourceStatus;
  });
  return parseWithSchema(drbdStatusSchema, { source: 'drbdsetup-json', resources }, options.file ?? 'drbdsetup status --json');
}
