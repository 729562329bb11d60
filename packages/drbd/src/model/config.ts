import { parseWithSchema } from '@ha/core';
import { z } from 'zod';
import { wordsOf, type Block, type DrbdDocument, type Node, type Statement } from '../parse/cst.js';

/** `address [ipv4|ipv6|ssocks|sdp|sci] HOST:PORT`. */
export const addressSchema = z.object({
  family: z.string(),
  host: z.string(),
  port: z.number().int().optional(),
  raw: z.string(),
});
export type DrbdAddress = z.infer<typeof addressSchema>;

/** Options of a section (`net`, `disk` …): name → words after it. */
const optionsSchema = z.record(z.string(), z.array(z.string()));
export type DrbdOptions = z.infer<typeof optionsSchema>;

export const volumeSchema = z.object({
  number: z.number().int(),
  /** Written with `volume N { }`, or implied (device/disk directly in a resource or host: volume 0). */
  explicit: z.boolean(),
  device: z.object({ path: z.string().optional(), minor: z.number().int().optional() }).optional(),
  /** A block device path, or `none` for a diskless node. */
  disk: z.string().optional(),
  metaDisk: z.object({ kind: z.enum(['internal', 'external', 'flexible']), path: z.string().optional(), index: z.number().int().optional() }).optional(),
  diskOptions: optionsSchema,
  line: z.number().int(),
  column: z.number().int(),
});
export type DrbdVolume = z.infer<typeof volumeSchema>;

export const hostSchema = z.object({
  /** `on alpha { }` names one host; `on alpha bravo { }` several. */
  names: z.array(z.string()),
  nodeId: z.number().int().optional(),
  address: addressSchema.optional(),
  volumes: z.array(volumeSchema),
  /** A `floating ADDR:PORT { }` section: known by its address, not a host name. */
  floating: z.boolean(),
  line: z.number().int(),
  column: z.number().int(),
});
export type DrbdHost = z.infer<typeof hostSchema>;

export const connectionSchema = z.object({
  name: z.string().optional(),
  hosts: z.array(z.object({ name: z.string(), address: addressSchema.optional(), port: z.number().int().optional(), viaProxy: z.boolean() })),
  paths: z.array(z.array(z.object({ name: z.string(), address: addressSchema.optional(), port: z.number().int().optional() }))),
  net: optionsSchema,
  line: z.number().int(),
  column: z.number().int(),
});
export type DrbdConnection = z.infer<typeof connectionSchema>;

export const resourceSchema = z.object({
  name: z.string(),
  /** The volumes every host has unless it says otherwise. */
  volumes: z.array(volumeSchema),
  hosts: z.array(hostSchema),
  connections: z.array(connectionSchema),
  mesh: z.object({ hosts: z.array(z.string()), net: optionsSchema }).optional(),
  /** `C`, `B` or `A`, from `protocol` in the resource or its `net`. */
  protocol: z.string().optional(),
  net: optionsSchema,
  disk: optionsSchema,
  options: optionsSchema,
  startup: optionsSchema,
  handlers: optionsSchema,
  /** `stacked-on-top-of R { }` hosts (a resource on top of another). */
  stackedOn: z.array(z.string()),
  line: z.number().int(),
  column: z.number().int(),
  file: z.string().optional(),
});
export type DrbdResource = z.infer<typeof resourceSchema>;

export const drbdConfigSchema = z.object({
  global: optionsSchema,
  common: z.object({ net: optionsSchema, disk: optionsSchema, options: optionsSchema, startup: optionsSchema, handlers: optionsSchema }),
  resources: z.array(resourceSchema),
  /** `include "…";` patterns, as written (resolved by `loadDrbdConfig`). */
  includes: z.array(z.string()),
});
export type DrbdConfig = z.infer<typeof drbdConfigSchema>;

/** Reads `address`'s words: an optional family, then `HOST:PORT` (`[v6]:PORT` for IPv6). */
export function parseDrbdAddress(words: readonly string[]): DrbdAddress | undefined {
  const families = new Set(['ipv4', 'ipv6', 'ssocks', 'sdp', 'sci']);
  const family = words.length > 1 && families.has(words[0] as string) ? (words[0] as string) : undefined;
  const raw = (family ? words[1] : words[0]) ?? '';
  if (raw === '') return undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(raw);
  const plain = bracketed ? undefined : /^(.*?)(?::(\d+))?$/.exec(raw);
  const host = (bracketed ? bracketed[1] : plain?.[1]) ?? raw;
  const port = bracketed?.[2] ?? plain?.[2];
  const inferred = family ?? (host.includes(':') ? 'ipv6' : 'ipv4');
  return { family: inferred, host, ...(port === undefined ? {} : { port: Number(port) }), raw };
}

interface Reader {
  at(node: Node): { line: number; column: number };
}

function options(block: Block | undefined): DrbdOptions {
  const result: DrbdOptions = {};
  for (const child of block?.children ?? []) {
    if (child.type !== 'statement' || child.words.length === 0) continue;
    const [name, ...rest] = wordsOf(child);
    result[name as string] = rest;
  }
  return result;
}

function childBlock(parent: Block | undefined, keyword: string): Block | undefined {
  return parent?.children.find((child): child is Block => child.type === 'block' && child.words[0]?.value === keyword);
}

function statement(parent: Block, keyword: string): string[] | undefined {
  const found = parent.children.find((child): child is Statement => child.type === 'statement' && child.words[0]?.value === keyword);
  return found ? wordsOf(found).slice(1) : undefined;
}

function readVolume(block: Block, number: number, explicit: boolean, reader: Reader): DrbdVolume | undefined {
  const device = statement(block, 'device');
  const disk = statement(block, 'disk');
  const metaDisk = statement(block, 'meta-disk') ?? statement(block, 'flexible-meta-disk');
  if (!explicit && device === undefined && disk === undefined && metaDisk === undefined) return undefined;
  // An implicit volume is where its first statement is, not where the enclosing block starts.
  const first = explicit ? undefined : block.children.find((child) => child.type === 'statement' && ['device', 'disk', 'meta-disk', 'flexible-meta-disk'].includes(child.words[0]?.value ?? ''));
  const volume: DrbdVolume = { number, explicit, diskOptions: options(childBlock(block, 'disk')), ...reader.at(first ?? block) };
  if (device) {
    const minorAt = device.indexOf('minor');
    const path = device[0] !== 'minor' ? device[0] : undefined;
    const minor = minorAt !== -1 ? Number(device[minorAt + 1]) : path !== undefined ? minorFromPath(path) : undefined;
    volume.device = { ...(path !== undefined ? { path } : {}), ...(minor !== undefined && Number.isInteger(minor) ? { minor } : {}) };
  }
  if (disk && disk[0] !== undefined) volume.disk = disk[0];
  if (metaDisk && metaDisk[0] !== undefined) {
    const flexible = statement(block, 'flexible-meta-disk') !== undefined;
    // The index follows the device: `/dev/sdc1 [0]`, `/dev/sdc1 0` or `/dev/sdc1[0]`.
    const attached = /^(.*)\[(\d+)\]$/.exec(metaDisk[0]);
    const path = attached ? (attached[1] as string) : metaDisk[0];
    const index = attached ? Number(attached[2]) : metaDisk[1] !== undefined ? Number(metaDisk[1].replace(/[[\]]/g, '')) : undefined;
    volume.metaDisk = metaDisk[0] === 'internal' ? { kind: 'internal' } : { kind: flexible ? 'flexible' : 'external', path, ...(index !== undefined && Number.isInteger(index) ? { index } : {}) };
  }
  return volume;
}

function minorFromPath(path: string): number | undefined {
  const match = /^\/dev\/drbd(\d+)$/.exec(path);
  return match ? Number(match[1]) : undefined;
}

function readVolumes(block: Block, reader: Reader): DrbdVolume[] {
  const volumes: DrbdVolume[] = [];
  const implicit = readVolume(block, 0, false, reader);
  if (implicit) volumes.push(implicit);
  for (const child of block.children) {
    if (child.type === 'block' && child.words[0]?.value === 'volume') {
      const volume = readVolume(child, Number(child.words[1]?.value ?? 0), true, reader);
      if (volume) volumes.push(volume);
    }
  }
  return volumes;
}

function readHostWords(words: readonly string[]): { name: string; address?: DrbdAddress; port?: number; viaProxy: boolean } {
  const name = words[1] ?? '';
  const addressAt = words.indexOf('address');
  const portAt = words.indexOf('port');
  const address = addressAt === -1 ? undefined : parseDrbdAddress(words.slice(addressAt + 1, addressAt + 3).filter((word) => word !== 'port' && word !== 'via'));
  const port = portAt === -1 ? undefined : Number(words[portAt + 1]);
  return { name, ...(address ? { address } : {}), ...(port !== undefined && Number.isInteger(port) ? { port } : {}), viaProxy: words.includes('via') };
}

function readResource(block: Block, reader: Reader, file: string | undefined): DrbdResource {
  const net = options(childBlock(block, 'net'));
  const protocolStatement = statement(block, 'protocol');
  const resource: DrbdResource = {
    name: block.words[1]?.value ?? '',
    volumes: readVolumes(block, reader),
    hosts: [],
    connections: [],
    protocol: protocolStatement?.[0] ?? net.protocol?.[0],
    net,
    disk: options(childBlock(block, 'disk')),
    options: options(childBlock(block, 'options')),
    startup: options(childBlock(block, 'startup')),
    handlers: options(childBlock(block, 'handlers')),
    stackedOn: [],
    ...reader.at(block),
    ...(file === undefined ? {} : { file }),
  };
  for (const child of block.children) {
    if (child.type !== 'block') continue;
    const keyword = child.words[0]?.value;
    if (keyword === 'on' || keyword === 'floating' || keyword === 'stacked-on-top-of') {
      const words = wordsOf(child).slice(1);
      const floating = keyword === 'floating';
      const addressWords = statement(child, 'address');
      const host: DrbdHost = {
        names: floating ? [] : keyword === 'stacked-on-top-of' ? [] : words,
        volumes: readVolumes(child, reader),
        floating,
        ...reader.at(child),
      };
      const address = floating ? parseDrbdAddress(words) : addressWords ? parseDrbdAddress(addressWords) : undefined;
      if (address) host.address = address;
      const nodeId = statement(child, 'node-id')?.[0];
      if (nodeId !== undefined && /^\d+$/.test(nodeId)) host.nodeId = Number(nodeId);
      if (keyword === 'stacked-on-top-of') resource.stackedOn.push(...words);
      resource.hosts.push(host);
    } else if (keyword === 'connection') {
      const hosts = child.children.filter((entry) => entry.words[0]?.value === 'host').map((entry) => readHostWords(wordsOf(entry)));
      const paths = child.children
        .filter((entry): entry is Block => entry.type === 'block' && entry.words[0]?.value === 'path')
        .map((path) => path.children.filter((entry) => entry.words[0]?.value === 'host').map((entry) => {
          const { viaProxy: _viaProxy, ...host } = readHostWords(wordsOf(entry));
          return host;
        }));
      resource.connections.push({ ...(child.words[1] ? { name: child.words[1].value } : {}), hosts, paths, net: options(childBlock(child, 'net')), ...reader.at(child) });
    } else if (keyword === 'connection-mesh') {
      resource.mesh = { hosts: statement(child, 'hosts') ?? [], net: options(childBlock(child, 'net')) };
    }
  }
  return resource;
}

/**
 * The typed view of drbd.conf documents (a file and what it includes):
 * global and common options, and each resource with its volumes, hosts,
 * connections, mesh and option sections. Volumes written directly in a
 * resource or a host are volume 0.
 */
export function toDrbdConfig(documents: DrbdDocument | readonly DrbdDocument[]): DrbdConfig {
  const list = Array.isArray(documents) ? documents : [documents as DrbdDocument];
  const config: DrbdConfig = { global: {}, common: { net: {}, disk: {}, options: {}, startup: {}, handlers: {} }, resources: [], includes: [] };
  for (const document of list) {
    const reader: Reader = {
      at: (node) => {
        const token = node.words[0] ?? (node.type === 'block' ? node.open : undefined);
        return { line: token?.line ?? 0, column: token?.column ?? 0 };
      },
    };
    for (const node of document.children) {
      const keyword = node.words[0]?.value;
      if (node.type === 'statement') {
        if (keyword === 'include' && node.words[1]) config.includes.push(node.words[1].value);
        continue;
      }
      if (keyword === 'global') Object.assign(config.global, options(node));
      else if (keyword === 'common') {
        for (const section of ['net', 'disk', 'options', 'startup', 'handlers'] as const) Object.assign(config.common[section], options(childBlock(node, section)));
      } else if (keyword === 'resource') config.resources.push(readResource(node, reader, document.file));
    }
  }
  return parseWithSchema(drbdConfigSchema, config, 'DRBD configuration model');
}

