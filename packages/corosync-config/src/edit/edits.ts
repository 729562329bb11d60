import { HaError, UnsafeArgumentError } from '@ha/core';
import { integer, toNode } from '../model/config.js';
import type { CorosyncDocument, CstNode, CstPair, CstSection } from '../parse/cst.js';
import {
  appendChild,
  childIndent,
  findSection,
  leadingBlank,
  newLine,
  newPair,
  newSection,
  pairsNamed,
  sectionsNamed,
  setPairValue,
} from './tree.js';

/**
 * Edits change the document in place and touch only the lines they must:
 * comments, order, unknown keys and indentation elsewhere are left as they are.
 */

/** Sets `section.path.key` (e.g. `totem.token`), creating missing sections. An existing key keeps its line. */
export function setOption(document: CorosyncDocument, path: string, value: string | number): void {
  const { sectionPath, key } = splitPath(path);
  assertValue(key, String(value));
  const { container, section, depth } = ensureSection(document, sectionPath);
  const existing = pairsNamed(container, key);
  if (existing.length > 0) {
    setPairValue(existing.at(-1) as CstPair, String(value));
    return;
  }
  const like = container.find((node): node is CstPair => node.type === 'pair');
  appendChild(container, newPair(document, childIndent(document, section, depth), key, String(value), like));
}

/** Removes every `key` line at `path`; true when there was one. */
export function removeOption(document: CorosyncDocument, path: string): boolean {
  const { sectionPath, key } = splitPath(path);
  const section = sectionPath === '' ? undefined : findSection(document, sectionPath);
  const container = section ? section.children : sectionPath === '' ? document.children : undefined;
  if (!container) return false;
  const before = container.length;
  removeWhere(container, (node) => node.type === 'pair' && node.key === key);
  return container.length !== before;
}

/** What `addNode` adds. */
export interface NewNode {
  /** The node's name (`name:`). */
  name: string;
  /** One address per link, link 0 first. */
  addresses: string[];
  /** Default: the lowest id not in use. */
  nodeid?: number;
}

/**
 * Adds a `nodelist.node` written like the file's other nodes, and keeps
 * `quorum.two_node` right as pcs does (1 for exactly two nodes without a quorum device).
 */
export function addNode(document: CorosyncDocument, node: NewNode): void {
  if (node.addresses.length === 0) throw new TypeError(`node ${node.name}: at least one address is needed`);
  const existing = nodeSections(document);
  const used = existing.map((section) => toNode(section));
  if (used.some((entry) => entry.name === node.name))
    throw new HaError('PRECONDITION_FAILED', `a node named '${node.name}' already exists`);
  const nodeid = node.nodeid ?? lowestFree(used.map((entry) => entry.nodeid ?? 0));
  if (used.some((entry) => entry.nodeid === nodeid))
    throw new HaError('PRECONDITION_FAILED', `nodeid ${nodeid} is already in use`);
  const linksInUse = new Set(used.flatMap((entry) => entry.links.map((link) => link.link)));
  if (used.length > 0 && linksInUse.size !== node.addresses.length) {
    throw new HaError(
      'PRECONDITION_FAILED',
      `node ${node.name} has ${node.addresses.length} address(es) but the cluster uses ${linksInUse.size} link(s)`,
    );
  }
  for (const address of node.addresses) assertValue('ring_addr', address);
  assertValue('name', node.name);

  const { section: nodelist, depth } = ensureSection(document, 'nodelist');
  const sample = existing.at(-1);
  const indent = sample ? leadingBlank(sample.open.text) : childIndent(document, nodelist, depth);
  const section = newSection(document, indent, 'node');
  const innerIndent = sample ? childIndent(document, sample, depth + 1) : indent + document.indentUnit;
  const like = sample?.children.find((child): child is CstPair => child.type === 'pair');
  const links = [...linksInUse].sort((a, b) => a - b);
  node.addresses.forEach((address, i) =>
    section.children.push(newPair(document, innerIndent, `ring${links[i] ?? i}_addr`, address, like)),
  );
  section.children.push(newPair(document, innerIndent, 'name', node.name, like));
  section.children.push(newPair(document, innerIndent, 'nodeid', String(nodeid), like));

  const container = (nodelist as CstSection).children;
  const lastNode = sample ? container.lastIndexOf(sample) : -1;
  // pcs separates node blocks with a blank line; follow the file's habit.
  const separated = sample !== undefined && container[container.indexOf(existing[0] as CstNode) + 1]?.type === 'trivia';
  const insertAt = lastNode === -1 ? container.length : lastNode + 1;
  const inserted: CstNode[] = separated
    ? [{ type: 'trivia', line: newLine(document, 'blank', '') }, section]
    : [section];
  container.splice(insertAt, 0, ...inserted);
  adjustTwoNode(document);
}

/** Removes a node by name (with the blank line that separated it), and adjusts `two_node`. */
export function removeNode(document: CorosyncDocument, name: string): void {
  const nodelist = findSection(document, 'nodelist');
  const section = nodeSections(document).find((entry) => toNode(entry).name === name);
  if (!nodelist || !section) throw new HaError('NOT_FOUND', `no node named '${name}'`);
  const container = nodelist.children;
  const index = container.indexOf(section);
  const before = container[index - 1];
  const start = before?.type === 'trivia' && before.line.kind === 'blank' && index > 1 ? index - 1 : index;
  container.splice(start, index - start + 1);
  adjustTwoNode(document);
}

/** Renames a node (its `name` line only). */
export function renameNode(document: CorosyncDocument, from: string, to: string): void {
  assertValue('name', to);
  const nodes = nodeSections(document);
  if (nodes.some((entry) => toNode(entry).name === to))
    throw new HaError('PRECONDITION_FAILED', `a node named '${to}' already exists`);
  const section = nodes.find((entry) => toNode(entry).name === from);
  const pair = section ? pairsNamed(section.children, 'name').at(-1) : undefined;
  if (!pair) throw new HaError('NOT_FOUND', `no node named '${from}'`);
  setPairValue(pair, to);
}

/** What `addLink` adds: an address for every node, and optional knet link options. */
export interface NewLink {
  /** Node name → address on the new link. */
  addresses: Record<string, string>;
  /** Default: the lowest link number not in use. */
  linknumber?: number;
  /** Written to a `totem.interface` section for this link (`knet_link_priority` …). */
  options?: Record<string, string | number>;
}

/** Adds a knet link: `ringN_addr` on every node, plus an `interface` section when options are given. */
export function addLink(document: CorosyncDocument, link: NewLink): number {
  const nodes = nodeSections(document).map((section) => ({ section, node: toNode(section) }));
  const inUse = new Set(nodes.flatMap(({ node }) => node.links.map((entry) => entry.link)));
  const linknumber = link.linknumber ?? lowestFree([...inUse], 0);
  if (linknumber < 0 || linknumber > 7)
    throw new TypeError(`link number ${linknumber} is out of range (knet links are 0 to 7)`);
  if (inUse.has(linknumber)) throw new HaError('PRECONDITION_FAILED', `link ${linknumber} already exists`);
  for (const { node } of nodes) {
    if (node.name === undefined || link.addresses[node.name] === undefined) {
      throw new HaError(
        'PRECONDITION_FAILED',
        `no address given for node ${node.name ?? `with nodeid ${node.nodeid}`} on link ${linknumber}`,
      );
    }
  }
  for (const { section, node } of nodes) {
    const address = link.addresses[node.name as string] as string;
    assertValue('ring_addr', address);
    const rings = section.children.filter(
      (child): child is CstPair => child.type === 'pair' && /^ring\d+_addr$/.test(child.key),
    );
    const last = rings.at(-1);
    const pair = newPair(
      document,
      last ? leadingBlank(last.line.text) : childIndent(document, section, 2),
      `ring${linknumber}_addr`,
      address,
      last,
    );
    section.children.splice(last ? section.children.indexOf(last) + 1 : 0, 0, pair);
  }
  if (link.options && Object.keys(link.options).length > 0) {
    const { section: totem, depth } = ensureSection(document, 'totem');
    const indent = childIndent(document, totem, depth);
    const iface = newSection(document, indent, 'interface');
    const entries = Object.entries({ ...link.options, linknumber }).sort(([a], [b]) => a.localeCompare(b));
    for (const [key, value] of entries) {
      assertValue(key, String(value));
      iface.children.push(newPair(document, indent + document.indentUnit, key, String(value)));
    }
    appendChild((totem as CstSection).children, iface);
  }
  return linknumber;
}

/** Quorum settings; `null` removes a setting, `undefined` leaves it alone. */
export interface QuorumSettings {
  /** `two_node`: quorum with one of two nodes (pcs sets it for exactly two). */
  twoNode?: boolean | null;
  /** `wait_for_all`: quorate only once every node has been seen. */
  waitForAll?: boolean | null;
  /** `last_man_standing`: recompute expected votes as nodes leave. */
  lastManStanding?: boolean | null;
  /** `last_man_standing_window`, in milliseconds. */
  lastManStandingWindow?: number | null;
  /** `auto_tie_breaker`: the partition with the lowest nodeid wins a 50/50 split. */
  autoTieBreaker?: boolean | null;
  /** `expected_votes`. */
  expectedVotes?: number | null;
}

/** Changes votequorum settings in `quorum`. */
export function setQuorum(document: CorosyncDocument, settings: QuorumSettings): void {
  const keys: [keyof QuorumSettings, string][] = [
    ['twoNode', 'two_node'],
    ['waitForAll', 'wait_for_all'],
    ['lastManStanding', 'last_man_standing'],
    ['lastManStandingWindow', 'last_man_standing_window'],
    ['autoTieBreaker', 'auto_tie_breaker'],
    ['expectedVotes', 'expected_votes'],
  ];
  for (const [field, key] of keys) {
    const value = settings[field];
    if (value === undefined) continue;
    if (value === null) removeOption(document, `quorum.${key}`);
    else setOption(document, `quorum.${key}`, typeof value === 'boolean' ? (value ? '1' : '0') : value);
  }
}

/**
 * Migrates a corosync 2 file (udp/udpu, `interface` with `ringnumber`,
 * `secauth`) to knet: transport, link numbers, crypto and nodeids, in place.
 */
export function migrateToKnet(document: CorosyncDocument): void {
  const totem = findSection(document, 'totem');
  const nodes = nodeSections(document);
  if (nodes.length === 0) {
    throw new HaError(
      'PRECONDITION_FAILED',
      'knet needs a nodelist with every node and its addresses; this file has none (multicast without a nodelist)',
    );
  }
  setOption(document, 'totem.transport', 'knet');
  if (totem) {
    const secauth = pairsNamed(totem.children, 'secauth').at(-1)?.value;
    if (secauth !== undefined && /^(on|yes|1)$/i.test(secauth)) {
      if (!pairsNamed(totem.children, 'crypto_cipher').length) setOption(document, 'totem.crypto_cipher', 'aes256');
      if (!pairsNamed(totem.children, 'crypto_hash').length) setOption(document, 'totem.crypto_hash', 'sha256');
    }
    const rrpMode = pairsNamed(totem.children, 'rrp_mode').at(-1)?.value;
    if (rrpMode !== undefined && rrpMode !== 'none') setOption(document, 'totem.link_mode', 'passive');
    removeWhere(
      totem.children,
      (node) => node.type === 'pair' && ['secauth', 'rrp_mode', 'threads'].includes(node.key),
    );
    for (const iface of sectionsNamed(totem.children, 'interface')) {
      for (const pair of pairsNamed(iface.children, 'ringnumber')) {
        pair.key = 'linknumber';
        pair.line = { ...pair.line, text: pair.line.text.replace('ringnumber', 'linknumber') };
      }
      // Multicast and bind addresses mean nothing to knet: addresses come from the nodelist.
      removeWhere(
        iface.children,
        (node) => node.type === 'pair' && ['bindnetaddr', 'mcastaddr', 'broadcast', 'ttl'].includes(node.key),
      );
    }
    removeWhere(
      totem.children,
      (node) =>
        node.type === 'section' &&
        node.name === 'interface' &&
        !node.children.some((child) => child.type === 'pair' && child.key !== 'linknumber'),
    );
  }
  const ids = nodes.map((section) => integer(pairsNamed(section.children, 'nodeid').at(-1)?.value) ?? 0);
  for (const section of nodes) {
    if (pairsNamed(section.children, 'nodeid').length === 0) {
      const id = lowestFree(ids);
      ids.push(id);
      const like = section.children.find((child): child is CstPair => child.type === 'pair');
      appendChild(section.children, newPair(document, childIndent(document, section, 2), 'nodeid', String(id), like));
    }
  }
}

function adjustTwoNode(document: CorosyncDocument): void {
  const count = nodeSections(document).length;
  const quorum = findSection(document, 'quorum');
  const hasDevice = quorum !== undefined && sectionsNamed(quorum.children, 'device').length > 0;
  if (count === 2 && !hasDevice) setOption(document, 'quorum.two_node', '1');
  else removeOption(document, 'quorum.two_node');
}

function nodeSections(document: CorosyncDocument): CstSection[] {
  const nodelist = findSection(document, 'nodelist');
  return nodelist ? sectionsNamed(nodelist.children, 'node') : [];
}

function ensureSection(
  document: CorosyncDocument,
  path: string,
): { container: CstNode[]; section: CstSection | undefined; depth: number } {
  if (path === '') return { container: document.children, section: undefined, depth: 0 };
  let container = document.children;
  let section: CstSection | undefined;
  let depth = 0;
  for (const name of path.split('.')) {
    let next = sectionsNamed(container, name)[0];
    if (!next) {
      assertValue(name, name);
      next = newSection(document, childIndent(document, section, depth), name);
      if (depth === 0 && container.length > 0) container.push({ type: 'trivia', line: newLine(document, 'blank', '') });
      if (depth === 0) container.push(next);
      else appendChild(container, next);
    }
    section = next;
    container = next.children;
    depth++;
  }
  return { container, section, depth };
}

function splitPath(path: string): { sectionPath: string; key: string } {
  const dot = path.lastIndexOf('.');
  const key = path.slice(dot + 1);
  if (key === '') throw new TypeError(`'${path}' names no key`);
  return { sectionPath: dot === -1 ? '' : path.slice(0, dot), key };
}

// A value corosync would read differently from what was meant is refused, not written.
function assertValue(key: string, value: string): void {
  if (/[\r\n\0{}:]/.test(key) || key.trim() !== key || key === '') {
    throw new UnsafeArgumentError(
      `refusing to write the key '${key.replace(/[\r\n\0]/g, '?')}': keys cannot be empty or contain ':', braces or line breaks`,
      key,
    );
  }
  if (/[\r\n\0]/.test(value)) {
    throw new UnsafeArgumentError(
      `refusing to write '${key}: ${value.replace(/[\r\n\0]/g, '?')}': values cannot contain line breaks`,
      value,
    );
  }
  if (value.includes('{')) {
    throw new UnsafeArgumentError(
      `refusing to write '${key}: ${value}': corosync would read a brace in a value as a section`,
      value,
    );
  }
}

// Compacts in place: one splice per removed entry would make removing many entries quadratic.
function removeWhere(container: CstNode[], predicate: (node: CstNode) => boolean): void {
  let kept = 0;
  for (const node of container) if (!predicate(node)) container[kept++] = node;
  container.length = kept;
}

function lowestFree(used: number[], from = 1): number {
  const taken = new Set(used);
  let candidate = from;
  while (taken.has(candidate)) candidate++;
  return candidate;
}
