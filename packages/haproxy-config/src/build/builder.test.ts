import { describe, expect, it } from 'vitest';
import { defaultRunner } from '@ha/core';
import { checkWithHaproxy } from '../validate/haproxy-check.js';
import { validate } from '../validate/rules.js';
import { ConfigBuilder } from './builder.js';

describe('ConfigBuilder', () => {
  it("writes the seed's load balancer in a few typed lines", async () => {
    const builder = new ConfigBuilder()
      .global({ maxconn: 2000, log: ['/dev/log local0'], statsSocket: { path: '/run/haproxy/admin.sock', mode: '660', level: 'admin' } })
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
      .backend('api', { balance: 'leastconn', httpCheck: { uri: '/health' }, defaultServer: { inter: '2s', fall: 3, rise: 2 }, servers: [{ name: 'a1', address: '127.0.0.1:19001', check: true, weight: 10, backup: false, maxconn: 100 }] })
      .backend('web', { servers: [{ name: 'w1', address: '127.0.0.1:19002', check: true, onMarkedDown: 'shutdown-sessions' }, { name: 'w2', address: '127.0.0.1:19003', backup: true, disabled: true }] })
      .listen('admin', { binds: ['127.0.0.1:18404'], mode: 'http', directives: [['stats', 'enable'], ['stats', 'uri', '/']] })
      .section(['userlist', 'ops'], [['user', 'admin', 'insecure-password', 'secret']])
      .toDocument();
    expect(document.sections.map((section) => section.kind)).toEqual(['defaults', 'frontend', 'backend', 'backend', 'listen', 'userlist']);
    expect(document.sections[1]?.lines.find((line) => line.values[0] === 'http-request')?.text).toBe('    http-request set-header X-Via "ha toolkit"');
    const check = await checkWithHaproxy(document, { runner: defaultRunner });
    expect(check.findings.filter((finding) => finding.severity === 'error')).toEqual([]);
    expect(check.valid).toBe(true);
  });
});
