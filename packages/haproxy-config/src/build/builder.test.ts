import { describe, expect, it } from 'vitest';
import { defaultRunner } from '@ha/core';
import { addServer, setServer } from '../edit/edits.js';
import { parse } from '../parse/cst.js';
import { serialize } from '../print/serialize.js';
import { checkWithHaproxy } from '../validate/haproxy-check.js';
import { validate } from '../validate/rules.js';
import {
  ConfigBuilder,
  type BackendDefinition,
  type DefaultsDefinition,
  type FrontendDefinition,
  type GlobalDefinition,
} from './builder.js';
import type { LogTarget } from './log-target.js';
import type { ServerDefinition } from './server-options.js';

describe('ConfigBuilder', () => {
  it("writes the seed's load balancer in a few typed lines", async () => {
    const builder = new ConfigBuilder()
      .global({
        maxconn: 2000,
        log: [{ address: '/dev/log', facility: 'local0' }],
        statsSocket: { path: '/run/haproxy/admin.sock', mode: '660', level: 'admin' },
      })
      .defaults({ mode: 'http', timeouts: { connect: '5s', client: '30s', server: '30s' }, options: ['httplog'] })
      .frontend('web', { binds: ['*:80'], defaultBackend: 'servers' })
      .backend('servers', {
        balance: 'roundrobin',
        servers: [
          { name: 'web1', address: '192.168.1.10:80', check: true },
          { name: 'web2', address: '192.168.1.11:80', check: true },
        ],
      });
    expect(builder.toString()).toBe(
      [
        'global',
        '    log /dev/log local0',
        '    maxconn 2000',
        '    stats socket /run/haproxy/admin.sock mode 660 level admin',
        '',
        'defaults',
        '    mode http',
        '    option httplog',
        '    timeout connect 5s',
        '    timeout client 30s',
        '    timeout server 30s',
        '',
        'frontend web',
        '    bind *:80',
        '    default_backend servers',
        '',
        'backend servers',
        '    balance roundrobin',
        '    server web1 192.168.1.10:80 check',
        '    server web2 192.168.1.11:80 check',
        '',
      ].join('\n'),
    );
    const document = builder.toDocument({ file: 'seed.cfg' });
    expect(validate(document).filter((finding) => finding.severity === 'error')).toEqual([]);
    const check = await checkWithHaproxy(document);
    expect(check.valid).toBe(true);
  });

  it('builds routing, health checks, listens and other sections that the real haproxy accepts', async () => {
    const document = new ConfigBuilder()
      .defaults({ mode: 'http', timeouts: { connect: 5000, client: '30s', server: '30s' } })
      .frontend('www', {
        binds: ['127.0.0.1:18000', { address: '127.0.0.1:18001', options: ['name', 'second'] }],
        acls: [{ name: 'is_api', criterion: 'path_beg', args: ['/api'] }],
        httpRequest: [['set-header', 'X-Via', 'ha toolkit']],
        useBackends: [{ backend: 'api', if: 'is_api' }],
        defaultBackend: 'web',
      })
      .backend('api', {
        balance: 'leastconn',
        httpCheck: { uri: '/health' },
        defaultServer: { inter: '2s', fall: 3, rise: 2 },
        servers: [{ name: 'a1', address: '127.0.0.1:19001', check: true, weight: 10, backup: false, maxconn: 100 }],
      })
      .backend('web', {
        servers: [
          { name: 'w1', address: '127.0.0.1:19002', check: true, onMarkedDown: 'shutdown-sessions' },
          { name: 'w2', address: '127.0.0.1:19003', backup: true, disabled: true },
        ],
      })
      .listen('admin', {
        binds: ['127.0.0.1:18404'],
        mode: 'http',
        directives: [
          ['stats', 'enable'],
          ['stats', 'uri', '/'],
        ],
      })
      .section(['userlist', 'ops'], [['user', 'admin', 'insecure-password', 'secret']])
      .toDocument();
    expect(document.sections.map((section) => section.kind)).toEqual([
      'defaults',
      'frontend',
      'backend',
      'backend',
      'listen',
      'userlist',
    ]);
    expect(document.sections[1]?.lines.find((line) => line.values[0] === 'http-request')?.text).toBe(
      '    http-request set-header X-Via "ha toolkit"',
    );
    const check = await checkWithHaproxy(document, { runner: defaultRunner });
    expect(check.findings.filter((finding) => finding.severity === 'error')).toEqual([]);
    expect(check.valid).toBe(true);
  });

  it('log targets are typed: each writes one whole log line that haproxy -c takes', async () => {
    const builder = new ConfigBuilder()
      .global({
        log: [
          { address: '/dev/log', facility: 'local0' },
          {
            address: '127.0.0.1:514',
            facility: 'local1',
            level: 'notice',
            minLevel: 'emerg',
            length: 4096,
            format: 'rfc5424',
          },
        ],
        statsSocket: { path: '/run/haproxy/admin.sock' },
      })
      .defaults({ log: 'global' });
    expect(builder.toString()).toBe(
      'global\n    log /dev/log local0\n    log 127.0.0.1:514 len 4096 format rfc5424 local1 notice emerg\n' +
        '    stats socket /run/haproxy/admin.sock\n\ndefaults\n    log global\n',
    );
    expect(validate(builder.toDocument())).toEqual([]);
    expect(await checkWithHaproxy(builder.toDocument())).toMatchObject({ valid: true, findings: [] });
  });

  it('one shape for a server: the builder, addServer and setServer write the same options', () => {
    const server: ServerDefinition = {
      name: 'web3',
      address: '192.168.1.12:80',
      check: true,
      inter: '2s',
      fall: 3,
      weight: 50,
      options: ['send-proxy-v2'],
    };
    const built = new ConfigBuilder().backend('servers', { servers: [server] }).toString();
    const line = '    server web3 192.168.1.12:80 check inter 2s fall 3 weight 50 send-proxy-v2';
    expect(built).toBe(`backend servers\n${line}\n`);
    const added = parse('backend servers\n    server web1 192.168.1.10:80\n');
    addServer(added, 'servers', server);
    expect(serialize(added)).toBe(`backend servers\n    server web1 192.168.1.10:80\n${line}\n`);
    setServer(added, 'servers', 'web1', { check: true, inter: '2s', fall: 3, weight: 50, options: ['send-proxy-v2'] });
    expect(serialize(added)).toBe(
      `backend servers\n${line.replace('web3 192.168.1.12', 'web1 192.168.1.10')}\n${line}\n`,
    );
    // Option words alone still work, in both.
    addServer(added, 'servers', { name: 'web4', address: '192.168.1.13:80', options: ['check'] });
    expect(serialize(added)).toContain('    server web4 192.168.1.13:80 check\n');
  });
});

// A configuration around one typed piece, so that only that piece can be wrong.
function configWith(piece: {
  global?: GlobalDefinition;
  defaults?: Partial<DefaultsDefinition>;
  frontend?: Partial<FrontendDefinition>;
  backend?: BackendDefinition;
  server?: Partial<ServerDefinition>;
}): ConfigBuilder {
  return new ConfigBuilder()
    .global(piece.global ?? {})
    .defaults({ mode: 'http', timeouts: { connect: '5s', client: '30s', server: '30s' }, ...piece.defaults })
    .frontend('fe', { binds: ['127.0.0.1:18931'], defaultBackend: 'be', ...piece.frontend })
    .backend('be', {
      servers: [
        { name: 's1', address: '127.0.0.1:18932', check: true },
        { name: 's2', address: '127.0.0.1:18933', ...piece.server },
      ],
      ...piece.backend,
    });
}

describe('validate refuses what haproxy -c refuses, for every value the builder types', () => {
  // Each piece is what a caller can pass (some only through a cast, as from untyped JSON).
  const cases: [string, Parameters<typeof configWith>[0]][] = [
    ['a plain configuration', {}],
    ['log: a whole target', { global: { log: [{ address: '/dev/log', facility: 'local0', level: 'info' }] } }],
    [
      'log: an unknown facility',
      { global: { log: [{ address: '/dev/log', facility: 'local9' } as unknown as LogTarget] } },
    ],
    [
      'log: an unknown level',
      { global: { log: [{ address: '/dev/log', facility: 'local0', level: 'loud' } as unknown as LogTarget] } },
    ],
    ['log: a length HAProxy refuses', { global: { log: [{ address: '/dev/log', facility: 'local0', length: 10 }] } }],
    ['log: a port out of range', { global: { log: [{ address: '127.0.0.1:99999', facility: 'local0' }] } }],
    [
      'log: an unknown format',
      { global: { log: [{ address: '/dev/log', facility: 'local0', format: 'json' } as unknown as LogTarget] } },
    ],
    [
      'log: the facility and level run together',
      { defaults: { log: [{ address: '/dev/log local0', facility: 'local0' }] } },
    ],
    ['nbthread 0', { global: { nbthread: 0 } }],
    ['maxconn: HAProxy reads "abc" as 0 and starts', { global: { maxconn: 'abc' as unknown as number } }],
    [
      'stats socket: an unknown level',
      { global: { statsSocket: { path: '/tmp/ha-builder-test.sock', level: 'root' as 'admin' } } },
    ],
    [
      'stats socket: a mode that is not octal',
      { global: { statsSocket: { path: '/tmp/ha-builder-test.sock', mode: '999' } } },
    ],
    ['stats timeout: not a time', { global: { statsTimeout: 'soon' } }],
    ['timeout: not a time', { defaults: { timeouts: { connect: '5 s' } } }],
    ['timeout: with a fraction', { defaults: { timeouts: { connect: '1.5s' } } }],
    ['timeout: longer than HAProxy can count', { defaults: { timeouts: { connect: '30d' } } }],
    ['timeout: in ms as a number', { defaults: { timeouts: { connect: 5000 } } }],
    ['timeout: an unknown name', { defaults: { timeouts: { servr: '5s' } as DefaultsDefinition['timeouts'] } }],
    ['mode: unknown', { defaults: { mode: 'htp' as 'http' } }],
    ['option: unknown', { defaults: { options: ['htplog'] } }],
    ['retries: HAProxy reads "x" as 0', { defaults: { retries: 'x' as unknown as number } }],
    ['bind: ssl without a certificate', { frontend: { binds: [{ address: '127.0.0.1:18934', ssl: true }] } }],
    ['bind: a setting without its value', { frontend: { binds: [{ address: '127.0.0.1:18934', options: ['name'] }] } }],
    ['bind: alpn', { frontend: { binds: [{ address: '127.0.0.1:18934', alpn: 'h2,http/1.1' }] } }],
    ['balance: unknown', { backend: { balance: 'roundrobn' } }],
    ['balance: hdr(host)', { backend: { balance: 'hdr(host)' } }],
    ['server: inter not a time', { server: { check: true, inter: 'abc' } }],
    ['server: inter 0', { server: { check: true, inter: 0 } }],
    ['server: inter too long', { server: { check: true, inter: '30d' } }],
    ['server: fall 0', { server: { check: true, fall: 0 } }],
    ['server: rise 0', { server: { check: true, rise: 0 } }],
    ['server: weight 257', { server: { weight: 257 } }],
    ['server: weight 256', { server: { weight: 256 } }],
    ['server: weight -1', { server: { weight: -1 } }],
    ['server: maxconn "x", read as 0', { server: { maxconn: 'x' as unknown as number } }],
    ['server: slowstart not a time', { server: { slowstart: 'x' } }],
    ['server: verify sometimes', { server: { ssl: true, verify: 'sometimes' as 'none' } }],
    ['server: ssl, verified by default without a CA', { server: { ssl: true } }],
    ['server: ssl, not verified', { server: { ssl: true, verify: 'none' } }],
    [
      'server: ssl, verified with a CA',
      { server: { ssl: true, verify: 'required', options: ['ca-file', '/etc/ssl/certs/ca-certificates.crt'] } },
    ],
    ['server: init-addr unknown', { server: { initAddr: 'bogus' } }],
    ['server: init-addr last,libc,none', { server: { initAddr: 'last,libc,none' } }],
    ['server: on-marked-down unknown', { server: { onMarkedDown: 'bogus' as 'shutdown-sessions' } }],
    ['server: on-marked-up', { server: { onMarkedUp: 'shutdown-backup-sessions' } }],
    ['server: track a server that does not exist', { server: { track: 'nosuch' } }],
    ['server: track a server without check', { server: { track: 's2' } }],
    ['server: track a checked server', { server: { track: 's1' } }],
    ['server: id 0', { server: { id: 0 } }],
    ['server: a value-taking option without its value', { server: { options: ['inter'] } }],
    ['server: a default-server inter that is not a time', { backend: { defaultServer: { inter: 'abc' } } }],
  ];

  it.each(cases)('%s', async (_, piece) => {
    const document = configWith(piece).toDocument({ file: 'built.cfg' });
    const ours = validate(document).filter((finding) => finding.severity === 'error');
    const real = await checkWithHaproxy(document);
    const alerts = real.findings.filter((finding) => finding.severity === 'error').map((finding) => finding.message);
    expect({ errors: ours.length > 0, ours: ours.map((finding) => finding.message) }).toMatchObject({
      errors: !real.valid,
    });
    expect({ valid: real.valid, alerts }).toMatchObject({ valid: ours.length === 0 });
  });
});
