import { HaError, ParseError, type HaErrorOptions } from '@ha/core';

/** The `reason` of the `ParseError` the certificate parsers throw. */
export type CertificateParseReason =
  /** A `show ssl cert FILE` answer without its Filename, Serial, notBefore, notAfter or Subject. */
  'NOT_CERTIFICATE_OUTPUT';

/** Why a certificate (or CA file, CRL) was refused before anything reached HAProxy. */
export type CertificateProblem =
  /** No PEM block at all, or one whose base64 or DER does not parse. */
  | 'NOT_A_PEM'
  /** PEM blocks, but no `CERTIFICATE` among them. */
  | 'NO_CERTIFICATE'
  /** A certificate without its private key, where one is needed. */
  | 'NO_KEY'
  /** More than one private key. */
  | 'SEVERAL_KEYS'
  /** An encrypted private key: HAProxy cannot ask for its passphrase at run time. */
  | 'ENCRYPTED_KEY'
  /** The private key does not belong to the (first) certificate. */
  | 'KEY_MISMATCH'
  /** The certificate's notAfter has passed (allow it with `allowExpired`). */
  | 'EXPIRED'
  /** The certificate's notBefore is still to come (allow it with `allowNotYetValid`). */
  | 'NOT_YET_VALID'
  /** A PEM block of a kind that does not belong in this file (a key in a CA file …). */
  | 'UNEXPECTED_BLOCK';

/**
 * A certificate, key, CA file or CRL refused by the local checks, before any
 * command was sent: nothing was applied. Code `VALIDATION_ERROR`; `problem` says why.
 */
export class CertificateError extends HaError {
  /** Why it was refused. */
  readonly problem: CertificateProblem;
  /** What was checked: a file name, or `the certificate`. */
  readonly subject: string;

  /**
   * @param problem Why it was refused.
   * @param subject What was checked, first in the message.
   * @param message What is wrong, in words.
   */
  constructor(problem: CertificateProblem, subject: string, message: string, options: HaErrorOptions = {}) {
    super('VALIDATION_ERROR', `${subject}: ${message}`, options);
    this.problem = problem;
    this.subject = subject;
  }
}

/** The `ParseError` of an answer that is not a certificate's description. */
export function certificateParseError(message: string): ParseError<CertificateParseReason> {
  return new ParseError<CertificateParseReason>('NOT_CERTIFICATE_OUTPUT', message);
}
