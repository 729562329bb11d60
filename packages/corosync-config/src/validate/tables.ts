/**
 * What corosync.conf(5) and votequorum(5) document: the keys and sections of
 * each section path, value types and enumerations, as a tree of scopes the
 * rules walk down without building a path string per line.
 */

// Keys corosync.conf(5) and votequorum(5) document, per section path. Anything else is a warning.
const knownKeys: Record<string, readonly string[]> = {
  '': ['compatibility'],
  totem: [
    'version',
    'cluster_name',
    'clear_node_high_bit',
    'crypto_model',
    'crypto_cipher',
    'crypto_hash',
    'secauth',
    'keyfile',
    'key',
    'link_mode',
    'netmtu',
    'transport',
    'config_version',
    'ip_version',
    'token',
    'token_coefficient',
    'token_retransmit',
    'token_warning',
    'hold',
    'token_retransmits_before_loss_const',
    'join',
    'send_join',
    'consensus',
    'merge',
    'downcheck',
    'fail_recv_const',
    'seqno_unchanged_const',
    'heartbeat_failures_allowed',
    'max_network_delay',
    'window_size',
    'max_messages',
    'miss_count_const',
    'knet_pmtud_interval',
    'knet_mtu',
    'knet_compression_model',
    'knet_compression_threshold',
    'knet_compression_level',
    'block_unlisted_ips',
    'cancel_token_hold_on_retransmit',
    'allow_knet_handle_fallback',
    'cluster_uuid',
    'threads',
    'rrp_mode',
    'nodeid',
    'vsftype',
    'rrp_problem_count_timeout',
    'rrp_problem_count_threshold',
    'rrp_problem_count_mcast_threshold',
    'rrp_token_expired_timeout',
    'rrp_autorecovery_check_timeout',
  ],
  'totem.interface': [
    'linknumber',
    'ringnumber',
    'bindnetaddr',
    'broadcast',
    'mcastaddr',
    'mcastport',
    'ttl',
    'knet_link_priority',
    'knet_ping_interval',
    'knet_ping_timeout',
    'knet_ping_precision',
    'knet_pong_count',
    'knet_transport',
  ],
  'nodelist.node': ['name', 'nodeid', ...Array.from({ length: 8 }, (_, i) => `ring${i}_addr`)],
  quorum: [
    'provider',
    'expected_votes',
    'votes',
    'two_node',
    'wait_for_all',
    'last_man_standing',
    'last_man_standing_window',
    'auto_tie_breaker',
    'auto_tie_breaker_node',
    'allow_downscale',
    'expected_votes_tracking',
    'leaving_timeout',
  ],
  'quorum.device': ['model', 'votes', 'timeout', 'sync_timeout', 'master_wins'],
  'quorum.device.net': [
    'host',
    'port',
    'algorithm',
    'tie_breaker',
    'tls',
    'connect_timeout',
    'force_ip_version',
    'keep_active_partition_tie_breaker',
  ],
  'quorum.device.heuristics': ['mode', 'timeout', 'sync_timeout', 'interval'],
  logging: [
    'timestamp',
    'fileline',
    'function_name',
    'to_stderr',
    'to_logfile',
    'to_syslog',
    'logfile',
    'logfile_priority',
    'syslog_facility',
    'syslog_priority',
    'debug',
    'blackbox',
    'trace',
  ],
  'logging.logger_subsys': [
    'subsys',
    'timestamp',
    'fileline',
    'function_name',
    'to_stderr',
    'to_logfile',
    'to_syslog',
    'logfile',
    'logfile_priority',
    'syslog_facility',
    'syslog_priority',
    'debug',
    'trace',
  ],
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
/** Keys whose value is a whole number. */
const integerKeys: ReadonlySet<string> = new Set([
  'version',
  'token',
  'token_coefficient',
  'token_retransmit',
  'token_warning',
  'hold',
  'token_retransmits_before_loss_const',
  'join',
  'send_join',
  'consensus',
  'merge',
  'downcheck',
  'fail_recv_const',
  'seqno_unchanged_const',
  'heartbeat_failures_allowed',
  'max_network_delay',
  'window_size',
  'max_messages',
  'miss_count_const',
  'knet_pmtud_interval',
  'knet_mtu',
  'knet_compression_threshold',
  'knet_compression_level',
  'netmtu',
  'config_version',
  'threads',
  'nodeid',
  'linknumber',
  'ringnumber',
  'mcastport',
  'ttl',
  'knet_link_priority',
  'knet_ping_interval',
  'knet_ping_timeout',
  'knet_ping_precision',
  'knet_pong_count',
  'expected_votes',
  'votes',
  'last_man_standing_window',
  'leaving_timeout',
  'timeout',
  'sync_timeout',
  'port',
  'connect_timeout',
  'interval',
]);
/** votequorum flags: 0 or 1. */
const quorumFlags: ReadonlySet<string> = new Set([
  'two_node',
  'wait_for_all',
  'last_man_standing',
  'auto_tie_breaker',
  'allow_downscale',
  'expected_votes_tracking',
  'master_wins',
]);
/** Keys that take yes/no or on/off. */
const yesNoKeys: ReadonlySet<string> = new Set([
  'timestamp',
  'fileline',
  'function_name',
  'to_stderr',
  'to_logfile',
  'to_syslog',
  'secauth',
  'clear_node_high_bit',
  'block_unlisted_ips',
  'sched_rr',
  'move_to_root_cgroup',
]);
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

/** How the value of a known key is judged. */
export interface KeyRule {
  /** A whole number. */
  integer: boolean;
  /** votequorum's 0 or 1. */
  flag: boolean;
  /** yes/no or on/off. */
  yesNo: boolean;
  /** The values allowed, when it takes one of a list. */
  values: readonly string[] | undefined;
}

/** What the tables say about one section path. */
export interface Scope {
  /** Dotted: `quorum.device.net`; `` at the top level. */
  path: string;
  /** The known keys here and how each value is judged; undefined where the tables list none (no key is judged). */
  keys: ReadonlyMap<string, KeyRule> | undefined;
  /** The known subsections; undefined where the tables list none (any is read). */
  sections: ReadonlySet<string> | undefined;
  /** Whether this section is from corosync 1/2 (`service` …), which corosync 3 ignores. */
  legacy: boolean;
  /** Known child scopes by name. */
  children: ReadonlyMap<string, Scope>;
}

const noChildren: ReadonlyMap<string, Scope> = new Map();

function buildScopes(): Map<string, Scope> {
  const paths = new Set<string>(['', ...legacySections]);
  for (const path of [...Object.keys(knownKeys), ...Object.keys(knownSections)]) {
    const parts = path.split('.');
    for (let i = 1; i <= parts.length; i++) paths.add(parts.slice(0, i).join('.'));
  }
  const scopes = new Map<string, Scope>();
  for (const path of [...paths].sort((a, b) => a.split('.').length - b.split('.').length)) {
    const keys = knownKeys[path];
    // A logger_subsys takes the values logging takes.
    const valuesOf = (key: string) =>
      enums[`${path}.${key}`] ?? (path === 'logging.logger_subsys' ? enums[`logging.${key}`] : undefined);
    const scope: Scope = {
      path,
      keys:
        keys &&
        new Map(
          keys.map((key) => [
            key,
            {
              integer: integerKeys.has(key),
              flag: quorumFlags.has(key),
              yesNo: yesNoKeys.has(key),
              values: valuesOf(key),
            },
          ]),
        ),
      sections: knownSections[path] ? new Set(knownSections[path]) : undefined,
      legacy: legacySections.includes(path),
      children: new Map(),
    };
    scopes.set(path, scope);
    if (path !== '') {
      const dot = path.lastIndexOf('.');
      const parent = scopes.get(dot === -1 ? '' : path.slice(0, dot)) as Scope;
      (parent.children as Map<string, Scope>).set(path.slice(dot + 1), scope);
    }
  }
  return scopes;
}

const scopes = buildScopes();

/** The scope of a known path (`nodelist.node`). */
export function scopeOf(path: string): Scope {
  const scope = scopes.get(path);
  if (!scope) throw new Error(`no scope ${path}`);
  return scope;
}

/** The scope of section `name` inside `parent`: a known one, or a fresh one the tables say nothing about. */
export function childScope(parent: Scope, name: string): Scope {
  return (
    parent.children.get(name) ?? {
      path: parent.path === '' ? name : `${parent.path}.${name}`,
      keys: undefined,
      sections: undefined,
      legacy: false,
      children: noChildren,
    }
  );
}
