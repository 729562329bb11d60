import { describe, expect, it } from 'vitest';
import { CertificateError } from './errors.js';
import { checkCaFile, checkCertificate, splitPem } from './pem.js';
import { certificate, encryptedKey, key, otherKey } from '../../test/certificates.js';

function problemOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CertificateError);
    expect((error as CertificateError).code).toBe('VALIDATION_ERROR');
    return (error as CertificateError).problem;
  }
  return undefined;
}

describe('checkCertificate', () => {
  it('accepts a certificate with its key, in either order or apart, and gives what HAProxy will show', () => {
    const checked = checkCertificate(certificate + key);
    expect(checked.serial).toBe('51D7C4E801B2AA7F2809A89ABE076ACB8AEA67D0');
    expect(checked.notAfter.toISOString()).toBe('2126-11-08T13:29:44.000Z');
    expect(checked.chain).toEqual([]);
    expect(checked.pem).toBe(certificate + key);
    expect(checkCertificate(key + certificate).serial).toBe(checked.serial);
    expect(checkCertificate(certificate, { key }).pem).toBe(certificate + key);
  });

  it('drops blank lines and carriage returns, which would end the payload', () => {
    const messy = `${certificate.replace(/\n/g, '\r\n')}\n\n${key}\n`;
    expect(checkCertificate(messy).pem).toBe(certificate + key);
  });

  it.each([
    ['a key that does not match', () => checkCertificate(certificate + otherKey), 'KEY_MISMATCH'],
    ['a text that is no PEM', () => checkCertificate('hello\n'), 'NOT_A_PEM'],
    [
      'a PEM whose body is not base64',
      () => checkCertificate('-----BEGIN CERTIFICATE-----\n$$$\n-----END CERTIFICATE-----\n'),
      'NOT_A_PEM',
    ],
    [
      'base64 that is no certificate',
      () => checkCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' + key),
      'NOT_A_PEM',
    ],
    ['a key alone', () => checkCertificate(key), 'NO_CERTIFICATE'],
    ['a certificate alone', () => checkCertificate(certificate), 'NO_KEY'],
    ['two keys', () => checkCertificate(certificate + key + otherKey), 'SEVERAL_KEYS'],
    ['an encrypted key', () => checkCertificate(certificate + encryptedKey), 'ENCRYPTED_KEY'],
    ['an expired one', () => checkCertificate(certificate + key, { now: new Date('2127-01-01T00:00:00Z') }), 'EXPIRED'],
    [
      'one not valid yet',
      () => checkCertificate(certificate + key, { now: new Date('2020-01-01T00:00:00Z') }),
      'NOT_YET_VALID',
    ],
  ])('refuses %s', (_, run, problem) => {
    expect(problemOf(run)).toBe(problem);
  });

  it('allows an expired or not yet valid one when asked', () => {
    expect(
      problemOf(() =>
        checkCertificate(certificate + key, { now: new Date('2127-01-01T00:00:00Z'), allowExpired: true }),
      ),
    ).toBeUndefined();
    expect(
      problemOf(() =>
        checkCertificate(certificate + key, { now: new Date('2020-01-01T00:00:00Z'), allowNotYetValid: true }),
      ),
    ).toBeUndefined();
  });

  it('names what it checked in the message', () => {
    expect(() => checkCertificate('x', { subject: '/etc/haproxy/site.pem' })).toThrow(
      '/etc/haproxy/site.pem: no PEM block (-----BEGIN …-----) in it',
    );
  });
});

describe('checkCaFile', () => {
  it('takes certificates; refuses a key in a CA file, and a CA file that has no CRL as a CRL file', () => {
    expect(checkCaFile(certificate + certificate, 'ca-file')).toBe(certificate + certificate);
    expect(problemOf(() => checkCaFile(certificate + key, 'ca-file'))).toBe('UNEXPECTED_BLOCK');
    expect(problemOf(() => checkCaFile(certificate, 'crl-file'))).toBe('NOT_A_PEM');
    expect(problemOf(() => checkCaFile('nothing', 'ca-file'))).toBe('NOT_A_PEM');
    const crl = '-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n';
    expect(checkCaFile(crl, 'crl-file')).toBe(crl);
  });

  it('splits blocks with their labels', () => {
    expect(splitPem(certificate + key).map((block) => block.label)).toEqual(['CERTIFICATE', 'PRIVATE KEY']);
  });
});
