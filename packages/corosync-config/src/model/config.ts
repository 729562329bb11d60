import { parseWithSchema } from '@ha/core';
import { z } from 'zod';
import type { CorosyncDocument, CstNode, CstSection } from '../parse/cst.js';
import { lastValue, sectionsNamed } from '../edit/tree.js';

const options = z.record(z.string(), z.string());

/** A link (knet) or ring (udp/udpu) as an `interface` section configures it. */
export const interfaceSchema = z.object({
  linknumber: z.number().int().optional(),
  ringnumber: z.number().int().optional(),
  options,
});

/** One `nodelist.node`. `links` holds its `ringN_addr` addresses by link number. */
export const nodeSchema = z.object({
  name: z.string().optional(),
  nodeid: z.number().int().optional(),
  links: z.array(z.object({ link: z.number().int(), address: z.string() })),
  options,
});

/** The typed view of a corosync.conf. Raw key/value `options` keep every key, typed or not. */
export const corosyncConfigSchema = z.object({
  totem: z.object({
    version: z.number().int().optional(),
    clusterName: z.string().optional(),
    /** What corosync uses: `knet` when the file names none (corosync 3). */
    transport: z.string(),
    cryptoCipher: z.string().optional(),
    cryptoHash: z.string().optional(),
    cryptoModel: z.string().optional(),
    secauth: z.boolean().optional(),
    ipVersion: z.string().optional(),
    linkMode: z.string().optional(),
    token: z.number().int().optional(),
    tokenCoefficient: z.number().int().optional(),
    consensus: z.number().int().optional(),
    join: z.number().int().optional(),
    clusterUuid: z.string().optional(),
    interfaces: z.array(interfaceSchema),
    options,
  }),
  nodes: z.array(nodeSchema),
  quorum: z.object({
    provider: z.string().optional(),
    expectedVotes: z.number().int().optional(),
    twoNode: z.boolean().optional(),
    waitForAll: z.boolean().optional(),
    lastManStanding: z.boolean().optional(),
    lastManStandingWindow: z.number().int().optional(),
    autoTieBreaker: z.boolean().optional(),
    device: z
      .object({
        model: z.string().optional(),
        votes: z.number().int().optional(),
        timeout: z.number().int().optional(),
        syncTimeout: z.number().int().optional(),
        net: options.optional(),
        heuristics: options.optional(),
        options,
      })
      .optional(),
    options,
  }),
  logging: z.object({
    toLogfile: z.boolean().optional(),
    logfile: z.string().optional(),
    toSyslog: z.boolean().optional(),
    toStderr: z.boolean().optional(),
    timestamp: z.boolean().optional(),
    debug: z.string().optional(),
    loggerSubsys: z.array(z.object({ subsys: z.string().optional(), options })),
    options,
  }),
  /** Top-level sections in file order, known or not (`system`, `resources`, `service` …). */
  sections: z.array(z.string()),
});

export type CorosyncConfig = z.infer<typeof corosyncConfigSchema>;
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
    nodes: sectionsNamed(nodelist, 'node').map(readNode),
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
export function readNode(section: CstSection): CorosyncNode {
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
  return { name: lastValue(section.children, 'name'), nodeid: integer(lastValue(section.children, 'nodeid')), links, options: optionsOf(section.children) };
}

/** corosync's integers: decimal digits only. */
export function integer(value: string | undefined): number | undefined {
  return value !== undefined && /^-?\d+$/.test(value) ? Number(value) : undefined;
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
