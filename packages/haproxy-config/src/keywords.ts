/**
 * What HAProxy's configuration language has: its section kinds and, per
 * kind, the keywords a section takes, where a proxy keyword does not belong,
 * and the keywords HAProxy removed. Used to tell a new section from a
 * directive, to warn of unknown keywords, and to find keywords put where
 * HAProxy refuses or ignores them.
 *
 * The facts come from HAProxy itself: what HAProxy 2.6 accepts (its
 * `haproxy -c` probed with every word it could know) and the keyword lists of
 * the 3.0 and 3.4 configuration manuals; the tests check these tables
 * against both (test/fixtures/haproxy).
 */
import type { Severity } from '@ha/core';

/** Every section kind HAProxy knows (2.6 to 3.4). */
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
  'healthcheck',
] as const;
/** A section kind HAProxy knows. @example 'backend' */
export type SectionKind = (typeof sectionKinds)[number];

const known = new Set<string>(sectionKinds);

/** True for a word that opens a section HAProxy knows. @example isSectionKind('frontend') // true */
export function isSectionKind(word: string): word is SectionKind {
  return known.has(word);
}

/** The proxy sections: they route traffic, take `mode`, `timeout`, `option` … */
export const proxyKinds: ReadonlySet<string> = new Set(['defaults', 'frontend', 'backend', 'listen']);

const words = (list: string) => new Set(list.split(/\s+/).filter(Boolean));

// The keywords of the proxy sections. HAProxy reads each of them in every proxy section and then
// refuses or ignores the ones that do not belong there (misplacedTable); `no` and `default` prefix an option.
const proxyKeywords = words(`
acl appsession backlog balance bind bind-process block capture cliexp clitcpka-cnt clitcpka-idle clitcpka-intvl clitimeout compression
contimeout cookie crt declare default-server default_backend description disabled dispatch dynamic-cookie-key email-alert enabled
error-log-format errorfile errorfiles errorloc errorloc302 errorloc303 external-check filter filter-sequence force-be-switch force-persist
fullconn grace guid hash-balance-factor hash-key hash-preserve-affinity hash-type http-after-response http-check http-error http-request
http-response http-reuse http-send-name-header id ignore-persist load-server-state-from-file log log-format log-format-sd log-steps log-tag
max-keep-alive-queue max-session-srv-conns maxconn mode monitor monitor-net monitor-uri option persist quic-initial rate-limit redirect
redisp redispatch reqadd reqallow reqdel reqdeny reqiallow reqidel reqideny reqipass reqirep reqitarpit reqpass reqrep reqtarpit retries
retry-on rspadd rspdel rspdeny rspidel rspideny rspirep rsprep server server-state-file-name server-template source srvexp srvtcpka-cnt
srvtcpka-idle srvtcpka-intvl srvtimeout stats stick stick-table tcp-check tcp-request tcp-response timeout transparent unique-id-format
unique-id-header use-fcgi-app use-server use_backend usesrc
no default
`);

// Where HAProxy refuses a proxy keyword (upper case: an alert, the file does not load) or ignores it
// with a warning (lower case): a = an anonymous defaults section, n = a named one, f = a frontend,
// b = a backend. A keyword not listed is taken everywhere (a listen is a frontend and a backend). Only
// what HAProxy 2.6 says and the 3.0 and 3.4 manuals do not allow since.
const misplacedTable = `
acl:A backlog:b balance:f bind:ANb capture:b cookie:f declare:ANB default-server:F default_backend:b description:AN dispatch:ANf
dynamic-cookie-key:f filter:AN force-persist:ANf fullconn:f hash-type:f http-after-response:A http-check:f http-request:A http-response:A
http-reuse:f http-send-name-header:f id:AN ignore-persist:ANf load-server-state-from-file:f max-session-srv-conns:b maxconn:b monitor:ANb
monitor-uri:b redirect:AN retries:f server:ANF server-state-file-name:f server-template:ANF source:f stick:ANf stick-table:AN tcp-check:f
use-fcgi-app:ANF use-server:ANf use_backend:ANb
`;

// Keywords of the global section (the 51degrees-, deviceatlas- and wurfl- families are build options, matched by prefix).
const globalKeywords = words(`
acme.scheduler anonkey busy-polling ca-base chroot close-spread-time cluster-secret cpu-affinity cpu-map cpu-policy cpu-set crt-base daemon
debug.counters default-path description dns-accept-family expose-deprecated-directives expose-experimental-directives external-check
fd-hard-limit force-cfg-parser-pause gid grace group h1-accept-payload-with-any-method h1-case-adjust h1-case-adjust-file
h1-do-not-close-on-insecure-transfer-encoding h2-workaround-bogus-websocket-clients hard-stop-after harden.reject-privileged-ports.quic
harden.reject-privileged-ports.tcp http-err-codes http-fail-codes httpclient.resolvers.disabled httpclient.resolvers.id
httpclient.resolvers.prefer httpclient.retries httpclient.ssl.ca-file httpclient.ssl.verify httpclient.timeout.connect insecure-fork-wanted
insecure-setuid-wanted issuers-chain-path jwt.decrypt_alg_list jwt.decrypt_enc_list key-base limited-quic localpeer log log-send-hostname
log-tag lua-load lua-load-per-thread lua-prepend-path master-worker max-spread-checks max-threads-per-group maxcompcpuusage maxcomprate
maxconn maxconnrate maxpipes maxsessrate maxsslconn maxsslrate maxzlibmem mworker-max-reloads nbproc nbthread no-memory-trimming no-quic
node noepoll noevports nogetaddrinfo nokqueue noktls nopoll noreuseport nosplice numa-cpu-mapping ocsp-update.disable ocsp-update.httpproxy
ocsp-update.maxdelay ocsp-update.mindelay ocsp-update.mode pidfile pp2-never-send-local prealloc-fd presetenv profiling.memory
profiling.tasks quick-exit quiet resetenv server-state-base server-state-file set-dumpable set-var set-var-fmt setcap setenv shm-stats-file
shm-stats-file-max-objects spread-checks ssl-default-bind-ciphers ssl-default-bind-ciphersuites ssl-default-bind-client-sigalgs
ssl-default-bind-curves ssl-default-bind-options ssl-default-bind-sigalgs ssl-default-server-ciphers ssl-default-server-ciphersuites
ssl-default-server-client-sigalgs ssl-default-server-curves ssl-default-server-options ssl-default-server-sigalgs ssl-dh-param-file
ssl-engine ssl-load-extra-del-ext ssl-load-extra-files ssl-mode-async ssl-passphrase-cmd ssl-propquery ssl-provider ssl-provider-path
ssl-security-level ssl-server-verify ssl-skip-self-issued-ca stats stats-file stress-level strict-limits thread-group thread-groups
thread-hard-limit trace tune.applet.zero-copy-forwarding tune.buffers.limit tune.buffers.reserve tune.bufsize tune.bufsize.large
tune.bufsize.small tune.chksize tune.cli.max-payload-size tune.comp.maxlevel tune.defaults.purge tune.disable-fast-forward
tune.disable-zero-copy-forwarding tune.epoll.mask-events tune.events.max-events-at-once tune.fail-alloc tune.fd.edge-triggered
tune.glitches.kill.cpu-usage tune.h1.be.glitches-threshold tune.h1.fe.glitches-threshold tune.h1.zero-copy-fwd-recv
tune.h1.zero-copy-fwd-send tune.h2.be.glitches-threshold tune.h2.be.initial-window-size tune.h2.be.max-concurrent-streams
tune.h2.be.max-frames-at-once tune.h2.be.rxbuf tune.h2.fe.glitches-threshold tune.h2.fe.initial-window-size
tune.h2.fe.max-concurrent-streams tune.h2.fe.max-frames-at-once tune.h2.fe.max-rst-at-once tune.h2.fe.max-total-streams tune.h2.fe.rxbuf
tune.h2.header-table-size tune.h2.initial-window-size tune.h2.log-errors tune.h2.max-concurrent-streams tune.h2.max-frame-size
tune.h2.zero-copy-fwd-send tune.http.cookielen tune.http.logurilen tune.http.maxhdr tune.idle-pool.shared tune.idletimer
tune.listener.default-shards tune.listener.multi-queue tune.lua.bool-sample-conversion tune.lua.burst-timeout tune.lua.forced-yield
tune.lua.log.loggers tune.lua.log.stderr tune.lua.maxmem tune.lua.openlibs tune.lua.service-timeout tune.lua.session-timeout
tune.lua.task-timeout tune.max-checks-per-thread tune.max-rules-at-once tune.maxaccept tune.maxpollevents tune.maxrewrite
tune.memory.hot-size tune.notsent-lowat.client tune.notsent-lowat.server tune.pattern.cache-size tune.peers.max-updates-at-once
tune.pipesize tune.pool-high-fd-ratio tune.pool-low-fd-ratio tune.pt.zero-copy-forwarding tune.quic.be.cc.cubic-min-losses
tune.quic.be.cc.hystart tune.quic.be.cc.max-frame-loss tune.quic.be.cc.max-win-size tune.quic.be.cc.reorder-ratio
tune.quic.be.max-idle-timeout tune.quic.be.sec.glitches-threshold tune.quic.be.stream.data-ratio tune.quic.be.stream.max-concurrent
tune.quic.be.stream.rxbuf tune.quic.be.tx.pacing tune.quic.be.tx.udp-gso tune.quic.cc-hystart tune.quic.cc.cubic.min-losses
tune.quic.disable-tx-pacing tune.quic.disable-udp-gso tune.quic.fe.cc.cubic-min-losses tune.quic.fe.cc.hystart
tune.quic.fe.cc.max-frame-loss tune.quic.fe.cc.max-win-size tune.quic.fe.cc.reorder-ratio tune.quic.fe.max-idle-timeout
tune.quic.fe.sec.glitches-threshold tune.quic.fe.sec.retry-threshold tune.quic.fe.sock-per-conn tune.quic.fe.stream.data-ratio
tune.quic.fe.stream.max-concurrent tune.quic.fe.stream.max-total tune.quic.fe.stream.rxbuf tune.quic.fe.tx.pacing tune.quic.fe.tx.udp-gso
tune.quic.frontend.conn-tx-buffers.limit tune.quic.frontend.default-max-window-size tune.quic.frontend.glitches-threshold
tune.quic.frontend.max-data-size tune.quic.frontend.max-idle-timeout tune.quic.frontend.max-streams-bidi tune.quic.frontend.max-tx-mem
tune.quic.frontend.stream-data-ratio tune.quic.listen tune.quic.max-frame-loss tune.quic.mem.tx-max tune.quic.reorder-ratio
tune.quic.retry-threshold tune.quic.socket-owner tune.quic.zero-copy-fwd-send tune.rcvbuf.backend tune.rcvbuf.client tune.rcvbuf.frontend
tune.rcvbuf.server tune.recv_enough tune.renice.runtime tune.renice.startup tune.ring.queues tune.runqueue-depth tune.sched.low-latency
tune.sndbuf.backend tune.sndbuf.client tune.sndbuf.frontend tune.sndbuf.server tune.ssl.cachesize tune.ssl.capture-buffer-size
tune.ssl.capture-cipherlist-size tune.ssl.certificate-compression tune.ssl.default-dh-param tune.ssl.force-private-cache
tune.ssl.hard-maxrecord tune.ssl.keylog tune.ssl.lifetime tune.ssl.maxrecord tune.ssl.ocsp-update.maxdelay tune.ssl.ocsp-update.mindelay
tune.ssl.ssl-ctx-cache-size tune.stick-counters tune.streams-elasticity tune.takeover-other-tg-connections tune.vars.check-max-size
tune.vars.global-max-size tune.vars.proc-max-size tune.vars.reqres-max-size tune.vars.sess-max-size tune.vars.txn-max-size
tune.zlib.memlevel tune.zlib.windowsize uid ulimit-n unix-bind unsetenv user warn-blocked-traffic-after zero-warning
`);
const globalPrefixes = ['51degrees-', 'deviceatlas-', 'wurfl-'];

// Keywords of the other sections.
const otherKeywords: Record<string, ReadonlySet<string>> = {
  peers: words('bind default-bind default-server disabled enabled log no peer server shards table'),
  resolvers: words(
    'accepted_payload_size hold nameserver no parse-resolv-conf resolution_pool_size resolve_retries timeout',
  ),
  userlist: words('group user'),
  mailers: words('mailer no timeout'),
  program: words('command group no option user'),
  'http-errors': words('errorfile no'),
  ring: words('backing-file description format maxlen server size timeout'),
  cache: words('max-age max-object-size max-secondary-entries no process-vary total-max-size'),
  'fcgi-app': words('acl docroot index log-stderr no option pass-header path-info set-param'),
  'log-forward': words('backlog bind dgram-bind log maxconn option timeout'),
  'crt-store': words('crt-base key-base load'),
  traces: words('trace'),
  acme: words(`
account-key acme-vars bits challenge challenge-ready contact curves directory dns-delay dns-timeout eab-key-id eab-mac-alg eab-mac-key
keytype map profile provider-name reuse-key
`),
  healthcheck: words('http-check tcp-check type'),
  'log-profile': words('log-tag on'),
};

// Keywords HAProxy still recognises only to refuse them, with what it says instead.
const removedKeywords: Record<'proxy' | 'global', Record<string, string>> = {
  proxy: {
    appsession: 'is not supported since HAProxy 1.6 (use stick tables)',
    block: "is not supported since HAProxy 2.1: use 'http-request deny'",
    cliexp: "is not supported since HAProxy 2.1: use 'http-request replace-path' or 'http-request replace-uri'",
    clitimeout: "is not supported since HAProxy 2.1: use 'timeout client'",
    contimeout: "is not supported since HAProxy 2.1: use 'timeout connect'",
    srvtimeout: "is not supported since HAProxy 2.1: use 'timeout server'",
    grace: 'is not supported since HAProxy 2.5',
    'monitor-net': "is not supported since HAProxy 2.2: use 'http-request return status 200 if { src … }'",
    redisp: "is not supported since HAProxy 2.1: use 'option redispatch'",
    redispatch: "is not supported since HAProxy 2.1: use 'option redispatch'",
    reqadd: "is not supported since HAProxy 2.1: use 'http-request add-header'",
    reqallow: "is not supported since HAProxy 2.1: use 'http-request allow'",
    reqiallow: "is not supported since HAProxy 2.1: use 'http-request allow'",
    reqdel: "is not supported since HAProxy 2.1: use 'http-request del-header'",
    reqidel: "is not supported since HAProxy 2.1: use 'http-request del-header'",
    reqdeny: "is not supported since HAProxy 2.1: use 'http-request deny'",
    reqideny: "is not supported since HAProxy 2.1: use 'http-request deny'",
    reqpass: 'is not supported since HAProxy 2.1',
    reqipass: 'is not supported since HAProxy 2.1',
    reqrep: "is not supported since HAProxy 2.1: use 'http-request replace-header' or 'replace-uri'",
    reqirep: "is not supported since HAProxy 2.1: use 'http-request replace-header' or 'replace-uri'",
    reqtarpit: "is not supported since HAProxy 2.1: use 'http-request tarpit'",
    reqitarpit: "is not supported since HAProxy 2.1: use 'http-request tarpit'",
    rspadd: "is not supported since HAProxy 2.1: use 'http-response add-header'",
    rspdel: "is not supported since HAProxy 2.1: use 'http-response del-header'",
    rspidel: "is not supported since HAProxy 2.1: use 'http-response del-header'",
    rspdeny: "is not supported since HAProxy 2.1: use 'http-response deny'",
    rspideny: "is not supported since HAProxy 2.1: use 'http-response deny'",
    rsprep: "is not supported since HAProxy 2.1: use 'http-response replace-header'",
    rspirep: "is not supported since HAProxy 2.1: use 'http-response replace-header'",
    srvexp: "is not supported since HAProxy 2.1: use 'http-response replace-header'",
  },
  global: {
    nbproc: 'is not supported since HAProxy 2.5: threads are used instead (nbthread)',
    'tune.chksize': "is not supported since HAProxy 2.6: 'tune.bufsize' is used instead",
  },
};

// keyword → { section kind or 'anonymous defaults' → severity }.
const misplaced = new Map<string, Map<string, Severity>>();
for (const entry of misplacedTable.split(/\s+/).filter(Boolean)) {
  const [keyword, letters] = entry.split(':') as [string, string];
  const where = new Map<string, Severity>();
  for (const letter of letters) {
    const kind = { a: 'anonymous defaults', n: 'defaults', f: 'frontend', b: 'backend' }[
      letter.toLowerCase()
    ] as string;
    where.set(kind, letter === letter.toUpperCase() ? 'error' : 'warning');
  }
  misplaced.set(keyword, where);
}

/**
 * True when `keyword` is known in a section of `kind` (a kind this package does not know knows everything).
 *
 * @example isKnownKeyword('global', 'ca-base') // true
 */
export function isKnownKeyword(kind: string, keyword: string): boolean {
  if (keyword.startsWith('.')) return true;
  if (proxyKinds.has(kind)) return proxyKeywords.has(keyword);
  if (kind === 'global')
    return globalKeywords.has(keyword) || globalPrefixes.some((prefix) => keyword.startsWith(prefix));
  const set = otherKeywords[kind];
  return set === undefined ? true : set.has(keyword);
}

const removedProxyKeywords = new Map(Object.entries(removedKeywords.proxy));
const removedGlobalKeywords = new Map(Object.entries(removedKeywords.global));

/** What HAProxy says of a keyword it removed ("is not supported since …"), or undefined. @example isRemovedKeyword('backend', 'reqadd') */
export function isRemovedKeyword(kind: string, keyword: string): string | undefined {
  return (proxyKinds.has(kind) ? removedProxyKeywords : kind === 'global' ? removedGlobalKeywords : undefined)?.get(
    keyword,
  );
}

/**
 * How HAProxy takes a proxy keyword in a section of `kind`: undefined where
 * it belongs, `'error'` where it refuses the file, `'warning'` where it
 * ignores the line. `named` tells a named defaults section from an anonymous one.
 */
export function misplacement(keyword: string, kind: string, named: boolean): Severity | undefined {
  const where = misplaced.get(keyword);
  if (where === undefined || kind === 'listen') return undefined;
  return kind === 'defaults'
    ? (where.get('defaults') ?? (named ? undefined : where.get('anonymous defaults')))
    : where.get(kind);
}

/** True when `keyword` is known in some section (for telling an unknown section from a misplaced keyword). */
export function isAnyKeyword(keyword: string): boolean {
  if (proxyKeywords.has(keyword) || globalKeywords.has(keyword)) return true;
  for (const set of Object.values(otherKeywords)) if (set.has(keyword)) return true;
  return globalPrefixes.some((prefix) => keyword.startsWith(prefix));
}
