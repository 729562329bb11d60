import { z } from 'zod';
import { certificateParseError } from './errors.js';

// Parsers of HAProxy's `show ssl cert`, `show ssl cert FILE`, `show ssl ca-file` and `show ssl crt-list`
// answers, as the real 2.6 and 3.0 print them (test/fixtures/haproxy/*/show-ssl-*.txt).

/** `show ssl cert` (or `show ssl ca-file`): the files HAProxy has loaded, and those with a transaction in progress. */
export interface CertificateList {
  /** The files HAProxy serves, as the configuration names them: `/etc/haproxy/certs/site.pem`. */
  files: string[];
  /** Files with an uncommitted `set ssl cert` (shown as `*FILE`), without the `*`. */
  transactions: string[];
}

/** A certificate of another one's chain, as `show ssl cert FILE` prints it (`Chain Subject:` / `Chain Issuer:`). */
export interface ChainCertificate {
  /** `/CN=Intermediate CA/O=Example`. */
  subject: string;
  /** `/CN=Root CA`, empty when HAProxy printed none. */
  issuer: string;
}

/** One certificate, as `show ssl cert FILE` (or one of `show ssl ca-file FILE`) describes it. */
export interface CertificateDetail {
  /** The file, without the `*` of a transaction. */
  file: string;
  /** True for the uncommitted content of a transaction (`show ssl cert *FILE`). */
  transaction: boolean;
  /** `Used` (a bind serves it), `Unused` … as HAProxy says it. */
  status: string;
  /** Serial number, upper-case hex as HAProxy prints it: `61ECB8D8…`. */
  serial: string;
  /** Start of validity. */
  notBefore: Date;
  /** End of validity. */
  notAfter: Date;
  /** Subject alternative names as HAProxy prints them: `DNS:site.example` (HAProxy lists DNS names only). */
  subjectAltNames: string[];
  /** `RSA2048`, `EC256` … (undefined when HAProxy printed none). */
  algorithm: string | undefined;
  /** SHA-1 fingerprint, upper-case hex. */
  sha1Fingerprint: string | undefined;
  /** `/CN=site.example/O=Example`. */
  subject: string;
  /** `/CN=Example CA`. */
  issuer: string;
  /** The chain HAProxy sends with it, leaf's issuer first. */
  chain: ChainCertificate[];
  /** Every `Key: value` line as printed (the first of a repeated key), for what has no field here. */
  fields: Record<string, string>;
}

/** A line of a crt-list, as `show ssl crt-list -n LIST` prints it. */
export interface CrtListEntry {
  /** The certificate file. */
  file: string;
  /** Its line in the list (from `-n`); undefined without it. */
  line: number | undefined;
  /** The SSL options between brackets (`alpn h2,http/1.1`, `verify none`), as written; empty without. */
  options: string;
  /** SNI filters after them (`site.example`, `!*.internal`). */
  filters: string[];
}

/** Schema of {@link CertificateDetail}: what a parse must produce. */
export const certificateDetailSchema = z.object({
  file: z.string().min(1),
  transaction: z.boolean(),
  status: z.string(),
  serial: z.string().regex(/^[0-9A-Fa-f]+$/),
  notBefore: z.date(),
  notAfter: z.date(),
  subjectAltNames: z.array(z.string()),
  algorithm: z.string().optional(),
  sha1Fingerprint: z.string().optional(),
  subject: z.string(),
  issuer: z.string(),
  chain: z.array(z.object({ subject: z.string(), issuer: z.string() })),
  fields: z.record(z.string(), z.string()),
});

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * An OpenSSL date as HAProxy prints it (`Dec  2 13:20:37 2026 GMT`) → a `Date`; undefined
 * for anything else.
 */
export function parseOpensslDate(text: string): Date | undefined {
  const match = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) GMT$/.exec(text.trim());
  if (!match) return undefined;
  const [, month, day, hours, minutes, seconds, year] = match;
  const index = months.indexOf(month as string);
  if (index === -1) return undefined;
  const date = new Date(Date.UTC(Number(year), index, Number(day), Number(hours), Number(minutes), Number(seconds)));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** `show ssl cert` (or `show ssl ca-file`, whose lines end in ` - N certificate(s)`) → the loaded files. */
export function parseCertificateList(text: string): CertificateList {
  const list: CertificateList = { files: [], transactions: [] };
  let section: 'files' | 'transactions' = 'files';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\0/g, '').trim();
    if (line.length === 0) continue;
    if (line.startsWith('#')) {
      section = /^#\s*transaction/.test(line) ? 'transactions' : 'files';
      continue;
    }
    const file = line.replace(/ - \d+ certificate\(s\)$/, '');
    if (section === 'transactions') list.transactions.push(file.replace(/^\*/, ''));
    else list.files.push(file);
  }
  return list;
}

/**
 * `show ssl cert FILE` → its typed description. A `ParseError` (`NOT_CERTIFICATE_OUTPUT`)
 * when the answer lacks a filename, serial, a date HAProxy always prints, or subject.
 */
export function parseCertificateDetail(text: string): CertificateDetail {
  return parseDetailLines(text.split('\n'), text);
}

/**
 * `show ssl ca-file FILE` → each certificate of the CA file (`Certificate #N:` blocks),
 * with the file's name and status.
 */
export function parseCaFileDetail(text: string): CertificateDetail[] {
  const lines = text.split('\n');
  const head: string[] = [];
  const blocks: string[][] = [];
  for (const line of lines) {
    if (/^Certificate #\d+:\s*$/.test(line.trim())) blocks.push([]);
    else (blocks.at(-1) ?? head).push(line);
  }
  return blocks.map((block) => parseDetailLines([...head, ...block], text));
}

function parseDetailLines(lines: readonly string[], text: string): CertificateDetail {
  const fields: Record<string, string> = {};
  const chain: ChainCertificate[] = [];
  for (const raw of lines) {
    const line = raw.replace(/\0/g, '');
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === 'Chain Subject') chain.push({ subject: value, issuer: '' });
    else if (key === 'Chain Issuer') {
      const last = chain.at(-1);
      if (last && last.issuer === '') last.issuer = value;
      else chain.push({ subject: '', issuer: value });
    } else if (!(key in fields)) fields[key] = value;
  }
  const filename = fields['Filename'];
  const notBefore = parseOpensslDate(fields['notBefore'] ?? '');
  const notAfter = parseOpensslDate(fields['notAfter'] ?? '');
  const serial = fields['Serial'];
  if (!filename || !serial || !notBefore || !notAfter || fields['Subject'] === undefined) {
    throw certificateParseError(
      `not a 'show ssl cert FILE' answer (no Filename, Serial, notBefore, notAfter or Subject): ${JSON.stringify(
        text.slice(0, 80),
      )}`,
    );
  }
  const detail: CertificateDetail = {
    file: filename.replace(/^\*/, ''),
    transaction: filename.startsWith('*'),
    status: fields['Status'] ?? '',
    serial,
    notBefore,
    notAfter,
    subjectAltNames: (fields['Subject Alternative Name'] ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name.length > 0),
    algorithm: fields['Algorithm'] || undefined,
    sha1Fingerprint: fields['SHA1 FingerPrint'] || undefined,
    subject: fields['Subject'],
    issuer: fields['Issuer'] ?? '',
    chain,
    fields,
  };
  const checked = certificateDetailSchema.safeParse(detail);
  if (!checked.success) {
    throw certificateParseError(`a 'show ssl cert FILE' answer with a bad field: ${checked.error.message}`);
  }
  return detail;
}

/** `show ssl crt-list`: the crt-list files HAProxy has loaded. */
export function parseCrtLists(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/\0/g, '').trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}

/**
 * `show ssl crt-list [-n] LIST` → its lines. HAProxy 2.6 and 3.0 print a NUL byte at the
 * end of the options (`[alpn h2,http/1.1\0]`); it is dropped.
 */
export function parseCrtListEntries(text: string, options: { numbered?: boolean } = {}): CrtListEntry[] {
  const entries: CrtListEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\0/g, '').trim();
    if (line.length === 0 || line.startsWith('#')) continue;
    const match = /^(\S+)(?:\s+\[([^\]]*)\])?(?:\s+(.*))?$/.exec(line);
    if (!match) continue;
    let file = match[1] as string;
    let number: number | undefined;
    if (options.numbered) {
      const numbered = /^(.*):(\d+)$/.exec(file);
      if (numbered) {
        file = numbered[1] as string;
        number = Number(numbered[2]);
      }
    }
    entries.push({
      file,
      line: number,
      options: (match[2] ?? '').trim(),
      filters: (match[3] ?? '').split(/\s+/).filter((filter) => filter.length > 0),
    });
  }
  return entries;
}
