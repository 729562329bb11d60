import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError } from '@ha/core';
import { answer } from '../../test/fixtures.js';
import { classifyAnswer } from '../classify-answer.js';
import {
  parseCaFileDetail,
  parseCertificateDetail,
  parseCertificateList,
  parseCrtListEntries,
  parseCrtLists,
  parseOpensslDate,
} from './certificates.js';

// test/fixtures/haproxy/{2.6.12,3.0.11}/*ssl*.txt: recorded with socat from the real 2.6.12 (Debian 12's haproxy)
// and 3.0.11 (the lab's Debian 13 root), each serving TLS from /tmp/sslrec/26 or /30: `bind … ssl crt site.pem
// ca-file ca.crt` and `bind … ssl crt-list crt.list` (other.pem with `[alpn h2,http/1.1] other.example`), RSA
// certificates of a test CA (site 30 days, site2 90 days). The refusals are real too: a PEM that is none, a
// commit whose key does not match, a commit or abort with no transaction, an empty certificate added to a list.
const generations = [
  ['2.6.12', '/tmp/sslrec/26'],
  ['3.0.11', '/tmp/sslrec/30'],
] as const;

describe.each(generations)('the ssl answers of HAProxy %s', (version, dir) => {
  it('show ssl cert: the loaded files; during a transaction, the file with one apart', () => {
    expect(parseCertificateList(answer(version, 'show-ssl-cert.txt'))).toEqual({
      files: [`${dir}/other.pem`, `${dir}/site.pem`],
      transactions: [],
    });
    expect(parseCertificateList(answer(version, 'show-ssl-cert-transaction.txt'))).toEqual({
      files: [`${dir}/other.pem`, `${dir}/site.pem`],
      transactions: [`${dir}/site.pem`],
    });
  });

  it('show ssl cert FILE: typed, dates as Dates, SANs as a list', () => {
    const detail = parseCertificateDetail(answer(version, 'show-ssl-cert-detail.txt'));
    expect(detail).toMatchObject({
      file: `${dir}/site.pem`,
      transaction: false,
      status: 'Used',
      subjectAltNames: ['DNS:site.example', 'DNS:www.site.example'],
      algorithm: 'RSA2048',
      subject: '/CN=site.example/O=HA Toolkit',
      issuer: '/CN=Test CA',
      chain: [],
    });
    expect(detail.serial).toMatch(/^[0-9A-F]{40}$/);
    expect(detail.sha1Fingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect(detail.notAfter.getTime() - detail.notBefore.getTime()).toBe(30 * 86_400_000);
    expect(detail.notBefore.toISOString()).toMatch(/^2026-12-02T13:2\d:\d\d\.000Z$/);
    const pending = parseCertificateDetail(answer(version, 'show-ssl-cert-detail-transaction.txt'));
    expect(pending).toMatchObject({ file: `${dir}/site.pem`, transaction: true, status: 'Unused' });
    expect(pending.notAfter.getTime() - pending.notBefore.getTime()).toBe(90 * 86_400_000);
  });

  it('show ssl ca-file, with and without a file', () => {
    expect(parseCertificateList(answer(version, 'show-ssl-ca-file.txt')).files).toEqual([
      `${dir}/ca.crt`,
      '@system-ca',
    ]);
    const [ca, ...rest] = parseCaFileDetail(answer(version, 'show-ssl-ca-file-detail.txt'));
    expect(rest).toEqual([]);
    expect(ca).toMatchObject({ file: `${dir}/ca.crt`, status: 'Used', subject: '/CN=Test CA', subjectAltNames: [] });
  });

  it('show ssl crt-list: the lists, and their lines without the NUL HAProxy prints in the options', () => {
    expect(parseCrtLists(answer(version, 'show-ssl-crt-list.txt'))).toEqual([`${dir}/crt.list`]);
    expect(answer(version, 'show-ssl-crt-list-file.txt')).toContain('\0');
    expect(parseCrtListEntries(answer(version, 'show-ssl-crt-list-file.txt'))).toEqual([
      { file: `${dir}/other.pem`, line: undefined, options: 'alpn h2,http/1.1', filters: ['other.example'] },
    ]);
    expect(parseCrtListEntries(answer(version, 'show-ssl-crt-list-numbered.txt'), { numbered: true })).toEqual([
      { file: `${dir}/other.pem`, line: 1, options: 'alpn h2,http/1.1', filters: ['other.example'] },
    ]);
    expect(parseCrtListEntries(answer(version, 'show-ssl-crt-list-added.txt')).map((entry) => entry.file)).toEqual([
      `${dir}/other.pem`,
      `${dir}/new.pem`,
    ]);
  });

  it('the answers of the changes are told apart: confirmations pass, refusals are refusals', () => {
    const line = (words: string) => `${words} ${dir}/site.pem`;
    for (const [command, name] of [
      [line('set ssl cert'), 'set-ssl-cert.txt'],
      [line('set ssl cert'), 'set-ssl-cert-update.txt'],
      [line('commit ssl cert'), 'commit-ssl-cert.txt'],
      [line('abort ssl cert'), 'abort-ssl-cert.txt'],
      [`new ssl cert ${dir}/new.pem`, 'new-ssl-cert.txt'],
      [`add ssl crt-list ${dir}/crt.list ${dir}/new.pem`, 'add-ssl-crt-list.txt'],
      [`commit ssl ca-file ${dir}/ca.crt`, 'commit-ssl-ca-file.txt'],
    ] as const)
      expect(classifyAnswer(command, answer(version, name)), name).toBeUndefined();
    for (const [command, name] of [
      [line('set ssl cert'), 'set-ssl-cert-not-pem.txt'],
      [line('commit ssl cert'), 'commit-ssl-cert-key-mismatch.txt'],
      [line('commit ssl cert'), 'commit-ssl-cert-no-transaction.txt'],
      [line('abort ssl cert'), 'abort-ssl-cert-no-transaction.txt'],
      [`add ssl crt-list ${dir}/crt.list ${dir}/new.pem`, 'add-ssl-crt-list-empty-cert.txt'],
      [`set ssl crl-file ${dir}/none.crl`, 'set-ssl-crl-file-unknown.txt'],
      ['show ssl cert /nope.pem', 'show-ssl-cert-unknown.txt'],
      ['show ssl crt-list /nope.list', 'show-ssl-crt-list-unknown.txt'],
    ] as const)
      expect(classifyAnswer(command, answer(version, name)), name).toBeDefined();
    // `set ssl ca-file`'s lower-case `transaction created for CA …` is a success.
    expect(classifyAnswer('set ssl ca-file /x.crt', answer(version, 'set-ssl-ca-file.txt'))).toBeUndefined();
  });
});

describe('certificate parsers', () => {
  it('reads OpenSSL dates as HAProxy prints them, and nothing else', () => {
    expect(parseOpensslDate('Dec  2 13:20:37 2026 GMT')?.toISOString()).toBe('2026-12-02T13:20:37.000Z');
    expect(parseOpensslDate('Jan 12 00:00:00 2027 GMT')?.toISOString()).toBe('2027-01-12T00:00:00.000Z');
    expect(parseOpensslDate('Foo  2 13:20:37 2026 GMT')).toBeUndefined();
    expect(parseOpensslDate('2026-12-02')).toBeUndefined();
  });

  it("a refusal or anything else is not a certificate's description: a ParseError", () => {
    expect(() => parseCertificateDetail(answer('2.6.12', 'show-ssl-cert-unknown.txt'))).toThrow(ParseError);
    expect(() => parseCertificateDetail('Filename: /x.pem\nSerial: 01\n')).toThrow(
      expect.objectContaining({ reason: 'NOT_CERTIFICATE_OUTPUT' }),
    );
  });

  it('never crashes on arbitrary text: every parser returns data or throws a ParseError', () => {
    const lines = fc.array(
      fc.oneof(
        fc.string(),
        fc.constantFrom(
          '# filename',
          '# transaction',
          '*/x.pem',
          'Filename: */x.pem',
          'Serial: 0A',
          'notBefore: Dec  2 13:20:37 2026 GMT',
          'notAfter: Feb 30 25:61:61 2026 GMT',
          'Subject: /CN=x',
          'Chain Issuer: /CN=y',
          '/x.pem:3 [alpn h2\0] a.example !b.example',
          '/x.pem [unclosed',
        ),
      ),
    );
    fc.assert(
      fc.property(lines, (parts) => {
        const text = parts.join('\n');
        parseCertificateList(text);
        parseCrtLists(text);
        parseCrtListEntries(text, { numbered: true });
        for (const parse of [parseCertificateDetail, parseCaFileDetail]) {
          try {
            parse(text);
          } catch (error) {
            if (!(error instanceof ParseError)) throw error;
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
