import { parseWithSchema } from '@ha/core';
import { z } from 'zod';
import {
  positionIn,
  wordsOf,
  type CstBlock,
  type CstNode,
  type CstStatement,
  type DrbdDocument,
} from '../parse/cst.js';

/** `address [ipv4|ipv6|ssocks|sdp|sci] HOST:PORT`. */
export const addressSchema = z.object({
  /** `ipv4`, `ipv6`, `ssocks`, `sdp` or `sci`: as written, else inferred from the host (`ipv6` for `[fd00::1]`). */
  family: z.string(),
  /** The address without brackets or port (`10.0.0.1`, `fd00::1`). */
  host: z.string(),
  /** The TCP port, when written. */
  port: z.number().int().optional(),
  /** The address word as written (`10.0.0.1:7789`, `[fd00::1]:7789`). */
  raw: z.string(),
});
/** A host's or a path's address, read from `address [FAMILY] HOST:PORT;`. */
export type DrbdAddress = z.infer<typeof addressSchema>;

/** Options of a section (`net`, `disk` …): name → words after it. */
const optionsSchema = z.record(z.string(), z.array(z.string()));
/** A section's options: each statement's keyword → its arguments (`{ protocol: ['C'], 'after-sb-0pri': ['discard-zero-changes'] }`). */
export type DrbdOptions = z.infer<typeof optionsSchema>;

/** The schema of one volume (`volume N { device …; disk …; meta-disk …; }`, or implied). */
export const volumeSchema = z.object({
  /** The volume number (0 for an implied volume). */
  number: z.number().int(),
  /** Written with `volume N { }`, or implied (device/disk directly in a resource or host: volume 0). */
  explicit: z.boolean(),
  /** `device /dev/drbdN [minor N];`: its path and minor, when given (the minor read from the path otherwise). */
  device: z
    .object({
      /** `/dev/drbd0` (absent for `device minor 0;`). */
      path: z.string().optional(),
      /** The minor number. */
      minor: z.number().int().optional(),
    })
    .optional(),
  /** A block device path, or `none` for a diskless node. */
  disk: z.string().optional(),
  /** Where DRBD's metadata lives. */
  metaDisk: z
    .object({
      /** `internal` (on the disk itself), `external` (`meta-disk /dev/sdc1 [N]`), or `flexible` (`flexible-meta-disk`). */
      kind: z.enum(['internal', 'external', 'flexible']),
      /** The metadata device, when not internal. */
      path: z.string().optional(),
      /** The index on that device (`/dev/sdc1[0]`), when given. */
      index: z.number().int().optional(),
    })
    .optional(),
  /** The volume's own `disk { }` options. */
  diskOptions: optionsSchema,
  /** 1-based line of the volume (of its first statement when implied). */
  line: z.number().int(),
  /** 1-based column of the same. */
  column: z.number().int(),
  /** Offset of the same in its file's `source` (-1 when an edit wrote it): where a finding's range starts. */
  offset: z.number().int(),
});
/** One volume of a resource or host, as written (see `effectiveVolumes` for what a host ends up with). */
export type DrbdVolume = z.infer<typeof volumeSchema>;

/** The schema of a host section (`on NAME { }`, `floating ADDR { }`, `stacked-on-top-of RES { }`). */
export const hostSchema = z.object({
  /** `on alpha { }` names one host; `on alpha bravo { }` several. */
  names: z.array(z.string()),
  /** `node-id N;` (DRBD 9), when given. */
  nodeId: z.number().int().optional(),
  /** `address …;` (or a `floating` section's own address). */
  address: addressSchema.optional(),
  /** The host's own volumes (over the resource's, see `effectiveVolumes`). */
  volumes: z.array(volumeSchema),
  /** A `floating ADDR:PORT { }` section: known by its address, not a host name. */
  floating: z.boolean(),
  /** 1-based line of the section. */
  line: z.number().int(),
  /** 1-based column of the section. */
  column: z.number().int(),
  /** Offset of the same in its file's `source` (-1 when an edit wrote it): where a finding's range starts. */
  offset: z.number().int(),
});
/** A host of a resource. */
export type DrbdHost = z.infer<typeof hostSchema>;

/** The schema of a `connection [NAME] { host A …; host B …; path { } net { } }` section. */
export const connectionSchema = z.object({
  /** The connection's name, when given. */
  name: z.string().optional(),
  /** Its `host NAME [address ADDR] [port N] [via proxy …];` statements. */
  hosts: z.array(
    z.object({
      /** The host's name. */
      name: z.string(),
      /** The address given here, over the host's own. */
      address: addressSchema.optional(),
      /** `port N`, when given. */
      port: z.number().int().optional(),
      /** `via proxy`: the connection goes through drbd-proxy. */
      viaProxy: z.boolean(),
    }),
  ),
  /** Each `path { host …; host …; }`: its hosts. */
  paths: z.array(
    z.array(
      z.object({
        /** The host's name. */
        name: z.string(),
        /** The address of this path. */
        address: addressSchema.optional(),
        /** `port N`, when given. */
        port: z.number().int().optional(),
      }),
    ),
  ),
  /** The connection's own `net { }` options. */
  net: optionsSchema,
  /** 1-based line of the section. */
  line: z.number().int(),
  /** 1-based column of the section. */
  column: z.number().int(),
  /** Offset of the same in its file's `source` (-1 when an edit wrote it): where a finding's range starts. */
  offset: z.number().int(),
});
/** A connection between two hosts of a resource (DRBD 9). */
export type DrbdConnection = z.infer<typeof connectionSchema>;

/** The schema of a `resource NAME { }`. */
export const resourceSchema = z.object({
  /** The resource's name. */
  name: z.string(),
  /** The volumes every host has unless it says otherwise. */
  volumes: z.array(volumeSchema),
  /** Its `on`, `floating` and `stacked-on-top-of` sections. */
  hosts: z.array(hostSchema),
  /** Its `connection { }` sections. */
  connections: z.array(connectionSchema),
  /** A `connection-mesh { hosts …; }`: every named host connected to every other. */
  mesh: z
    .object({
      /** The hosts of the mesh. */
      hosts: z.array(z.string()),
      /** The mesh's `net { }` options. */
      net: optionsSchema,
    })
    .optional(),
  /** `C`, `B` or `A`, from `protocol` in the resource or its `net`. */
  protocol: z.string().optional(),
  /** The resource's `net { }` options. */
  net: optionsSchema,
  /** Its `disk { }` options. */
  disk: optionsSchema,
  /** Its `options { }` (quorum, auto-promote …). */
  options: optionsSchema,
  /** Its `startup { }` options. */
  startup: optionsSchema,
  /** Its `handlers { }` (name → command words). */
  handlers: optionsSchema,
  /** `stacked-on-top-of R { }` hosts (a resource on top of another). */
  stackedOn: z.array(z.string()),
  /** 1-based line of `resource`. */
  line: z.number().int(),
  /** 1-based column of `resource`. */
  column: z.number().int(),
  /** Offset of the same in its file's `source` (-1 when an edit wrote it): where a finding's range starts. */
  offset: z.number().int(),
  /** The file it is defined in, when the document names one. */
  file: z.string().optional(),
});
/** A resource, as its file defines it. */
export type DrbdResource = z.infer<typeof resourceSchema>;

/** The schema of the typed view of a drbd.conf (`toConfig`). */
export const drbdConfigSchema = z.object({
  /** The `global { }` options. */
  global: optionsSchema,
  /** The `common { }` sections every resource inherits. */
  common: z.object({
    /** `common { net { } }`. */
    net: optionsSchema,
    /** `common { disk { } }`. */
    disk: optionsSchema,
    /** `common { options { } }`. */
    options: optionsSchema,
    /** `common { startup { } }`. */
    startup: optionsSchema,
    /** `common { handlers { } }`. */
    handlers: optionsSchema,
  }),
  /** Every resource, in file order. */
  resources: z.array(resourceSchema),
  /** `include "…";` patterns, as written (followed by `readConfig`). */
  includes: z.array(z.string()),
});
/** The typed view of a drbd.conf and what it includes. */
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
  return { family: inferred, host, port: port === undefined ? undefined : Number(port), raw };
}

/** Where a node of the tree is: the offset of its first token, and the line and column of that. */
type Place = Pick<DrbdVolume, 'offset' | 'line' | 'column'>;

function options(block: CstBlock | undefined): DrbdOptions {
  const result: DrbdOptions = {};
  for (const child of block?.children ?? []) {
    if (child.type !== 'statement' || child.words.length === 0) continue;
    const [name, ...rest] = wordsOf(child);
    result[name as string] = rest;
  }
  return result;
}

function childBlock(parent: CstBlock | undefined, keyword: string): CstBlock | undefined {
  return parent?.children.find(
    (child): child is CstBlock => child.type === 'block' && child.words[0]?.value === keyword,
  );
}

function statement(parent: CstBlock, keyword: string): string[] | undefined {
  const found = parent.children.find(
    (child): child is CstStatement => child.type === 'statement' && child.words[0]?.value === keyword,
  );
  return found ? wordsOf(found).slice(1) : undefined;
}

const volumeKeywords = new Set(['device', 'disk', 'meta-disk', 'flexible-meta-disk']);

function toVolume(
  block: CstBlock,
  number: number,
  explicit: boolean,
  at: (node: CstNode) => Place,
): DrbdVolume | undefined {
  const device = statement(block, 'device');
  const disk = statement(block, 'disk');
  const metaDisk = statement(block, 'meta-disk') ?? statement(block, 'flexible-meta-disk');
  if (!explicit && device === undefined && disk === undefined && metaDisk === undefined) return undefined;
  // An implicit volume is where its first statement is, not where the enclosing block starts.
  const first = explicit
    ? undefined
    : block.children.find((child) => child.type === 'statement' && volumeKeywords.has(child.words[0]?.value ?? ''));
  const volume: DrbdVolume = {
    number,
    explicit,
    diskOptions: options(childBlock(block, 'disk')),
    ...at(first ?? block),
  };
  if (device) {
    const minorAt = device.indexOf('minor');
    const path = device[0] !== 'minor' ? device[0] : undefined;
    const minor = minorAt !== -1 ? Number(device[minorAt + 1]) : path !== undefined ? minorFromPath(path) : undefined;
    volume.device = { path, minor: minor !== undefined && Number.isInteger(minor) ? minor : undefined };
  }
  if (disk && disk[0] !== undefined) volume.disk = disk[0];
  if (metaDisk && metaDisk[0] !== undefined) {
    const flexible = statement(block, 'flexible-meta-disk') !== undefined;
    // The index follows the device: `/dev/sdc1 [0]`, `/dev/sdc1 0` or `/dev/sdc1[0]`.
    const attached = /^(.*)\[(\d+)\]$/.exec(metaDisk[0]);
    const path = attached ? (attached[1] as string) : metaDisk[0];
    const index = attached
      ? Number(attached[2])
      : metaDisk[1] !== undefined
        ? Number(metaDisk[1].replace(/[[\]]/g, ''))
        : undefined;
    volume.metaDisk =
      metaDisk[0] === 'internal'
        ? { kind: 'internal' }
        : {
            kind: flexible ? 'flexible' : 'external',
            path,
            index: index !== undefined && Number.isInteger(index) ? index : undefined,
          };
  }
  return volume;
}

function minorFromPath(path: string): number | undefined {
  const match = /^\/dev\/drbd(\d+)$/.exec(path);
  return match ? Number(match[1]) : undefined;
}

function toVolumes(block: CstBlock, at: (node: CstNode) => Place): DrbdVolume[] {
  const volumes: DrbdVolume[] = [];
  const implicit = toVolume(block, 0, false, at);
  if (implicit) volumes.push(implicit);
  for (const child of block.children) {
    if (child.type === 'block' && child.words[0]?.value === 'volume') {
      const volume = toVolume(child, Number(child.words[1]?.value ?? 0), true, at);
      if (volume) volumes.push(volume);
    }
  }
  return volumes;
}

function toConnectionHost(words: readonly string[]): {
  name: string;
  address?: DrbdAddress;
  port?: number;
  viaProxy: boolean;
} {
  const addressAt = words.indexOf('address');
  const portAt = words.indexOf('port');
  const address =
    addressAt === -1
      ? undefined
      : parseDrbdAddress(words.slice(addressAt + 1, addressAt + 3).filter((word) => word !== 'port' && word !== 'via'));
  const port = portAt === -1 ? undefined : Number(words[portAt + 1]);
  return {
    name: words[1] ?? '',
    address,
    port: port !== undefined && Number.isInteger(port) ? port : undefined,
    viaProxy: words.includes('via'),
  };
}

function toResource(block: CstBlock, at: (node: CstNode) => Place, file: string | undefined): DrbdResource {
  const net = options(childBlock(block, 'net'));
  const protocolStatement = statement(block, 'protocol');
  const resource: DrbdResource = {
    name: block.words[1]?.value ?? '',
    volumes: toVolumes(block, at),
    hosts: [],
    connections: [],
    protocol: protocolStatement?.[0] ?? net.protocol?.[0],
    net,
    disk: options(childBlock(block, 'disk')),
    options: options(childBlock(block, 'options')),
    startup: options(childBlock(block, 'startup')),
    handlers: options(childBlock(block, 'handlers')),
    stackedOn: [],
    ...at(block),
    file,
  };
  for (const child of block.children) {
    if (child.type !== 'block') continue;
    const keyword = child.words[0]?.value;
    if (keyword === 'on' || keyword === 'floating' || keyword === 'stacked-on-top-of') {
      const words = wordsOf(child).slice(1);
      const floating = keyword === 'floating';
      const addressWords = statement(child, 'address');
      const nodeId = statement(child, 'node-id')?.[0];
      resource.hosts.push({
        names: keyword === 'on' ? words : [],
        nodeId: nodeId !== undefined && /^\d+$/.test(nodeId) ? Number(nodeId) : undefined,
        address: floating ? parseDrbdAddress(words) : addressWords ? parseDrbdAddress(addressWords) : undefined,
        volumes: toVolumes(child, at),
        floating,
        ...at(child),
      });
      if (keyword === 'stacked-on-top-of') resource.stackedOn.push(...words);
    } else if (keyword === 'connection') {
      const hostsOf = (block: CstBlock) =>
        block.children
          .filter((entry) => entry.words[0]?.value === 'host')
          .map((entry) => toConnectionHost(wordsOf(entry)));
      const paths = child.children
        .filter((entry): entry is CstBlock => entry.type === 'block' && entry.words[0]?.value === 'path')
        .map((path) => hostsOf(path).map(({ viaProxy: _viaProxy, ...host }) => host));
      resource.connections.push({
        name: child.words[1]?.value,
        hosts: hostsOf(child),
        paths,
        net: options(childBlock(child, 'net')),
        ...at(child),
      });
    } else if (keyword === 'connection-mesh') {
      resource.mesh = { hosts: statement(child, 'hosts') ?? [], net: options(childBlock(child, 'net')) };
    }
  }
  return resource;
}

/**
 * The typed view of drbd.conf documents (a file and what it includes, see
 * `readConfig`): global and common options, and each resource with its
 * volumes, hosts, connections, mesh and option sections, checked against
 * `drbdConfigSchema`. Volumes written directly in a resource or a host are
 * volume 0. `include` statements are listed, not followed.
 *
 * ```ts
 * const config = toConfig(parse(text, { file: 'drbd0.res' }));
 * for (const resource of config.resources) console.log(resource.name, resource.hosts.map((host) => host.address?.raw));
 * ```
 */
export function toConfig(documents: DrbdDocument | readonly DrbdDocument[]): DrbdConfig {
  return parseWithSchema(drbdConfigSchema, collectConfig(documents), 'DRBD configuration model');
}

/**
 * `toConfig` without the schema's copy of the result: for the checks, which
 * read the view once (built here by typed code) and need not pay for a
 * second one of a large file.
 */
export function collectConfig(documents: DrbdDocument | readonly DrbdDocument[]): DrbdConfig {
  const list: readonly DrbdDocument[] = Array.isArray(documents) ? documents : [documents as DrbdDocument];
  const config: DrbdConfig = {
    global: {},
    common: { net: {}, disk: {}, options: {}, startup: {}, handlers: {} },
    resources: [],
    includes: [],
  };
  for (const document of list) {
    const at = (node: CstNode): Place => {
      const offset = (node.words[0] ?? (node.type === 'block' ? node.open : undefined))?.offset ?? -1;
      return { offset, ...positionIn(document, offset) };
    };
    for (const node of document.children) {
      const keyword = node.words[0]?.value;
      if (node.type === 'statement') {
        if (keyword === 'include' && node.words[1]) config.includes.push(node.words[1].value);
        continue;
      }
      if (keyword === 'global') Object.assign(config.global, options(node));
      else if (keyword === 'common') {
        for (const section of ['net', 'disk', 'options', 'startup', 'handlers'] as const)
          Object.assign(config.common[section], options(childBlock(node, section)));
      } else if (keyword === 'resource') config.resources.push(toResource(node, at, document.file));
    }
  }
  return config;
}
