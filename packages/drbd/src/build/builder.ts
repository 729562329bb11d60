import { encodeWord } from '../parse/lexer.js';

/** One volume of a generated resource. */
export interface VolumeSpec {
  /** The volume number (default: its place in the list, from 0). */
  number?: number;
  /** `/dev/drbd0`, or a minor number. */
  device: string | number;
  /** A block device, or `none` (a diskless node). */
  disk: string;
  /** `internal` (default), or an external device (`/dev/sdc1` or `/dev/sdc1[0]`). */
  metaDisk?: string;
}

/** A host of a generated resource. */
export interface NodeSpec {
  /** The host's name, as `uname -n` prints it on that host (`on NAME { }`). */
  name: string;
  /** `10.0.0.1:7789`, `[fd00::1]:7789`, or with a family: `ipv6 [fd00::1]:7789`. */
  address: string;
  /** Assigned 0, 1, 2 … in order when not given. */
  nodeId?: number;
  /** This host's own disk(s), instead of the resource's. */
  volumes?: readonly VolumeSpec[];
}

/** What to do after a split brain, by how many primaries there were (`after-sb-0pri` …). */
export interface SplitBrainPolicy {
  /** `after-sb-0pri`: neither node was primary. */
  zeroPrimaries?:
    | 'disconnect'
    | 'discard-younger-primary'
    | 'discard-older-primary'
    | 'discard-zero-changes'
    | 'discard-least-changes'
    | 'discard-node-NODE';
  /** `after-sb-1pri`: one node was primary. */
  onePrimary?: 'disconnect' | 'consensus' | 'violently-as0p' | 'discard-secondary' | 'call-pri-lost-after-sb';
  /** `after-sb-2pri`: both were. */
  twoPrimaries?: 'disconnect' | 'violently-as0p' | 'call-pri-lost-after-sb';
}

/** A resource to generate. */
export interface ResourceSpec {
  /** The resource's name (`drbd0`): letters, digits, `_`, `.`, `-`. */
  name: string;
  /** The volumes every host has (or give `device`/`disk`/`metaDisk` for the one volume 0). */
  volumes?: readonly VolumeSpec[];
  /** Volume 0's device: `/dev/drbd0`, or a minor number. */
  device?: string | number;
  /** Volume 0's backing disk (`/dev/sdb1`), or `none`. */
  disk?: string;
  /** Volume 0's metadata: `internal` (default) or a device. */
  metaDisk?: string;
  /** The hosts, two or more (`{ name: 'node1', address: '10.0.0.1:7789' }`). */
  nodes: readonly NodeSpec[];
  /** A full mesh of connections (`connection-mesh`); default for three or more nodes. */
  mesh?: boolean;
  /** The replication protocol: `C` (synchronous), `B` or `A` (asynchronous). */
  protocol?: 'A' | 'B' | 'C';
  /** What DRBD does after a split brain. */
  splitBrain?: SplitBrainPolicy;
  /** More `net { }` settings, name → value (`{ 'max-buffers': 8000 }`), beside those `protocol` and `splitBrain` write. */
  net?: Record<string, string | number>;
  /** The `disk { }` section (`{ 'resync-rate': '40M' }`). */
  diskOptions?: Record<string, string | number>;
  /** The `options { }` section (`{ quorum: 'majority', 'on-no-quorum': 'io-error' }`). */
  options?: Record<string, string | number>;
  /** The `handlers { }` section: name → command (`{ 'split-brain': '/usr/lib/drbd/notify-split-brain.sh root' }`). */
  handlers?: Record<string, string>;
  /** `global { disable-ip-verification; }` before the resource (for files checked on another host). */
  disableIpVerification?: boolean;
}

function quote(value: string | number): string {
  return encodeWord(String(value)).text;
}

function volumeLines(volume: VolumeSpec, indent: string): string[] {
  const device = typeof volume.device === 'number' ? `minor ${volume.device}` : quote(volume.device);
  const lines = [`${indent}device    ${device};`, `${indent}disk      ${quote(volume.disk)};`];
  if (volume.disk !== 'none') lines.push(`${indent}meta-disk ${quote(volume.metaDisk ?? 'internal')};`);
  return lines;
}

function section(
  name: string,
  entries: Record<string, string | number | undefined> | undefined,
  indent: string,
): string[] {
  const list = Object.entries(entries ?? {}).filter(
    (entry): entry is [string, string | number] => entry[1] !== undefined,
  );
  if (list.length === 0) return [];
  return [`${indent}${name} {`, ...list.map(([key, value]) => `${indent}\t${key} ${quote(value)};`), `${indent}}`];
}

/**
 * Writes a DRBD 9 resource file from typed pieces. The seed's two-node
 * resource is a few lines:
 *
 * ```ts
 * buildResource({ name: 'drbd0', device: '/dev/drbd0', disk: '/dev/sdb1', metaDisk: 'internal',
 *   nodes: [{ name: 'node1', address: '10.0.0.1:7789' }, { name: 'node2', address: '10.0.0.2:7789' }] });
 * ```
 */
export function buildResource(spec: ResourceSpec): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(spec.name)) throw new TypeError(`'${spec.name}' is not a resource name`);
  if (spec.nodes.length === 0) throw new TypeError('a resource needs its nodes');
  const volumes: VolumeSpec[] = spec.volumes
    ? [...spec.volumes]
    : spec.device !== undefined && spec.disk !== undefined
      ? [{ device: spec.device, disk: spec.disk, metaDisk: spec.metaDisk }]
      : [];
  const mesh = spec.mesh ?? spec.nodes.length > 2;
  const lines: string[] = [];
  if (spec.disableIpVerification) lines.push('global {', '\tdisable-ip-verification;', '}', '');
  lines.push(`resource ${quote(spec.name)} {`);
  const single = volumes.length === 1 && volumes[0]?.number === undefined;
  if (single) lines.push(...volumeLines(volumes[0] as VolumeSpec, '\t'));
  else {
    volumes.forEach((volume, index) => {
      lines.push(`\tvolume ${volume.number ?? index} {`, ...volumeLines(volume, '\t\t'), '\t}');
    });
  }
  const net: Record<string, string | number | undefined> = {
    protocol: spec.protocol,
    'after-sb-0pri': spec.splitBrain?.zeroPrimaries,
    'after-sb-1pri': spec.splitBrain?.onePrimary,
    'after-sb-2pri': spec.splitBrain?.twoPrimaries,
    ...spec.net,
  };
  lines.push(
    ...section('options', spec.options, '\t'),
    ...section('net', net, '\t'),
    ...section('disk', spec.diskOptions, '\t'),
    ...section('handlers', spec.handlers, '\t'),
  );
  const usedIds = new Set(spec.nodes.map((node) => node.nodeId).filter((id): id is number => id !== undefined));
  let nextId = 0;
  for (const node of spec.nodes) {
    if (!/^[A-Za-z0-9_.-]+$/.test(node.name)) throw new TypeError(`'${node.name}' is not a host name`);
    let nodeId = node.nodeId;
    if (nodeId === undefined) {
      while (usedIds.has(nextId)) nextId++;
      nodeId = nextId;
      usedIds.add(nodeId);
    }
    const address = node.address.trim();
    if (!/^((ipv4|ipv6)\s+)?(\[[^\]]+\]|[^\s:]+):\d+$/.test(address))
      throw new TypeError(`'${node.address}' is not ADDRESS:PORT`);
    lines.push(
      `\ton ${node.name} {`,
      `\t\tnode-id   ${nodeId};`,
      `\t\taddress   ${address.includes('[') && !address.startsWith('ipv6') ? `ipv6 ${address}` : address};`,
    );
    for (const [index, volume] of (node.volumes ?? []).entries())
      lines.push(`\t\tvolume ${volume.number ?? index} {`, ...volumeLines(volume, '\t\t\t'), '\t\t}');
    lines.push('\t}');
  }
  if (mesh) lines.push('\tconnection-mesh {', `\t\thosts ${spec.nodes.map((node) => node.name).join(' ')};`, '\t}');
  lines.push('}', '');
  return lines.join('\n');
}
