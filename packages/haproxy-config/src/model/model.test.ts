import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corpusFiles } from '../../test/corpus.js';
import { generateConfig } from '../../test/generate.js';
import { parse, safeParse, type CstLine } from '../parse/cst.js';
import { effective, parseAddress, toConfig } from './config.js';
import { globalKeys, proxyKeys } from './keys.js';
import { globalSchema, haproxyConfigSchema, proxySchema, type HaproxyConfig, type Server } from './schema.js';

// Every object's keys, in order, all the way down: what a zod parse gives, compared key order and all.
function keyOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(keyOrder);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).map(([key, entry]) => [key, keyOrder(entry)]);
  return value;
}

const rich = `global
    maxconn 50000
    nbthread 4
    daemon
    log /dev/log local0 info
    stats socket /run/haproxy/admin.sock mode 660 level admin expose-fd listeners
    stats socket ipv4@127.0.0.1:9999 level operator
    stats timeout 2m
    tune.bufsize 32768
    ssl-default-bind-ciphers HIGH

defaults base
    mode http
    log global
    option httplog
    no option redispatch
    timeout connect 5s
    timeout client 30s
    timeout server 1m
    timeout http-request "\${REQ_TIMEOUT}"

frontend www from base
    bind :80
    bind [::]:443 ssl crt /etc/ssl/site.pem alpn h2,http/1.1
    maxconn 4000
    acl is_api path_beg /api
    acl is_static path_end .css .js
    http-request deny if { src 10.0.0.0/8 } !is_api
    http-request set-header X-Forwarded-Proto https if { ssl_fc }
    use_backend api if is_api
    use_backend static unless !is_static
    default_backend web
    compression algo gzip

backend web
    balance leastconn
    option httpchk GET /health HTTP/1.1
    default-server inter 3s fall 3 rise 2
    server w1 10.0.1.1:8080 check weight 100 maxconn 500 cookie w1
    server w2 10.0.1.2:8080 check backup disabled on-marked-down shutdown-sessions
    server w3 web3.internal:8080 check resolvers dns init-addr last,libc,none ssl verify none sni str(web3)
    server-state-file-name web

listen stats
    bind 127.0.0.1:8404
    mode http
    stats enable
    server local 127.0.0.1:9000 track web/w1 agent-check agent-port 9001

resolvers dns
    nameserver ns1 10.0.0.53:53
`;

describe('the typed view', () => {
  const config = toConfig(parse(rich, { file: 'rich.cfg' }));

  it('global: limits, logs, stats sockets with level and mode, tune settings; the rest as words', () => {
    expect(config.global).toMatchObject({
      maxconn: 50000,
      nbthread: 4,
      daemon: true,
      statsTimeoutMs: 120_000,
      logs: [['/dev/log', 'local0', 'info']],
      tune: { bufsize: '32768' },
    });
    expect(config.global.statsSockets).toEqual([
      {
        address: expect.objectContaining({ host: '/run/haproxy/admin.sock', family: 'unix' }),
        level: 'admin',
        mode: '660',
        options: { 'expose-fd': 'listeners' },
        line: 6,
      },
      {
        address: expect.objectContaining({ host: '127.0.0.1', port: 9999, family: 'ipv4' }),
        level: 'operator',
        options: {},
        line: 7,
      },
    ]);
    expect(config.global.directives.map((directive) => directive.keyword)).toContain('ssl-default-bind-ciphers');
  });

  it('defaults: mode, timeouts in ms, options; what it cannot read stays as words', () => {
    const [base] = config.defaults;
    expect(base).toMatchObject({
      name: 'base',
      mode: 'http',
      timeouts: { connect: 5000, client: 30000, server: 60000 },
    });
    expect(base?.options).toEqual([
      { name: 'httplog', enabled: true, args: [] },
      { name: 'redispatch', enabled: false, args: [] },
    ]);
    expect(base?.directives).toEqual([{ keyword: 'timeout', args: ['http-request', '${REQ_TIMEOUT}'], line: 20 }]);
  });

  it('frontends: binds, ACLs, routing with conditions, http-request rules, inheritance', () => {
    const [www] = config.frontends;
    expect(www?.from).toBe('base');
    expect(www?.inherits).toBe(0);
    expect(effective(config, www!, (proxy) => proxy.mode)).toBe('http');
    expect(
      www?.binds.map((bind) => [bind.address.host, bind.address.port, bind.ssl, bind.certificates, bind.alpn]),
    ).toEqual([
      ['', 80, false, [], undefined],
      ['::', 443, true, ['/etc/ssl/site.pem'], 'h2,http/1.1'],
    ]);
    expect(www?.acls.map((acl) => [acl.name, acl.criterion, acl.args])).toEqual([
      ['is_api', 'path_beg', ['/api']],
      ['is_static', 'path_end', ['.css', '.js']],
    ]);
    expect(www?.httpRequest[0]).toMatchObject({
      action: 'deny',
      args: [],
      condition: { kind: 'if', acls: ['is_api'], anonymous: [['src', '10.0.0.0/8']] },
    });
    expect(www?.useBackends.map((route) => [route.backend, route.condition?.kind, route.condition?.acls])).toEqual([
      ['api', 'if', ['is_api']],
      ['static', 'unless', ['is_static']],
    ]);
    expect(www?.defaultBackend).toBe('web');
    expect(www?.directives.map((directive) => directive.keyword)).toEqual(['compression']);
  });

  it('backends: balance, health checks, servers with the common options typed and the rest kept', () => {
    const [web] = config.backends;
    expect(web?.balance).toEqual({ algorithm: 'leastconn', args: [] });
    expect(web?.httpCheck).toEqual({ method: 'GET', uri: '/health', version: 'HTTP/1.1' });
    expect(web?.defaultServer).toMatchObject({ interMs: 3000, fall: 3, rise: 2, check: false });
    const [w1, w2, w3] = web?.servers ?? [];
    expect(w1).toMatchObject({
      name: 'w1',
      address: { host: '10.0.1.1', port: 8080 },
      check: true,
      weight: 100,
      maxconn: 500,
      cookie: 'w1',
      backup: false,
      options: {},
    });
    expect(w2).toMatchObject({ backup: true, disabled: true, onMarkedDown: 'shutdown-sessions' });
    expect(w3).toMatchObject({
      address: { host: 'web3.internal', port: 8080 },
      resolvers: 'dns',
      initAddr: 'last,libc,none',
      ssl: true,
      verify: 'none',
      sni: 'str(web3)',
    });
    expect(config.listens[0]?.servers[0]).toMatchObject({
      track: 'web/w1',
      agentCheck: true,
      options: { 'agent-port': '9001' },
    });
    expect(web?.directives.map((directive) => directive.keyword)).toEqual(['server-state-file-name']);
  });

  it('other sections keep their directives', () => {
    expect(config.sections).toEqual([
      expect.objectContaining({
        kind: 'resolvers',
        name: 'dns',
        known: true,
        directives: [{ keyword: 'nameserver', args: ['ns1', '10.0.0.53:53'], line: 51 }],
      }),
    ]);
  });

  it('builds a view of every corpus file', () => {
    for (const { name, text } of corpusFiles)
      expect(() => toConfig(safeParse(text, { file: name }).document), name).not.toThrow();
  });

  it('builds, without zod, exactly what haproxyConfigSchema.parse makes of it (keys in order), on the corpus', () => {
    const texts = [...corpusFiles.map(({ name, text }) => ({ name, text })), { name: 'rich', text: rich }];
    texts.push({ name: 'generated', text: generateConfig(200_000) });
    for (const { name, text } of texts) {
      const view = toConfig(safeParse(text, { file: name }).document);
      const parsed = haproxyConfigSchema.parse(view);
      expect(view, name).toStrictEqual(parsed);
      expect(keyOrder(view), name).toEqual(keyOrder(parsed));
    }
  });

  it("keeps the schemas' key order (model/keys.ts)", () => {
    expect(proxyKeys).toEqual(Object.keys(proxySchema.shape));
    expect(globalKeys).toEqual(Object.keys(globalSchema.shape));
  });

  it('reads a plain server line (its fast path) as it reads the same line with a comment (the general way) (property)', () => {
    const option = fc.oneof(
      fc.constantFrom('check', 'no-check', 'backup', 'disabled', 'enabled', 'ssl', 'agent-check', 'send-proxy'),
      fc
        .tuple(
          fc.constantFrom('inter', 'fastinter', 'downinter', 'slowstart', 'fall', 'rise', 'weight', 'maxconn'),
          fc.constantFrom('2s', '10', '0', '-1', '+3', '500ms', '1us', '3m', '1h', '1d', '2x', '1.5s', 's'),
        )
        .map(([name, value]) => `${name} ${value}`),
      fc.constantFrom(
        'maxqueue 9',
        'id 7',
        'verify none',
        'cookie c1',
        'inter',
        'weight',
        'foo',
        'id 99999999999999999',
      ),
    );
    const address = fc.constantFrom(
      '10.0.0.1:80',
      '[::1]:443',
      'web:8080',
      '*:8000-8010',
      'unix@/run/s',
      '${A}:80',
      'h:',
    );
    fc.assert(
      fc.property(fc.array(option, { maxLength: 8 }), address, (options, where) => {
        const line = `    server s1 ${where} ${options.join(' ')}`;
        const plain = toConfig(parse(`backend b\n${line}\n`)).backends[0]?.servers;
        const general = toConfig(parse(`backend b\n${line} # general\n`)).backends[0]?.servers;
        expect(keyOrder(plain)).toEqual(keyOrder(general));
      }),
      { numRuns: 500 },
    );
  });
});

describe('servers read when first asked for', () => {
  const serverLine = fc.oneof(
    fc
      .tuple(
        fc.constantFrom('s1', 's2', 'web'),
        fc.constantFrom('10.0.0.1:80', '[::1]:443', 'web:8080', '${A}:80', 'unix@/run/s'),
        fc.array(fc.constantFrom('check', 'inter 2s', 'weight 10', 'fall x', 'verify none', 'send-proxy', 'id 7'), {
          maxLength: 4,
        }),
      )
      .map(([name, address, options]) => `    server ${name} ${address} ${options.join(' ')}`),
    // Too short for a server: a directive.
    fc.constant('    server lonely'),
    fc.constantFrom('    balance roundrobin', '    timeout check 2s', '', '    default-server inter 3s'),
  );
  it('are the servers read at once, which a comment on the first line makes toConfig do (property)', () => {
    fc.assert(
      fc.property(fc.array(serverLine, { maxLength: 8 }), (lines) => {
        const text = `backend b\n${lines.join('\n')}\n`;
        const first = lines.findIndex((line) => line.trim().startsWith('server'));
        const commented = lines.map((line, index) => (index === first ? `${line} # read now` : line));
        const later = toConfig(parse(text)).backends[0];
        const now = toConfig(parse(`backend b\n${commented.join('\n')}\n`)).backends[0];
        expect(keyOrder(later)).toEqual(keyOrder(now));
      }),
      { numRuns: 500 },
    );
  });

  it('are the servers as the document was when toConfig read it, and behave as a plain property', () => {
    const document = parse('backend b\n    server s1 10.0.0.1:80 check\n    server s2 10.0.0.2:80\n');
    const backend = toConfig(document).backends[0] as NonNullable<HaproxyConfig['backends'][number]>;
    // An edit after toConfig: the view is of the document as it was.
    (document.sections[0]?.lines[0] as CstLine).text = '    server edited 10.9.9.9:80';
    expect(backend.servers.map((server) => server.name)).toEqual(['s1', 's2']);
    expect(backend.servers).toBe(backend.servers);
    expect(Object.keys(backend)).toEqual(proxyKeys.filter((key) => key in backend));
    expect(JSON.parse(JSON.stringify(backend)).servers).toHaveLength(2);
    expect({ ...backend }.servers).toBe(backend.servers);
    backend.servers.push({ ...(backend.servers[0] as Server), name: 's3' });
    expect(backend.servers.map((server) => server.name)).toEqual(['s1', 's2', 's3']);
    backend.servers = [];
    expect(backend.servers).toEqual([]);
    const frozen = Object.freeze(toConfig(parse('backend c\n    server s1 10.0.0.1:80\n')).backends[0]);
    expect(frozen?.servers).toHaveLength(1);
    expect(() => {
      (frozen as { servers: Server[] }).servers = [];
    }).toThrow(TypeError);
    const sealed = Object.seal(toConfig(parse('backend d\n    server s1 10.0.0.1:80\n')).backends[0]);
    (sealed as { servers: Server[] }).servers = [];
    expect(sealed?.servers).toEqual([]);
  });
});

describe('parseAddress', () => {
  it('reads every form HAProxy writes', () => {
    expect(parseAddress('10.0.0.1:80')).toMatchObject({ host: '10.0.0.1', port: 80 });
    expect(parseAddress('*:8000-8010')).toMatchObject({ host: '*', port: 8000, portEnd: 8010 });
    expect(parseAddress('[2001:db8::1]:443')).toMatchObject({ host: '2001:db8::1', port: 443 });
    // Without brackets the last colon starts the port, as HAProxy reads it.
    expect(parseAddress('2001:db8::1:80')).toMatchObject({ host: '2001:db8::1', port: 80 });
    expect(parseAddress('ipv6@::1:8080')).toMatchObject({ host: '::1', port: 8080, family: 'ipv6' });
    expect(parseAddress('unix@/run/a.sock')).toMatchObject({ host: '/run/a.sock', family: 'unix' });
    expect(parseAddress('/run/b.sock')).toMatchObject({ host: '/run/b.sock', family: 'unix' });
    expect(parseAddress('web:80')).toMatchObject({ host: 'web', port: 80 });
    expect(parseAddress('${ADDR}:${PORT}')).toMatchObject({ hasVariables: true });
    expect(parseAddress('${ADDR}:${PORT}').port).toBeUndefined();
    expect(parseAddress('fd@${fe1}')).toMatchObject({ family: 'fd', hasVariables: true });
  });
});

describe('default-server lines', () => {
  it('add to each other, as HAProxy reads them', () => {
    const config = toConfig(parse('backend b\n    default-server weight 5\n    default-server check\n'));
    expect(config.backends[0]?.defaultServer).toMatchObject({ weight: 5, check: true });
  });
});
