import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { CertificateError } from './errors.js';

/** One `-----BEGIN LABEL-----` … `-----END LABEL-----` block. */
export interface PemBlock {
  /** `CERTIFICATE`, `PRIVATE KEY`, `RSA PRIVATE KEY`, `X509 CRL` … */
  label: string;
  /** The whole block, BEGIN and END lines included, lines ended by `\n`. */
  text: string;
}

/** A certificate and key that passed the local checks: what `replaceCertificate` sends. */
export interface CheckedCertificate {
  /** The PEM to send and write: certificate, chain, key (and other blocks) without blank lines. */
  pem: string;
  /** The leaf (first) certificate. */
  certificate: X509Certificate;
  /** The certificates after it. */
  chain: X509Certificate[];
  /** Its serial number, upper-case hex as HAProxy prints it. */
  serial: string;
  /** End of validity. */
  notAfter: Date;
}

/** What the local checks of a certificate allow. */
export interface CertificateCheckOptions {
  /** The private key, when it is not in the certificate's PEM (a separate `.key` file). */
  key?: string | undefined;
  /** Accept a certificate whose notAfter has passed. Default false. */
  allowExpired?: boolean | undefined;
  /** Accept a certificate whose notBefore is still to come. Default false. */
  allowNotYetValid?: boolean | undefined;
  /** The time validity is judged at. Default now. */
  now?: Date | undefined;
  /** What the messages call it. Default `the certificate`. */
  subject?: string | undefined;
}

const keyLabels = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'DSA PRIVATE KEY']);

/**
 * The PEM blocks of a text, in order. A `CertificateError` (`NOT_A_PEM`) when there
 * is none, or when a block's body is not base64.
 */
export function splitPem(text: string, subject = 'the certificate'): PemBlock[] {
  const blocks: PemBlock[] = [];
  const pattern = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (const match of text.replace(/\r/g, '').matchAll(pattern)) {
    const label = match[1] as string;
    const body = (match[2] as string)
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0);
    // Headers of an encrypted traditional key (`Proc-Type: 4,ENCRYPTED`) are kept as they are.
    const data = body.filter((line) => !line.includes(':'));
    if (data.length === 0 || !data.every((line) => /^[A-Za-z0-9+/=]+$/.test(line))) {
      throw new CertificateError('NOT_A_PEM', subject, `the ${label} block is not base64`);
    }
    blocks.push({ label, text: [`-----BEGIN ${label}-----`, ...body, `-----END ${label}-----`, ''].join('\n') });
  }
  if (blocks.length === 0) throw new CertificateError('NOT_A_PEM', subject, 'no PEM block (-----BEGIN …-----) in it');
  return blocks;
}

/**
 * Checks a certificate (with its chain and key) as HAProxy will need it, before
 * anything is sent: every block parses, there is a certificate and exactly one
 * unencrypted private key, the key belongs to the first certificate, and it is
 * valid now (unless allowed). Throws a `CertificateError`; returns what to send.
 */
export function checkCertificate(pem: string, options: CertificateCheckOptions = {}): CheckedCertificate {
  const subject = options.subject ?? 'the certificate';
  const blocks = [...splitPem(pem, subject), ...(options.key === undefined ? [] : splitPem(options.key, subject))];
  const certificates: X509Certificate[] = [];
  const keys: KeyObject[] = [];
  for (const block of blocks) {
    if (block.label === 'CERTIFICATE') {
      try {
        certificates.push(new X509Certificate(block.text));
      } catch (error) {
        throw new CertificateError('NOT_A_PEM', subject, `a CERTIFICATE block does not parse: ${message(error)}`, {
          cause: error,
        });
      }
    } else if (
      block.label === 'ENCRYPTED PRIVATE KEY' ||
      (keyLabels.has(block.label) && /ENCRYPTED/.test(block.text))
    ) {
      throw new CertificateError(
        'ENCRYPTED_KEY',
        subject,
        'the private key is encrypted (HAProxy cannot ask for its passphrase)',
      );
    } else if (keyLabels.has(block.label)) {
      try {
        keys.push(createPrivateKey(block.text));
      } catch (error) {
        throw new CertificateError('NOT_A_PEM', subject, `the ${block.label} block does not parse: ${message(error)}`, {
          cause: error,
        });
      }
    }
  }
  const [leaf, ...chain] = certificates;
  if (!leaf) throw new CertificateError('NO_CERTIFICATE', subject, 'no CERTIFICATE block in it');
  const [key, ...moreKeys] = keys;
  if (!key) throw new CertificateError('NO_KEY', subject, 'no private key in it (give it with the key option)');
  if (moreKeys.length > 0) throw new CertificateError('SEVERAL_KEYS', subject, `${keys.length} private keys in it`);
  if (!leaf.checkPrivateKey(key)) {
    throw new CertificateError(
      'KEY_MISMATCH',
      subject,
      `the private key does not match the certificate ${leaf.subject.replace(/\n/g, ', ')}`,
    );
  }
  const now = options.now ?? new Date();
  const notAfter = new Date(leaf.validTo);
  const notBefore = new Date(leaf.validFrom);
  if (!options.allowExpired && notAfter.getTime() < now.getTime()) {
    throw new CertificateError('EXPIRED', subject, `expired on ${notAfter.toISOString()}`);
  }
  if (!options.allowNotYetValid && notBefore.getTime() > now.getTime()) {
    throw new CertificateError('NOT_YET_VALID', subject, `not valid before ${notBefore.toISOString()}`);
  }
  return {
    pem: blocks.map((block) => block.text).join(''),
    certificate: leaf,
    chain,
    serial: leaf.serialNumber.toUpperCase(),
    notAfter,
  };
}

/**
 * Checks a CA file (certificates only, each parses) or a CRL file (`X509 CRL`
 * blocks, and certificates HAProxy accepts beside them): returns the PEM to
 * send, without blank lines; a `CertificateError` otherwise.
 */
export function checkCaFile(pem: string, kind: 'ca-file' | 'crl-file', subject = `the ${kind}`): string {
  const blocks = splitPem(pem, subject);
  const wanted = kind === 'ca-file' ? 'CERTIFICATE' : 'X509 CRL';
  for (const block of blocks) {
    if (block.label === 'CERTIFICATE') {
      try {
        new X509Certificate(block.text);
      } catch (error) {
        throw new CertificateError('NOT_A_PEM', subject, `a CERTIFICATE block does not parse: ${message(error)}`, {
          cause: error,
        });
      }
    } else if (block.label !== wanted) {
      throw new CertificateError('UNEXPECTED_BLOCK', subject, `a ${block.label} block does not belong in a ${kind}`);
    }
  }
  if (!blocks.some((block) => block.label === wanted)) {
    throw new CertificateError(
      kind === 'ca-file' ? 'NO_CERTIFICATE' : 'NOT_A_PEM',
      subject,
      `no ${wanted} block in it`,
    );
  }
  return blocks.map((block) => block.text).join('');
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
