/**
 * The values HAProxy's typed keywords take: proxy `option` names, the
 * settings of `server` and `bind` lines (and which take a value), timeout
 * names, proxy modes and balance algorithms. From HAProxy 2.6 (its own
 * keyword dump and `haproxy -c`) and the 3.0 and 3.4 manuals, like keywords.ts.
 */

const words = (list: string) => new Set(list.split(/\s+/).filter(Boolean));

/** The names `option` (and `no option`) takes in a proxy section. */
export const proxyOptionNames: ReadonlySet<string> = words(`
abortonclose accept-invalid-http-request accept-invalid-http-response allbackups checkcache clitcpka contstats disable-h2-upgrade
dontlog-normal dontlognull external-check forceclose forwarded forwardfor h1-case-adjust-bogus-client h1-case-adjust-bogus-server
http-buffer-request http-drop-request-trailers http-drop-response-trailers http-ignore-probes http-keep-alive http-no-delay
http-pretend-keepalive http-restrict-req-hdr-names http-server-close http-tunnel http-use-proxy-header http_proxy httpchk httpclose httplog
httpslog idle-close-on-response independent-streams ldap-check log-health-checks log-separate-errors logasap mysql-check nolinger originalto
persist pgsql-check prefer-last-server redis-check redispatch smtpchk socket-stats splice-auto splice-request splice-response spop-check
srvtcpka ssl-hello-chk tcp-check tcp-smart-accept tcp-smart-connect tcpka tcplog transparent use-small-buffers
`);

// name → whether it takes a value (the next word).
function settingsOf(valued: string, flags: string): ReadonlyMap<string, boolean> {
  return new Map([
    ...[...words(valued)].map((name) => [name, true] as const),
    ...[...words(flags)].map((name) => [name, false] as const),
  ]);
}

/** The settings of a `server` or `default-server` line: name → whether it takes a value. */
export const serverSettings = settingsOf(
  `
addr agent-addr agent-inter agent-port agent-send alpn ca-file cc check-alpn check-pool-conn-name check-proto check-sni ciphers ciphersuites
client-sigalgs cookie crl-file crt curves downinter error-limit fall fastinter guid hash-key healthcheck id idle-ping init-addr init-state
inter ktls log-bufsize log-proto max-reuse maxconn maxqueue minconn namespace npn observe on-error on-marked-down on-marked-up
pool-conn-name pool-low-conn pool-max-conn pool-purge-delay port proto proxy-v2-options quic-cc-algo redir resolve-net resolve-opts
resolve-prefer resolvers rise set-proxy-v2-tlv-fmt shard sigalgs slowstart sni socks4 source ssl-max-ver ssl-min-ver tcp-md5sig tcp-ut track verify verifyhost
weight ws
`,
  `
agent-check allow-0rtt backup check check-reuse-pool check-send-proxy check-sni-auto check-ssl check-via-socks4 disabled enabled force-sslv3
force-tlsv10 force-tlsv11 force-tlsv12 force-tlsv13 no-agent-check no-backup no-check no-check-reuse-pool no-check-send-proxy
no-check-sni-auto no-check-ssl no-renegotiate no-send-proxy no-send-proxy-v2 no-send-proxy-v2-ssl no-send-proxy-v2-ssl-cn no-sni-auto no-ssl
no-ssl-reuse no-sslv3 no-tfo no-tls-tickets no-tlsv10 no-tlsv11 no-tlsv12 no-tlsv13 no-verifyhost non-stick renegotiate send-proxy
send-proxy-v2 send-proxy-v2-ssl send-proxy-v2-ssl-cn sni-auto ssl ssl-reuse stick strict-maxconn tfo tls-tickets usesrc
`,
);

/** The settings of a `bind` line (and of a `stats socket`): name → whether it takes a value. */
export const bindSettings = settingsOf(
  `
accept-netscaler-cip alpn backlog ca-file ca-ignore-err ca-sign-file ca-sign-pass ca-verify-file cc ciphers ciphersuites client-sigalgs
crl-file crt crt-ignore-err crt-list curves default-crt ecdhe ech expose-fd gid group guid-prefix id idle-ping interface ktls label level
maxconn mode mss name namespace nbconn nice npn process proto quic-cc-algo quic-socket severity-output shards sigalgs ssl-max-ver
ssl-min-ver tcp-md5sig tcp-ss tcp-ut thread tls-ticket-keys uid user verify
`,
  `
accept-proxy allow-0rtt defer-accept force-sslv3 force-tlsv10 force-tlsv11 force-tlsv12 force-tlsv13 generate-certificates no-alpn
no-ca-names no-sslv3 no-strict-sni no-tls-tickets no-tlsv10 no-tlsv11 no-tlsv12 no-tlsv13 prefer-client-ciphers quic-force-retry ssl
strict-sni tfo tls-tickets transparent v4v6 v6only
`,
);

/** The timeouts a proxy section takes (`timeout NAME TIME`). */
export const timeoutNames: ReadonlySet<string> = words(
  'client client-fin client-hs connect check http-keep-alive http-request queue server server-fin tarpit tunnel',
);

/** The modes of a proxy section. */
export const proxyModes: ReadonlySet<string> = words('http tcp log spop');

/** The load-balancing algorithms (`balance`; `hdr(NAME)`, `rdp-cookie(NAME)`, `random(N)` by their name). */
export const balanceAlgorithms: ReadonlySet<string> = words(
  'roundrobin static-rr leastconn first source uri url_param hdr rdp-cookie random hash log-hash sticky',
);
