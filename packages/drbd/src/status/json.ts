import { assertInputSize, escapeForMessage, LineCounter, parseWithSchema, toJson, type ParseError } from '@ha/core';
import { statusParseError } from '../errors.js';
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

const bigMarker = '\u0000bigint:';

// A JSON string (its closing quote optional, so that an unterminated one is not retried from
// every later position), or a number literal.
const literalPattern = /"(?:[^"\\]|\\[\s\S])*"?|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/**
 * JSON.parse that keeps integers beyond 2^53 exact: they become bigints
 * (JSON.parse alone would round `18446744073709551608`). Integer literals of
 * 16 digits or more are wrapped in strings before parsing, outside strings
 * only. Invalid JSON is a `ParseError` with the line and column where it broke.
 */
export function parseJsonPrecise(text: string, options: { file?: string | undefined } = {}): unknown {
  if (!/\d{16}/.test(text)) return parseJson(text, text, options, false);
  // One pass with one replace: the output is built once, not a character at a time.
  const out = text.replace(literalPattern, (literal) =>
    // The marker is written as a JSON escape: a raw control character is not allowed in a JSON string.
    literal.length >= 16 && /^-?\d{16,}$/.test(literal) && !Number.isSafeInteger(Number(literal))
      ? `"\\u0000bigint:${literal}"`
      : literal,
  );
  return parseJson(out, text, options, true);
}

function parseJson(out: string, text: string, options: { file?: string | undefined }, marked: boolean): unknown {
  try {
    return marked
      ? JSON.parse(out, (_key, value: unknown) =>
          typeof value === 'string' && value.startsWith(bigMarker) ? BigInt(value.slice(bigMarker.length)) : value,
        )
      : JSON.parse(out);
  } catch (error) {
    // Positions in the rewritten text differ slightly; report where the original text ran out or broke.
    const position = Number(/position (\d+)/.exec((error as Error).message)?.[1] ?? text.length);
    const { line, column } = new LineCounter(text).linePosition(Math.min(position, text.length));
    // V8's message may quote the text: escaped, so a binary file prints no raw bytes.
    throw statusParseError(
      'BAD_JSON',
      `not valid JSON: ${escapeForMessage((error as Error).message)}`,
      { file: options.file, line, column },
      { cause: error },
    );
  }
}

type JsonObject = Record<string, unknown>;

// Takes fields by name and keeps the rest as `extra`. `path` names the object in messages
// (`resources[0].devices[1]`): JSON.parse keeps no positions, so that is where a problem is.
class Fields {
  private readonly used = new Set<string>();
  constructor(
    private readonly object: JsonObject,
    private readonly path: string,
    private readonly file: string | undefined,
  ) {}

  /** A field drbdsetup always prints: missing or of another type, the text is not its status. */
  requiredString(name: string): string {
    const value = this.take(name);
    if (typeof value !== 'string') throw this.missing(name, 'a string', value);
    return value;
  }

  requiredNumber(name: string): number {
    const value = this.take(name);
    if (typeof value !== 'number') throw this.missing(name, 'a number', value);
    return value;
  }

  requiredArray(name: string): { value: JsonObject; path: string }[] {
    const value = this.take(name);
    if (!Array.isArray(value)) throw this.missing(name, 'an array', value);
    return value.map((entry: unknown, index) => {
      const path = `${this.path}.${name}[${index}]`;
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
        throw statusParseError('BAD_STATUS', `not drbdsetup status --json: ${path} is not an object`, {
          file: this.file,
        });
      return { value: entry as JsonObject, path };
    });
  }

  string(name: string): string | undefined {
    const value = this.take(name);
    return typeof value === 'string' ? value : value === undefined || value === null ? undefined : String(value);
  }

  number(name: string): number | undefined {
    const value = this.take(name);
    return typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
        ? Number(value)
        : undefined;
  }

  counter(name: string): Counter | undefined {
    const value = this.take(name);
    return typeof value === 'number' || typeof value === 'bigint' ? value : undefined;
  }

  boolean(name: string): boolean | undefined {
    const value = this.take(name);
    return typeof value === 'boolean' ? value : value === 'yes' ? true : value === 'no' ? false : undefined;
  }

  array(name: string): JsonObject[] {
    const value = this.take(name);
    return Array.isArray(value)
      ? value.filter((entry): entry is JsonObject => typeof entry === 'object' && entry !== null)
      : [];
  }

  extra(): Record<string, string | number | boolean | bigint | null> {
    const rest: Record<string, string | number | boolean | bigint | null> = {};
    for (const key in this.object) {
      if (this.used.has(key)) continue;
      const value = this.object[key];
      rest[key] =
        typeof value === 'object' && value !== null
          ? toJson(value)
          : (value as string | number | boolean | bigint | null);
    }
    return rest;
  }

  private take(name: string): unknown {
    this.used.add(name);
    return this.object[name];
  }

  private missing(name: string, expected: string, value: unknown): ParseError {
    const got = value === undefined ? 'it is missing' : `got ${escapeForMessage(toJson(value) ?? String(value), 60)}`;
    return statusParseError(
      'BAD_STATUS',
      `not drbdsetup status --json: ${this.path}."${name}" should be ${expected} (${got})`,
      { file: this.file },
    );
  }
}

// Copies the fields that are set: the model has no keys for what the source did not say.
function defined<T extends object>(object: T): T {
  const result: Record<string, unknown> = {};
  for (const key in object) if (object[key] !== undefined) result[key] = object[key];
  return result as T;
}

/**
 * Parses `drbdsetup status --json` (DRBD 9; add `--statistics` for the
 * counters) into the shared status model. Fields this version does not map
 * are kept in `extra`; counters beyond 2^53 stay exact (bigint). Text that
 * is not that output (not JSON, not an array of resources, or a resource,
 * device, connection or peer device without the fields drbdsetup always
 * prints) is a `ParseError`.
 *
 * ```ts
 * const status = parseDrbdsetupJson(await readFile('status.json', 'utf8'), { file: 'status.json' });
 * ```
 */
export function parseDrbdsetupJson(text: string, options: DrbdStatusParseOptions = {}): DrbdStatus {
  // Positions name the file when there is one (else `<input>`).
  const file = options.file;
  assertInputSize(text, file ?? 'the drbdsetup status --json text', options.maxBytes);
  const data = parseJsonPrecise(text, { file });
  if (!Array.isArray(data))
    throw statusParseError('BAD_STATUS', 'not drbdsetup status --json: expected a JSON array of resources', { file });
  const resources: ResourceStatus[] = data.map((entry: unknown, index) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
      throw statusParseError('BAD_STATUS', `not drbdsetup status --json: resources[${index}] is not an object`, {
        file,
      });
    const resource = new Fields(entry as JsonObject, `resources[${index}]`, file);
    const suspendedReasons = ['user', 'no-data', 'fencing', 'quorum'].filter(
      (reason) => resource.boolean(`suspended-${reason}`) === true,
    );
    return defined({
      name: resource.requiredString('name'),
      nodeId: resource.number('node-id'),
      role: resource.requiredString('role'),
      suspended: resource.boolean('suspended'),
      suspendedReasons,
      writeOrdering: resource.string('write-ordering'),
      devices: resource.requiredArray('devices').map(({ value, path }): DeviceStatus => {
        const fields = new Fields(value, path, file);
        return defined({
          volume: fields.requiredNumber('volume'),
          minor: fields.number('minor'),
          diskState: fields.requiredString('disk-state'),
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
      connections: resource.requiredArray('connections').map(({ value, path: connectionPath }): ConnectionStatus => {
        const fields = new Fields(value, connectionPath, file);
        return defined({
          peerNodeId: fields.number('peer-node-id'),
          name: fields.requiredString('name'),
          connectionState: fields.requiredString('connection-state'),
          congested: fields.boolean('congested'),
          peerRole: fields.requiredString('peer-role'),
          apInFlight: fields.counter('ap-in-flight'),
          rsInFlight: fields.counter('rs-in-flight'),
          paths: fields.array('paths').map((path) => {
            const host = (value: unknown) => {
              if (typeof value !== 'object' || value === null) return undefined;
              const object = value as JsonObject;
              return defined({
                address: String(object.address ?? ''),
                port: typeof object.port === 'number' ? object.port : undefined,
                family: typeof object.family === 'string' ? object.family : undefined,
              });
            };
            return defined({
              thisHost: host(path.this_host),
              remoteHost: host(path.remote_host),
              established: typeof path.established === 'boolean' ? path.established : undefined,
            });
          }),
          peerDevices: fields.requiredArray('peer_devices').map(({ value: peer, path }): PeerDeviceStatus => {
            const device = new Fields(peer, path, file);
            return defined({
              volume: device.requiredNumber('volume'),
              replicationState: device.requiredString('replication-state'),
              peerDiskState: device.requiredString('peer-disk-state'),
              peerClient: device.boolean('peer-client'),
              resyncSuspended: device.string('resync-suspended'),
              received: device.counter('received'),
              sent: device.counter('sent'),
              outOfSync: device.counter('out-of-sync'),
              pending: device.counter('pending'),
              unacked: device.counter('unacked'),
              percentInSync: device.number('percent-in-sync'),
              etaSeconds: device.number('eta'),
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
  return parseWithSchema(drbdStatusSchema, { source: 'drbdsetup-json', resources }, file ?? 'drbdsetup status --json');
}
