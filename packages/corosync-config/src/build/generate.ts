import { randomUUID } from 'node:crypto';
import { UnsafeArgumentError } from '@ha/core';

/** A node of a new cluster. */
export interface GenerateNode {
  /** The node's name (`node1`). */
  name: string;
  /** One address per link, link 0 first. */
  addresses: string[];
  /** Default: 1, 2, 3 … in the order given. */
  nodeid?: number;
}

/** Options of one knet link, written to a `totem.interface` section (`link_priority` …). */
export type LinkOptions = Record<string, string | number>;

/** What `generate` builds from. Option names are corosync's own. */
export interface GenerateOptions {
  /** `totem.cluster_name`. */
  clusterName: string;
  /** The nodes, in nodeid order; every one with as many addresses as the first. */
  nodes: GenerateNode[];
  /** Default `knet`. */
  transport?: 'knet' | 'udp' | 'udpu';
  /** Per link number, its interface options (`knet_link_priority`, `knet_transport` …). */
  links?: Record<number, LinkOptions>;
  /** knet only. Default aes256/sha256, as pcs; `false` turns crypto off. */
  crypto?:
    | {
        /** `crypto_cipher`. Default `aes256`. */
        cipher?: string;
        /** `crypto_hash`. Default `sha256`. */
        hash?: string;
        /** `crypto_model` (`nss`, `openssl`). Default: none written (corosync's own). */
        model?: string;
      }
    | false;
  /** Extra votequorum options (`wait_for_all`, `last_man_standing` …); `two_node` is set for two nodes. */
  quorum?: Record<string, string | number>;
  /** Extra totem options (`token`, `consensus` …). */
  totem?: Record<string, string | number>;
  /** pcs writes a random `cluster_uuid`; pass one to fix it, or `false` for none. */
  clusterUuid?: string | false;
}

const indent = '    ';

/**
 * A corosync.conf for a new cluster, laid out as `pcs cluster setup` writes it:
 * knet with aes256/sha256 by default, nodeids 1…N, `two_node: 1` for exactly
 * two nodes, logging to /var/log/corosync/corosync.log and syslog.
 */
export function generate(options: GenerateOptions): string {
  // Every option defaulted here, once (an option given as undefined takes its default too).
  const { clusterName, nodes } = options;
  const transport = options.transport ?? 'knet';
  const crypto =
    options.crypto === false || transport !== 'knet'
      ? undefined
      : { cipher: 'aes256', hash: 'sha256', ...withoutUndefined(options.crypto ?? {}) };
  const clusterUuid = options.clusterUuid ?? randomUUID().replace(/-/g, '');
  // pcs sets two_node for exactly two nodes, unless told otherwise.
  const quorum = { ...(nodes.length === 2 ? { two_node: 1 } : {}), ...options.quorum };
  if (!/^[^\s:{}#]+$/.test(clusterName))
    throw new UnsafeArgumentError(`invalid cluster name '${clusterName}'`, clusterName);
  if (nodes.length === 0) throw new TypeError('a cluster needs at least one node');
  const linkCount = nodes[0]?.addresses.length ?? 0;
  for (const node of nodes) {
    if (!/^[^\s:{}#]+$/.test(node.name)) throw new UnsafeArgumentError(`invalid node name '${node.name}'`, node.name);
    if (node.addresses.length === 0) throw new TypeError(`node ${node.name} has no address`);
    if (node.addresses.length !== linkCount) {
      throw new TypeError(
        `node ${node.name} has ${node.addresses.length} address(es), the first node ${linkCount}: every node needs one per link`,
      );
    }
    for (const address of node.addresses)
      if (!/^[^\s{}#]+$/.test(address))
        throw new UnsafeArgumentError(`invalid address '${address}' of node ${node.name}`, address);
  }
  if (transport !== 'knet' && linkCount > 1) throw new TypeError(`${transport} supports exactly one link`);
  if (linkCount > 8) throw new TypeError('knet supports at most 8 links');

  const lines: string[] = [
    'totem {',
    `${indent}version: 2`,
    `${indent}cluster_name: ${clusterName}`,
    `${indent}transport: ${transport}`,
  ];
  for (const [key, value] of sorted(options.totem)) lines.push(`${indent}${key}: ${value}`);
  if (crypto) {
    lines.push(`${indent}crypto_cipher: ${crypto.cipher}`, `${indent}crypto_hash: ${crypto.hash}`);
    if (crypto.model !== undefined) lines.push(`${indent}crypto_model: ${crypto.model}`);
  }
  if (clusterUuid !== false) lines.push(`${indent}cluster_uuid: ${clusterUuid}`);
  for (const [link, linkOptions] of Object.entries(options.links ?? {}).sort(([a], [b]) => Number(a) - Number(b))) {
    const entries = sorted({ ...linkOptions, [transport === 'knet' ? 'linknumber' : 'ringnumber']: Number(link) });
    lines.push(
      '',
      `${indent}interface {`,
      ...entries.map(([key, value]) => `${indent}${indent}${key}: ${value}`),
      `${indent}}`,
    );
  }
  lines.push('}', '', 'nodelist {');
  nodes.forEach((node, i) => {
    if (i > 0) lines.push('');
    lines.push(`${indent}node {`);
    node.addresses.forEach((address, link) => lines.push(`${indent}${indent}ring${link}_addr: ${address}`));
    lines.push(
      `${indent}${indent}name: ${node.name}`,
      `${indent}${indent}nodeid: ${node.nodeid ?? i + 1}`,
      `${indent}}`,
    );
  });
  lines.push('}', '', 'quorum {', `${indent}provider: corosync_votequorum`);
  for (const [key, value] of sorted(quorum)) lines.push(`${indent}${key}: ${value}`);
  lines.push(
    '}',
    '',
    'logging {',
    `${indent}to_logfile: yes`,
    `${indent}logfile: /var/log/corosync/corosync.log`,
    `${indent}to_syslog: yes`,
    `${indent}timestamp: on`,
    '}',
    '',
  );
  return lines.join('\n');
}

// The entries that are set: `{ cipher: undefined }` leaves the default in place.
function withoutUndefined<T extends object>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function sorted(record: Record<string, string | number> | undefined): [string, string | number][] {
  return Object.entries(record ?? {}).sort(([a], [b]) => a.localeCompare(b));
}
