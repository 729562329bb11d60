/**
 * What HAProxy's configuration language has: its section kinds and, per kind,
 * the keywords a section takes. Used to tell a new section from a directive,
 * to warn of unknown keywords, and to find options put in the wrong section.
 * Taken from HAProxy's configuration manual (2.6 to 3.x keyword matrices).
 */

/** Every section kind HAProxy knows (2.6 to 3.x). */
export const sectionKinds = [
  'global',
  'defaults',
  'frontend',
  'backend',
  'listen',
  'peers',
  'resolvers',
  'userlist',
  'mailers',
  'program',
  'http-errors',
  'ring',
  'cache',
  'fcgi-app',
  'log-forward',
  'crt-store',
  'traces',
  'acme',
  'log-profile',
] as const;
export type SectionKind = (typeof sectionKinds)[number];

const known = new Set<string>(sectionKinds);

/** True for a word that opens a section HAProxy knows. */
export function isSectionKind(word: string): word is SectionKind {
  return known.has(word);
}

/** The proxy sections: they route traffic, take `mode`, `timeout`, `option` … */
export const proxyKinds = new Set(['defaults', 'frontend', 'backend', 'listen']);

// Which proxy sections a keyword belongs in: d(efaults) f(rontend) l(isten) b(ackend).
const proxyKeywordTable = `
acl:flb backlog:dfl balance:dlb bind:fl capture:fl compression:dflb cookie:dlb declare:fl default-server:dlb
default_backend:dfl description:flb disabled:dflb dispatch:lb email-alert:dflb enabled:dflb errorfile:dflb
errorfiles:dflb errorloc:dflb errorloc302:dflb errorloc303:dflb error-log-format:dfl external-check:dlb filter:flb
filter-sequence:flb force-persist:flb fullconn:dlb guid:flb hash-balance-factor:dlb hash-key:dlb hash-preserve-affinity:dlb
hash-type:dlb http-after-request:dflb http-after-response:dflb http-check:dlb http-error:dflb http-request:dflb
http-response:dflb http-reuse:dlb http-send-name-header:dlb id:flb ignore-persist:flb load-server-state-from-file:dlb
log:dflb log-format:dfl log-format-sd:dfl log-steps:dfl log-tag:dflb max-keep-alive-queue:dlb max-session-srv-conns:dfl
maxconn:dfl mode:dflb monitor:fl monitor-uri:dfl no:dflb option:dflb persist:dlb quic-initial:dfl rate-limit:dfl
redirect:flb retries:dlb retry-on:dlb server:lb server-state-file-name:dlb server-template:lb source:dlb
stats:dflb stick:lb stick-table:flb tcp-check:dlb tcp-request:dflb tcp-response:dlb timeout:dflb
unique-id-format:dfl unique-id-header:dfl use-fcgi-app:lb use-server:lb use_backend:fl be-unpublished:lb
force-be-switch:fl http-reuse:dlb srvtcpka-cnt:dlb srvtcpka-idle:dlb srvtcpka-intvl:dlb clitcpka-cnt:dfl
clitcpka-idle:dfl clitcpka-intvl:dfl grace:dflb healthcheck:dlb
`;

const proxyKeywords = new Map<string, Set<string>>();
for (const entry of proxyKeywordTable.split(/\s+/).filter(Boolean)) {
  const [keyword, sections] = entry.split(':') as [string, string];
  const kinds = new Set<string>();
  if (sections.includes('d')) kinds.add('defaults');
  if (sections.includes('f')) kinds.add('frontend');
  if (sections.includes('l')) kinds.add('listen');
  if (sections.includes('b')) kinds.add('backend');
  proxyKeywords.set(keyword, kinds);
}

// Keywords of the other sections. Global's tune.*, ssl-*, lua-*, 51degrees-* … families are matched by prefix.
const otherKeywords: Record<string, string[]> = {
  global: (
    'chroot cpu-map crt-base daemon default-path description deviceatlas-json-file expose-deprecated-directives expose-experimental-directives ' +
    'external-check gid group hard-stop-after h1-accept-payload-with-any-method h1-case-adjust h1-case-adjust-file h2-workaround-bogus-websocket-clients ' +
    'insecure-fork-wanted insecure-setuid-wanted issuers-chain-path key-base localpeer log log-send-hostname log-tag lua-load lua-load-per-thread ' +
    'lua-prepend-path master-worker maxcompcpuusage maxcomprate maxconn maxconnrate maxpipes maxsessrate maxsslconn maxsslrate maxzlibmem ' +
    'mworker-max-reloads nbproc nbthread node noepoll noevports nogetaddrinfo nokqueue nopoll noreuseport nosplice numa-cpu-mapping pidfile ' +
    'pp2-never-send-local presetenv profiling.tasks profiling.memory quiet resetenv server-state-base server-state-file set-dumpable set-var ' +
    'set-var-fmt setenv spread-checks stats strict-limits thread-group thread-groups uid ulimit-n unix-bind unsetenv user wurfl-cache-size ' +
    'wurfl-data-file wurfl-information-list wurfl-information-list-separator wurfl-patch-file zero-warning busy-polling max-spread-checks ' +
    'anonkey cluster-secret fd-hard-limit http-err-codes http-fail-codes httpclient.resolvers.disabled httpclient.resolvers.id ' +
    'httpclient.resolvers.prefer httpclient.retries httpclient.ssl.ca-file httpclient.ssl.verify httpclient.timeout.connect limited-quic ' +
    'no-memory-trimming prealloc-fd stats-file ocsp-update.disable ocsp-update.mindelay ocsp-update.maxdelay ocsp-update.httpproxy ' +
    'ocsp-update.mode harden.reject-privileged-ports.tcp harden.reject-privileged-ports.quic shm-stats-file warn-blocked-traffic-after ' +
    'dns-accept-family healthcheck http-check tune.lua.bool-sample-conversion jwt.decrypt_alg_list'
  ).split(' '),
  peers: ['bind', 'default-bind', 'default-server', 'disabled', 'enable', 'enabled', 'log', 'peer', 'server', 'shards', 'table'],
  resolvers: ['accepted_payload_size', 'nameserver', 'parse-resolv-conf', 'hold', 'resolve_retries', 'timeout'],
  userlist: ['group', 'user'],
  mailers: ['mailer', 'timeout'],
  program: ['command', 'user', 'group', 'option', 'no'],
  'http-errors': ['errorfile'],
  ring: ['backing-file', 'description', 'format', 'maxlen', 'server', 'size', 'timeout'],
  cache: ['total-max-size', 'max-object-size', 'max-age', 'process-vary', 'max-secondary-entries', 'early-hints'],
  'fcgi-app': ['docroot', 'index', 'log-stderr', 'option', 'no', 'path-info', 'pass-header', 'set-param', 'max-reqs'],
  'log-forward': ['backlog', 'bind', 'dgram-bind', 'log', 'maxconn', 'timeout', 'option', 'no'],
  'crt-store': ['crt-base', 'key-base', 'load'],
  traces: ['trace'],
  acme: ['account-key', 'bits', 'challenge', 'contact', 'curves', 'directory', 'keytype', 'map', 'provider-name', 'acme-vars'],
  'log-profile': ['log-tag', 'on'],
};
const otherSets = new Map(Object.entries(otherKeywords).map(([kind, words]) => [kind, new Set(words)]));
const globalPrefixes = ['tune.', 'ssl-', 'lua-', '51degrees-', 'deviceatlas-', 'h2-', 'quic-', 'httpclient.', 'ocsp-update.', 'stats ', 'cpu-', 'profiling.', 'debug.', 'acme.', 'wurfl-'];

/** True when `keyword` is known in a section of `kind` (unknown kinds know everything). */
export function isKnownKeyword(kind: string, keyword: string): boolean {
  if (keyword.startsWith('.')) return true;
  if (proxyKinds.has(kind)) return proxyKeywords.get(keyword)?.has(kind) ?? false;
  if (kind === 'global' && globalPrefixes.some((prefix) => keyword.startsWith(prefix))) return true;
  const set = otherSets.get(kind);
  return set === undefined ? true : set.has(keyword);
}

/** The proxy sections a keyword belongs in, when it is a proxy keyword. */
export function proxySectionsOf(keyword: string): ReadonlySet<string> | undefined {
  return proxyKeywords.get(keyword);
}

/** True when `keyword` is known in some section (for telling an unknown section from a misplaced keyword). */
export function isAnyKeyword(keyword: string): boolean {
  if (proxyKeywords.has(keyword)) return true;
  for (const set of otherSets.values()) if (set.has(keyword)) return true;
  return globalPrefixes.some((prefix) => keyword.startsWith(prefix));
}
