import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError } from '@ha/core';
import { auditRefusals } from './audit.js';
import { parseBasicAuthorization } from './guard.js';
import { parseWebConfig } from './web-config.js';

const hash = '$2y$10$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPze';

describe('parseWebConfig', () => {
  it("reads the toolkit's example: TLS from files beside it, users, headers, a rate limit", () => {
    const config = parseWebConfig(
      [
        'tls_server_config:',
        '  cert_file: server.crt',
        '  key_file: /etc/keys/server.key',
        '  client_ca_file: ca.crt',
        '  client_auth_type: RequireAndVerifyClientCert',
        '  min_version: TLS13',
        'http_server_config:',
        '  http2: false',
        '  headers:',
        '    X-Frame-Options: deny',
        'basic_auth_users:',
        `  alice: ${hash}`,
        'rate_limit:',
        '  interval: 1s',
        '  burst: 20',
        '',
      ].join('\n'),
      { file: '/etc/ha-monitor/web.yml', directory: '/etc/ha-monitor' },
    );
    expect(config.tls).toEqual({
      cert: { file: '/etc/ha-monitor/server.crt' },
      key: { file: '/etc/keys/server.key' },
      clientCa: { file: '/etc/ha-monitor/ca.crt' },
      clientAuthType: 'RequireAndVerifyClientCert',
      clientAllowedSans: undefined,
      minVersion: 'TLS13',
      maxVersion: 'TLS13',
    });
    expect(config.basicAuthUsers.get('alice')).toBe(hash);
    expect(config.headers).toEqual({ 'X-Frame-Options': 'deny' });
    expect(config.rateLimit).toEqual({ intervalMs: 1000, burst: 20 });
  });

  it('takes an empty file, and an interval of 0, as nothing to apply', () => {
    expect(parseWebConfig('')).toEqual({
      tls: undefined,
      basicAuthUsers: new Map(),
      headers: {},
      rateLimit: undefined,
    });
    expect(parseWebConfig('rate_limit:\n  interval: 0s\n  burst: 1\n').rateLimit).toBeUndefined();
  });

  it.each([
    ['tls_server_config:\n  cert_file: a\n  key_file: b\n  cipher_suites: [X]\n', 4, 3, /cipher_suites/],
    ['basic_auth_users:\n  alice: secret\n', 2, 3, /not a bcrypt hash/],
    ['tls_server_config:\n  cert_file: a\n', 1, 1, /certificate and its key/],
    ['tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: c\n', 4, 3, /without a client_auth_type/],
    [
      'tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireAndVerifyClientCert\n',
      4,
      3,
      /needs client_ca_file/,
    ],
    ['tls_server_config:\n  cert: x\n  cert_file: a\n  key_file: b\n', 3, 3, /both cert and cert_file/],
    [
      'tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS13\n  max_version: TLS12\n',
      4,
      3,
      /above max_version/,
    ],
    ['rate_limit:\n  interval: soon\n  burst: 1\n', 2, 3, /not a duration/],
    ['basic_auth_users: [\n', 2, 1, /./],
    ['a: 1\na: 2\n', 2, 1, /./],
  ])('refuses %j at line %i, column %i', (text, line, column, message) => {
    let error: unknown;
    try {
      parseWebConfig(text, { file: 'web.yml' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ file: 'web.yml', line, column });
    expect((error as Error).message).toMatch(message);
  });

  it('never throws anything but a ParseError, on any text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc
            .array(
              fc.constantFrom(
                'tls_server_config:',
                '  cert_file: a',
                '  key_file: b',
                'basic_auth_users:',
                `  u: ${hash}`,
                ' - x',
                ': :',
                '\t',
              ),
            )
            .map((lines) => lines.join('\n')),
        ),
        (text) => {
          try {
            parseWebConfig(text);
          } catch (error) {
            expect(error).toBeInstanceOf(ParseError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('parseBasicAuthorization', () => {
  it('reads user and password (a colon in the password kept), and nothing else', () => {
    const header = `Basic ${Buffer.from('alice:pa:ss').toString('base64')}`;
    expect(parseBasicAuthorization(header)).toEqual({ user: 'alice', password: 'pa:ss' });
    expect(parseBasicAuthorization('Bearer abc')).toBeUndefined();
    expect(parseBasicAuthorization(`Basic ${Buffer.from('nocolon').toString('base64')}`)).toBeUndefined();
    expect(parseBasicAuthorization(undefined)).toBeUndefined();
  });
});

describe('auditRefusals', () => {
  it('writes one line a second per peer and reason, counting what it held back', () => {
    const lines: string[] = [];
    let now = 0;
    const audit = auditRefusals(
      (line) => lines.push(line),
      () => now,
    );
    const refusal = { status: 401, reason: "wrong password for 'alice'", remote: '127.0.0.1', request: 'GET /metrics' };
    for (let i = 0; i < 5; i++) audit(refusal);
    now = 1_500;
    audit(refusal);
    audit({ ...refusal, status: 0, request: undefined, reason: 'no client certificate' });
    expect(lines).toEqual([
      "refused GET /metrics from 127.0.0.1: wrong password for 'alice' (401)",
      "refused GET /metrics from 127.0.0.1: wrong password for 'alice' (401) (and 4 more like it)",
      'refused TLS connection from 127.0.0.1: no client certificate (closed)',
    ]);
  });
});
