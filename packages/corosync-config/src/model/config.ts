import { parseWithSchema, safeParseInteger } from '@ha/core';
import { z } from 'zod';
import type { CorosyncDocument, CstNode, CstSection } from '../parse/cst.js';
import { lastValue, sectionsNamed } from '../edit/tree.js';

/** Every `key: value` of a section as written (the last value of a repeated key), typed or not. */
const options = z.record(z.string(), z.string());

/** A link (knet) or ring (udp/udpu) as an `interface` section configures it. */
export const interfaceSchema = z.object({
  /** `linknumber`: which knet link (0–7) these options are for. */
  linknumber: z.number().int().optional(),
  /** `ringnumber`: the corosync 2 name of the same (udp/udpu rings). */
  ringnumber: z.number().int().optional(),
  /** Every key of the section (`knet_link_priority`, `mcastport` …). */
  options,
});

/** One `nodelist.node`. */
export const nodeSchema = z.object({
  /** `name`: the node's name, as Pacemaker and pcs know it. */
  name: z.string().optional(),
  /** `nodeid`: its unique id (knet needs one on every node). */
  nodeid: z.number().int().optional(),
  /** Its `ringN_addr` addresses, one per link, by link number. */
  links: z.array(
    z.object({
      /** The link number N of `ringN_addr`. */
      link: z.number().int(),
      /** The address or host name on that link. */
      address: z.string(),
    }),
  ),
  /** Every key of the section. */
  options,
});

/** The typed view of a corosync.conf. Raw key/value `options` keep every key, typed or not. */
export const corosyncConfigSchema = z.object({
  /** The `totem` section(s): protocol, transport, crypto and timings. */
  totem: z.object({
    /** `version` (2 in every corosync since 2.x). */
    version: z.number().int().optional(),
    /** `cluster_name`. */
    clusterName: z.string().optional(),
    /** What corosync uses: `knet` when the file names none (corosync 3). */
    transport: z.string(),
    /** `crypto_cipher` (`aes256` …, `none`). */
    cryptoCipher: z.string().optional(),
    /** `crypto_hash` (`sha256` …, `none`). */
    cryptoHash: z.string().optional(),
    /** `crypto_model` (`nss`, `openssl`). */
    cryptoModel: z.string().optional(),
    /** `secauth`: corosync 2's crypto switch. */
    secauth: z.boolean().optional(),
    /** `ip_version` (`ipv4`, `ipv6`, `ipv4-6`, `ipv6-4`). */
    ipVersion: z.string().optional(),
    /** `link_mode` (`passive`, `active`, `rr`). */
    linkMode: z.string().optional(),
    /** `token`: the token timeout, in milliseconds. */
    token: z.number().int().optional(),
    /** `token_coefficient`, in milliseconds per node beyond two. */
    tokenCoefficient: z.number().int().optional(),
    /** `consensus`, in milliseconds (at least 1.2 × token). */
    consensus: z.number().int().optional(),
    /** `join`, in milliseconds. */
    join: z.number().int().optional(),
    /** `cluster_uuid`, as pcs writes it. */
    clusterUuid: z.string().optional(),
    /** The `interface` subsections, in file order. */
    interfaces: z.array(interfaceSchema),
    /** Every key of the section(s). */
    options,
  }),
  /** The nodes of the `nodelist`, in file order. */
  nodes: z.array(nodeSchema),
  /** The `quorum` section: votequorum settings and a quorum device. */
  quorum: z.object({
    /** `provider` (`corosync_votequorum`). */
    provider: z.string().optional(),
    /** `expected_votes`. */
    expectedVotes: z.number().int().optional(),
    /** `two_node`. */
    twoNode: z.boolean().optional(),
    /** `wait_for_all`. */
    waitForAll: z.boolean().optional(),
    /** `last_man_standing`. */
    lastManStanding: z.boolean().optional(),
    /** `last_man_standing_window`, in milliseconds. */
    lastManStandingWindow: z.number().int().optional(),
    /** `auto_tie_breaker`. */
    autoTieBreaker: z.boolean().optional(),
    /** The `quorum.device` section (a qdevice), when there is one. */
    device: z
      .object({
        /** `model` (`net`). */
        model: z.string().optional(),
        /** `votes` the device has. */
        votes: z.number().int().optional(),
        /** `timeout`, in milliseconds. */
        timeout: z.number().int().optional(),
        /** `sync_timeout`, in milliseconds. */
        syncTimeout: z.number().int().optional(),
        /** The keys of `quorum.device.net` (`host`, `algorithm` …), when there is one. */
        net: options.optional(),
        /** The keys of `quorum.device.heuristics`, when there is one. */
        heuristics: options.optional(),
        /** Every key of the section. */
        options,
      })
      .optional(),
    /** Every key of the section. */
    options,
  }),
  /** The `logging` section. */
  logging: z.object({
    /** `to_logfile`. */
    toLogfile: z.boolean().optional(),
    /** `logfile`: its path. */
    logfile: z.string().optional(),
    /** `to_syslog`. */
    toSyslog: z.boolean().optional(),
    /** `to_stderr`. */
    toStderr: z.boolean().optional(),
    /** `timestamp`. */
    timestamp: z.boolean().optional(),
    /** `debug` (`on`, `off`, `trace`). */
    debug: z.string().optional(),
    /** The `logger_subsys` subsections, in file order. */
    loggerSubsys: z.array(
      z.object({
        /** `subsys`: the subsystem (`QUORUM`, `KNET` …). */
        subsys: z.string().optional(),
        /** Every key of the subsection. */
        options,
      }),
    ),
    /** Every key of the section. */
    options,
  }),
  /** Top-level sections in file order, known or not (`system`, `resources`, `service` …). */
  sections: z.array(z.string()),
});

/** The typed view of a corosync.conf, as `toConfig` reads it. */
export type CorosyncConfig = z.infer<typeof corosyncConfigSchema>;
/** One node of `CorosyncConfig.nodes`. */
export type CorosyncNode = z.infer<typeof nodeSchema>;

/** Reads the typed view of a document (the last value of a repeated key wins, as in corosync). */
export function toConfig(document: CorosyncDocument): CorosyncConfig {
  const top = document.children;
  const totem = sectionsNamed(top, 'totem').flatMap((section) => section.children);
  const nodelist = sectionsNamed(top, 'nodelist').flatMap((section) => section.children);
  const quorum = sectionsNamed(top, 'quorum').flatMap((section) => section.children);
  const logging = sectionsNamed(top, 'logging').flatMap((section) => section.children);
  const device = sectionsNamed(quorum, 'device').flatMap((section) => section.children);

  const config: CorosyncConfig = {
    totem: {
      version: integer(lastValue(totem, 'version')),
      clusterName: lastValue(totem, 'cluster_name'),
      transport: lastValue(totem, 'transport') ?? 'knet',
      cryptoCipher: lastValue(totem, 'crypto_cipher'),
      cryptoHash: lastValue(totem, 'crypto_hash'),
      cryptoModel: lastValue(totem, 'crypto_model'),
      secauth: boolean(lastValue(totem, 'secauth')),
      ipVersion: lastValue(totem, 'ip_version'),
      linkMode: lastValue(totem, 'link_mode'),
      token: integer(lastValue(totem, 'token')),
      tokenCoefficient: integer(lastValue(totem, 'token_coefficient')),
      consensus: integer(lastValue(totem, 'consensus')),
      join: integer(lastValue(totem, 'join')),
      clusterUuid: lastValue(totem, 'cluster_uuid'),
      interfaces: sectionsNamed(totem, 'interface').map((section) => ({
        linknumber: integer(lastValue(section.children, 'linknumber')),
        ringnumber: integer(lastValue(section.children, 'ringnumber')),
        options: optionsOf(section.children),
      })),
      options: optionsOf(totem),
    },
    nodes: sectionsNamed(nodelist, 'node').map(toNode),
    quorum: {
      provider: lastValue(quorum, 'provider'),
      expectedVotes: integer(lastValue(quorum, 'expected_votes')),
      twoNode: boolean(lastValue(quorum, 'two_node')),
      waitForAll: boolean(lastValue(quorum, 'wait_for_all')),
      lastManStanding: boolean(lastValue(quorum, 'last_man_standing')),
      lastManStandingWindow: integer(lastValue(quorum, 'last_man_standing_window')),
      autoTieBreaker: boolean(lastValue(quorum, 'auto_tie_breaker')),
      device:
        sectionsNamed(quorum, 'device').length === 0
          ? undefined
          : {
              model: lastValue(device, 'model'),
              votes: integer(lastValue(device, 'votes')),
              timeout: integer(lastValue(device, 'timeout')),
              syncTimeout: integer(lastValue(device, 'sync_timeout')),
              net: optionalOptions(device, 'net'),
              heuristics: optionalOptions(device, 'heuristics'),
              options: optionsOf(device),
            },
      options: optionsOf(quorum),
    },
    logging: {
      toLogfile: boolean(lastValue(logging, 'to_logfile')),
      logfile: lastValue(logging, 'logfile'),
      toSyslog: boolean(lastValue(logging, 'to_syslog')),
      toStderr: boolean(lastValue(logging, 'to_stderr')),
      timestamp: boolean(lastValue(logging, 'timestamp')),
      debug: lastValue(logging, 'debug'),
      loggerSubsys: sectionsNamed(logging, 'logger_subsys').map((section) => ({
        subsys: lastValue(section.children, 'subsys'),
        options: optionsOf(section.children),
      })),
      options: optionsOf(logging),
    },
    sections: top.filter((node): node is CstSection => node.type === 'section').map((section) => section.name),
  };
  return parseWithSchema(corosyncConfigSchema, config, 'corosync configuration');
}

/** `ring0_addr` … `ring7_addr` (and any higher, which validation flags) as link numbers. */
export function toNode(section: CstSection): CorosyncNode {
  const links: CorosyncNode['links'] = [];
  for (const node of section.children) {
    if (node.type !== 'pair') continue;
    const match = /^ring(\d+)_addr$/.exec(node.key);
    if (match) {
      const link = Number(match[1]);
      const existing = links.findIndex((entry) => entry.link === link);
      if (existing !== -1) links.splice(existing, 1);
      links.push({ link, address: node.value });
    }
  }
  links.sort((a, b) => a.link - b.link);
  return {
    name: lastValue(section.children, 'name'),
    nodeid: integer(lastValue(section.children, 'nodeid')),
    links,
    options: optionsOf(section.children),
  };
}

/** corosync's integers (decimal, as its strtoll reads a whole value), through core's one integer parser; undefined when absent. */
export function integer(value: string | undefined): number | undefined {
  return value === undefined ? undefined : safeParseInteger(value);
}

/** corosync's booleans: `yes`/`on`/`1` and `no`/`off`/`0`. */
export function boolean(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (/^(yes|on|1|true)$/i.test(value)) return true;
  if (/^(no|off|0|false)$/i.test(value)) return false;
  return undefined;
}

function optionsOf(children: CstNode[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const node of children) if (node.type === 'pair') result[node.key] = node.value;
  return result;
}

function optionalOptions(children: CstNode[], name: string): Record<string, string> | undefined {
  const sections = sectionsNamed(children, name);
  return sections.length === 0 ? undefined : optionsOf(sections.flatMap((section) => section.children));
}
