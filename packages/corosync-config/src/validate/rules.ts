import { isIP } from 'node:net';
import { createDiagnostic, LineCounter, type Severity } from '@ha/core';
import type { CorosyncCode, CorosyncDiagnostic } from '../codes.js';
import { boolean, integer } from '../model/config.js';
import { safeParse, type CorosyncDocument, type CstNode, type CstPair, type CstSection } from '../parse/cst.js';
import { serialize } from '../print/serialize.js';
import { lastValue, pairsNamed, sectionsNamed } from '../edit/tree.js';

// Keys corosync.conf(5) and votequorum(5) document, per section path. Anything else is a warning.
const knownKeys: Record<string, readonly string[]> = {
  '': ['compatibility'],
  totem: ['version', 'cluster_name', 'clear_node_high_bit', 'crypto_model', 'crypto_cipher', 'crypto_hash', 'secauth', 'keyfile', 'key', 'link_mode', 'netmtu', 'transport', 'config_version', 'ip_version', 'token', 'token_coefficient', 'token_retransmit', 'token_warning', 'hold', 'token_retransmits_before_loss_const', 'join', 'send_join', 'consensus', 'merge', 'downcheck', 'fail_recv_const', 'seqno_unchanged_const', 'heartbeat_failures_allowed', 'max_network_delay', 'window_size', 'max_messages', 'miss_count_const', 'knet_pmtud_interval', 'knet_mtu', 'knet_compression_model', 'knet_compression_threshold', 'knet_compression_level', 'block_unlisted_ips', 'cancel_token_hold_on_retransmit', 'allow_knet_handle_fallback', 'cluster_uuid', 'threads', 'rrp_mode', 'nodeid', 'vsftype', 'rrp_problem_count_timeout', 'rrp_problem_count_threshold', 'rrp_problem_count_mcast_threshold', 'rrp_token_expired_timeout', 'rrp_autorecovery_check_timeout'],
  'totem.interface': ['linknumber', 'ringnumber', 'bindnetaddr', 'broadcast', 'mcastaddr', 'mcastport', 'ttl', 'knet_link_priority', 'knet_ping_interval', 'knet_ping_timeout', 'knet_ping_precision', 'knet_pong_count', 'knet_transport'],
  'nodelist.node': ['name', 'nodeid', ...Array.from({ length: 8 }, (_, i) => `ring${i}_addr`)],
  quorum: ['provider', 'expected_votes', 'votes', 'two_node', 'wait_for_all', 'last_man_standing', 'last_man_standing_window', 'auto_tie_breaker', 'auto_tie_breaker_node', 'allow_downscale', 'expected_votes_tracking', 'leaving_timeout'],
  'quorum.device': ['model', 'votes', 'timeout', 'sync_timeout', 'master_wins'],
  'quorum.device.net': ['host', 'port', 'algorithm', 'tie_breaker', 'tls', 'connect_timeout', 'force_ip_version', 'keep_active_partition_tie_breaker'],
  'quorum.device.heuristics': ['mode', 'timeout', 'sync_timeout', 'interval'],
  logging: ['timestamp', 'fileline', 'function_name', 'to_stderr', 'to_logfile', 'to_syslog', 'logfile', 'logfile_priority', 'syslog_facility', 'syslog_priority', 'debug', 'blackbox', 'trace'],
  'logging.logger_subsys': ['subsys', 'timestamp', 'fileline', 'function_name', 'to_stderr', 'to_logfile', 'to_syslog', 'logfile', 'logfile_priority', 'syslog_facility', 'syslog_priority', 'debug', 'trace'],
  system: ['sched_rr', 'priority', 'qb_ipc_type', 'move_to_root_cgroup', 'allow_knet_handle_fallback', 'state_dir'],
  resources: ['watchdog_device', 'watchdog_timeout'],
  nozzle: ['name', 'ipaddr', 'ipprefix', 'macaddr'],
  uidgid: ['uid', 'gid'],
};
const knownSections: Record<string, readonly string[]> = {
  '': ['totem', 'nodelist', 'quorum', 'logging', 'system', 'resources', 'nozzle', 'uidgid'],
  totem: ['interface'],
  nodelist: ['node'],
  quorum: ['device'],
  'quorum.device': ['net', 'heuristics'],
  logging: ['logger_subsys'],
};
// Sections of corosync 1 and 2 that corosync 3 ignores.
const legacySections = ['service', 'amf', 'aisexec', 'event'];
const integerKeys = new Set(['version', 'token', 'token_coefficient', 'token_retransmit', 'token_warning', 'hold', 'token_retransmits_before_loss_const', 'join', 'send_join', 'consensus', 'merge', 'downcheck', 'fail_recv_const', 'seqno_unchanged_const', 'heartbeat_failures_allowed', 'max_network_delay', 'window_size', 'max_messages', 'miss_count_const', 'knet_pmtud_interval', 'knet_mtu', 'knet_compression_threshold', 'knet_compression_level', 'netmtu', 'config_version', 'threads', 'nodeid', 'linknumber', 'ringnumber', 'mcastport', 'ttl', 'knet_link_priority', 'knet_ping_interval', 'knet_ping_timeout', 'knet_ping_precision', 'knet_pong_count', 'expected_votes', 'votes', 'last_man_standing_window', 'leaving_timeout', 'timeout', 'sync_timeout', 'port', 'connect_timeout', 'interval']);
const quorumFlags = new Set(['two_node', 'wait_for_all', 'last_man_standing', 'auto_tie_breaker', 'allow_downscale', 'expected_votes_tracking', 'master_wins']);
const yesNoKeys = new Set(['timestamp', 'fileline', 'function_name', 'to_stderr', 'to_logfile', 'to_syslog', 'secauth', 'clear_node_high_bit', 'block_unlisted_ips', 'sched_rr', 'move_to_root_cgroup']);
const enums: Record<string, readonly string[]> = {
  'totem.transport': ['knet', 'udp', 'udpu'],
  'totem.crypto_cipher': ['none', 'aes256', 'aes192', 'aes128'],
  'totem.crypto_hash': ['none', 'md5', 'sha1', 'sha256', 'sha384', 'sha512'],
  'totem.crypto_model': ['nss', 'openssl'],
  'totem.ip_version': ['ipv4', 'ipv6', 'ipv4-6', 'ipv6-4'],
  'totem.link_mode': ['passive', 'active', 'rr'],
  'totem.interface.knet_transport': ['udp', 'sctp'],
  'quorum.device.model': ['net'],
  'quorum.device.net.algorithm': ['ffsplit', 'lms'],
  'quorum.device.heuristics.mode': ['on', 'sync', 'off'],
};

/**
 * Checks a corosync.conf beyond syntax: known keys, value types, nodes and
 * links, transport and crypto, quorum settings and timings. Returns the parse
 * diagnostics too, every finding with its line and column.
 */
export function validate(input: CorosyncDocument | string, options: { file?: string } = {}): CorosyncDiagnostic[] {
  const text = typeof input === 'string' ? input : serialize(input);
  const file = options.file ?? (typeof input === 'string' ? undefined : input.file);
  // Re-parsed so that edited lines have real offsets.
  const document = safeParse(text, file === undefined ? {} : { file });
  const lines = new LineCounter(text);
  const offsets = lineOffsets(document);
  const findings: CorosyncDiagnostic[] = [...document.diagnostics];
  const report = (code: CorosyncCode, severity: Severity, message: string, node: CstNode, column?: number) => {
    // Without a column, the finding points at the line's first non-blank character (the key or section name).
    const at = column ?? /^[ \t\u00a0]*/.exec(lineText(node))?.[0].length ?? 0;
    const start = (offsets.get(node) ?? 0) + at;
    const end = start + Math.max(1, lineText(node).trimEnd().length - at);
    findings.push(createDiagnostic(lines, { code, severity, message, file, range: { start, end } }));
  };

  walk(document.children, '', report);
  if (document.children.every((node) => node.type === 'trivia')) {
    findings.push(createDiagnostic(lines, { code: 'NO_NODES', message: 'the file has no sections: no totem, no nodelist, nothing for corosync to run', file, range: { start: 0, end: Math.min(1, text.length) } }));
  } else {
    checkCluster(document, report);
  }
  return findings.sort((a, b) => a.range.start - b.range.start);
}

type Report = (code: CorosyncCode, severity: Severity, message: string, node: CstNode, column?: number) => void;

function walk(children: CstNode[], path: string, report: Report): void {
  const seen = new Map<string, CstPair>();
  for (const node of children) {
    if (node.type === 'section') {
      const sectionPath = path === '' ? node.name : `${path}.${node.name}`;
      const allowed = knownSections[path];
      if (path === '' && legacySections.includes(node.name)) {
        report('UNKNOWN_SECTION', 'warning', `section '${node.name}' is from corosync 1/2; corosync 3 ignores it`, node);
      } else if (allowed && !allowed.includes(node.name)) {
        report('UNKNOWN_SECTION', 'warning', `unknown section '${node.name}'${path === '' ? '' : ` in '${path}'`}`, node);
      }
      const repeatable = ['node', 'interface', 'logger_subsys'].includes(node.name);
      if (!repeatable && children.filter((other) => other.type === 'section' && other.name === node.name).indexOf(node) > 0) {
        report('DUPLICATE_KEY', 'warning', `section '${sectionPath}' appears more than once; corosync merges them`, node);
      }
      if (!allowed || allowed.includes(node.name)) walk(node.children, sectionPath, report);
      continue;
    }
    if (node.type !== 'pair') continue;
    const fullKey = path === '' ? node.key : `${path}.${node.key}`;
    const known = knownKeys[path];
    const isExec = path === 'quorum.device.heuristics' && node.key.startsWith('exec_');
    if (known && !known.includes(node.key) && !isExec) {
      report('UNKNOWN_KEY', 'warning', `unknown key '${node.key}'${path === '' ? '' : ` in '${path}'`}; corosync ignores it`, node);
    }
    const previous = seen.get(node.key);
    if (previous) report('DUPLICATE_KEY', 'warning', `'${fullKey}' is set more than once; the last value (${node.value}) wins`, node);
    seen.set(node.key, node);
    checkValue(node, path, fullKey, report);
  }
}

function checkValue(pair: CstPair, path: string, fullKey: string, report: Report): void {
  const { key, value } = pair;
  if (!knownKeys[path]?.includes(key)) return;
  if (integerKeys.has(key) && integer(value) === undefined) {
    report('INVALID_NUMBER', 'error', `'${fullKey}' must be a whole number, not '${value}'`, pair, pair.valueStart);
  } else if (quorumFlags.has(key) && !/^[01]$/.test(value)) {
    report('INVALID_BOOLEAN', 'error', `'${fullKey}' must be 0 or 1, not '${value}'`, pair, pair.valueStart);
  } else if (yesNoKeys.has(key) && boolean(value) === undefined) {
    report('INVALID_BOOLEAN', 'error', `'${fullKey}' must be yes/no or on/off, not '${value}'`, pair, pair.valueStart);
  }
  const allowed = enums[fullKey] ?? enums[fullKey.replace(/^logging\.logger_subsys\./, 'logging.')];
  if (allowed && !allowed.includes(value)) {
    report('INVALID_VALUE', 'error', `'${fullKey}' must be one of ${allowed.join(', ')}, not '${value}'`, pair, pair.valueStart);
  }
  if (fullKey === 'quorum.provider' && value !== 'corosync_votequorum') {
    report('QUORUM_PROVIDER', 'error', `quorum provider '${value}' does not exist in corosync 3 (use corosync_votequorum)`, pair, pair.valueStart);
  }
}

function checkCluster(document: CorosyncDocument, report: Report): void {
  const top = document.children;
  const totemSection = sectionsNamed(top, 'totem')[0];
  const totem = sectionsNamed(top, 'totem').flatMap((section) => section.children);
  const quorumSection = sectionsNamed(top, 'quorum')[0];
  const quorum = sectionsNamed(top, 'quorum').flatMap((section) => section.children);
  const nodelist = sectionsNamed(top, 'nodelist');
  const nodes = nodelist.flatMap((section) => sectionsNamed(section.children, 'node'));
  const transport = lastValue(totem, 'transport') ?? 'knet';
  const knet = transport === 'knet';
  const first = top.find((node) => node.type !== 'trivia') ?? top[0];

  if (!totemSection) {
    if (first) report('MISSING_TOTEM', 'warning', "no 'totem' section: every totem setting takes its default", first);
  } else if (lastValue(totem, 'cluster_name') === undefined) {
    report('MISSING_CLUSTER_NAME', 'warning', "'totem.cluster_name' is not set; pcs and Pacemaker tools expect it", totemSection);
  }

  // Nodes and links.
  if (nodes.length === 0) {
    if (transport !== 'udp' && first) report('NO_NODES', 'error', `transport ${transport} needs a nodelist with every node${sectionsNamed(totem, 'interface').some((i) => lastValue(i.children, 'mcastaddr') !== undefined) ? ' (this looks like a corosync 2 multicast file: set transport: udp, or add a nodelist)' : ''}`, nodelist[0] ?? totemSection ?? first);
  }
  const names = new Map<string, CstSection>();
  const ids = new Map<number, CstSection>();
  const addresses = new Map<string, CstSection>();
  const linkSets: { node: CstSection; links: Set<number> }[] = [];
  const families = new Map<number, Map<string, CstPair>>();
  for (const node of nodes) {
    const name = pairsNamed(node.children, 'name').at(-1);
    const nodeid = pairsNamed(node.children, 'nodeid').at(-1);
    if (!name) report('MISSING_NODE_NAME', 'warning', 'node has no name; pcs and Pacemaker need one', node);
    else if (names.has(name.value)) report('DUPLICATE_NODE_NAME', 'error', `node name '${name.value}' is used twice`, name, name.valueStart);
    else names.set(name.value, node);
    if (!nodeid) {
      if (knet) report('MISSING_NODEID', 'error', `node ${name?.value ?? ''} has no nodeid; knet needs one on every node`.replace('  ', ' '), node);
    } else {
      const id = integer(nodeid.value);
      if (id !== undefined && ids.has(id)) report('DUPLICATE_NODEID', 'error', `nodeid ${id} is used twice`, nodeid, nodeid.valueStart);
      else if (id !== undefined) ids.set(id, node);
      if (id !== undefined && (id < 1 || id > 0xffffffff)) report('INVALID_NUMBER', 'error', `nodeid ${id} is out of range (1 to 4294967295)`, nodeid, nodeid.valueStart);
    }
    const links = new Set<number>();
    for (const pair of node.children) {
      if (pair.type !== 'pair') continue;
      const match = /^ring(\d+)_addr$/.exec(pair.key);
      if (!match) continue;
      const link = Number(match[1]);
      if (link > 7) {
        report('LINK_OUT_OF_RANGE', 'error', `'${pair.key}': links are numbered 0 to 7`, pair);
        continue;
      }
      links.add(link);
      if (addresses.has(pair.value)) report('DUPLICATE_ADDRESS', 'error', `address ${pair.value} is used twice`, pair, pair.valueStart);
      else addresses.set(pair.value, node);
      const family = isIP(pair.value);
      if (family !== 0) {
        const perFamily = families.get(link) ?? new Map<string, CstPair>();
        perFamily.set(`v${family}`, perFamily.get(`v${family}`) ?? pair);
        families.set(link, perFamily);
        if (perFamily.size > 1 && perFamily.get(`v${family}`) === pair) {
          report('MIXED_ADDRESS_FAMILY', 'error', `link ${link} mixes IPv4 and IPv6 addresses`, pair, pair.valueStart);
        }
      }
    }
    linkSets.push({ node, links });
  }
  const allLinks = new Set(linkSets.flatMap(({ links }) => [...links]));
  for (const { node, links } of linkSets) {
    const missing = [...allLinks].filter((link) => !links.has(link)).sort();
    if (missing.length > 0) {
      const name = lastValue(node.children, 'name') ?? 'a node';
      report('MISSING_LINK_ADDRESS', 'error', `${name} has no address for link ${missing.join(', ')} (ring${missing[0]}_addr)`, node);
    }
  }
  if (!knet && allLinks.size > 1 && nodes[0]) {
    report('TOO_MANY_LINKS', 'error', `transport ${transport} supports exactly one link; the nodes have ${allLinks.size}`, nodes[0]);
  }

  // Transport-specific options and crypto.
  if (totemSection) {
    const interfaces = sectionsNamed(totem, 'interface');
    if (!knet) {
      for (const pair of [...totem, ...interfaces.flatMap((section) => section.children)]) {
        if (pair.type === 'pair' && pair.key.startsWith('knet_')) report('KNET_ONLY_OPTION', 'error', `'${pair.key}' only applies to transport knet, not ${transport}`, pair);
      }
      if (interfaces.length > 1) report('TOO_MANY_LINKS', 'error', `transport ${transport} supports exactly one interface`, interfaces[1] as CstSection);
    }
    for (const iface of interfaces) {
      const number = pairsNamed(iface.children, knet ? 'linknumber' : 'ringnumber').at(-1) ?? pairsNamed(iface.children, 'linknumber').at(-1);
      const value = integer(number?.value);
      if (number && value !== undefined && (value < 0 || value > 7)) report('LINK_OUT_OF_RANGE', 'error', `link number ${value} is out of range (0 to 7)`, number, number.valueStart);
    }
    const cipher = pairsNamed(totem, 'crypto_cipher').at(-1);
    const hash = pairsNamed(totem, 'crypto_hash').at(-1);
    if (!knet) {
      for (const pair of [cipher, hash]) {
        if (pair && pair.value !== 'none') report('CRYPTO_NEEDS_KNET', 'error', `'${pair.key}: ${pair.value}': corosync 3 encrypts only with transport knet`, pair, pair.valueStart);
      }
    } else if (cipher && cipher.value !== 'none' && (!hash || hash.value === 'none')) {
      report('CRYPTO_INCOMPLETE', 'error', `crypto_cipher ${cipher.value} needs a crypto_hash other than none`, cipher);
    }
    const token = integer(lastValue(totem, 'token'));
    const consensusPair = pairsNamed(totem, 'consensus').at(-1);
    const consensus = integer(consensusPair?.value);
    if (token !== undefined && consensus !== undefined && consensusPair && consensus < 1.2 * token) {
      report('TIMING_CONFLICT', 'error', `consensus (${consensus} ms) must be at least 1.2 × token (${Math.ceil(1.2 * token)} ms)`, consensusPair, consensusPair.valueStart);
    }
    const join = pairsNamed(totem, 'join').at(-1);
    if (join && consensus !== undefined && (integer(join.value) ?? 0) >= consensus) {
      report('TIMING_CONFLICT', 'warning', `join (${join.value} ms) should be well below consensus (${consensus} ms)`, join, join.valueStart);
    }
    const version = pairsNamed(totem, 'version').at(-1);
    if (version && version.value !== '2') report('INVALID_VALUE', 'error', `totem version must be 2, not ${version.value}`, version, version.valueStart);
  }

  // Quorum.
  if (quorumSection) {
    const twoNode = pairsNamed(quorum, 'two_node').at(-1);
    if (twoNode?.value === '1') {
      if (nodes.length !== 2 && nodes.length > 0) report('TWO_NODE_NODE_COUNT', 'error', `two_node: 1 needs exactly two nodes; the nodelist has ${nodes.length}`, twoNode);
      if (sectionsNamed(quorum, 'device').length > 0) report('TWO_NODE_WITH_QDEVICE', 'error', 'two_node cannot be used together with a quorum device', twoNode);
    }
    const lms = pairsNamed(quorum, 'last_man_standing').at(-1);
    if (lms?.value === '1' && lastValue(quorum, 'wait_for_all') !== '1') {
      report('LAST_MAN_STANDING_WITHOUT_WAIT_FOR_ALL', 'warning', 'last_man_standing without wait_for_all can let a restarted minority become quorate (votequorum(5))', lms);
    }
  }
}

function lineText(node: CstNode): string {
  return node.type === 'section' ? node.open.text : node.line.text;
}

function lineOffsets(document: CorosyncDocument): Map<CstNode, number> {
  const offsets = new Map<CstNode, number>();
  const visit = (nodes: CstNode[]) => {
    for (const node of nodes) {
      offsets.set(node, node.type === 'section' ? node.open.offset : node.line.offset);
      if (node.type === 'section') visit(node.children);
    }
  };
  visit(document.children);
  return offsets;
}
