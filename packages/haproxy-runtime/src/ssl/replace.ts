import { readFile, unlink } from 'node:fs/promises';
import { HaError, installFile, sha256 } from '@ha/core';
import { buildCommandLine, type CommandWord } from '../transport/command-line.js';
import {
  parseCaFileDetail,
  parseCertificateDetail,
  parseCertificateList,
  parseCrtListEntries,
  parseCrtLists,
  type CertificateDetail,
  type CertificateList,
  type CrtListEntry,
} from './certificates.js';
import { checkCaFile, checkCertificate, type CertificateCheckOptions } from './pem.js';

/** What the certificate operations need of a client: `HaproxyRuntime` is one. */
export interface SslCommandRunner {
  /** Sends a command (with a `<<` payload) and returns the answer; a refusal is thrown. */
  execute(words: readonly CommandWord[], options?: { payload?: string }): Promise<string>;
}

/** A certificate HAProxy has loaded: its description and the crt-lists that name it. */
export interface LoadedCertificate extends CertificateDetail {
  /** The crt-list files with a line for it (empty for a `bind … crt FILE`). */
  crtLists: string[];
}

/** How a change is kept. */
export interface PersistOptions {
  /**
   * Also write the files on disk (atomically: temp file, fsync, rename), so a reload
   * or restart loads the same. Default true.
   */
  persist?: boolean | undefined;
  /** Keep the previous file as this path (`installFile`'s backup). Default: no backup. */
  backupPath?: string | undefined;
}

/** Options of `replaceCertificate`. */
export interface ReplaceCertificateOptions extends CertificateCheckOptions, PersistOptions {}

/** What `replaceCertificate` did. */
export interface ReplaceCertificateResult {
  /** The file, as HAProxy knows it. */
  file: string;
  /** The certificate HAProxy served before. */
  before: CertificateDetail;
  /** The one it serves now (read back after the commit). */
  after: CertificateDetail;
  /** Whether the file on disk was written (false with `persist: false`, or when it already held this content). */
  written: boolean;
}

/** Options of `addToCrtList`. */
export interface AddToCrtListOptions extends CertificateCheckOptions, PersistOptions {
  /** SSL options of the line, written between brackets: `['alpn h2', 'verify none']`. */
  sslOptions?: readonly string[] | undefined;
  /** SNI filters of the line: `['site.example', '*.site.example']`. */
  filters?: readonly string[] | undefined;
}

/** `show ssl cert`: the files HAProxy has loaded (and those with a transaction in progress). */
export async function listCertificates(runtime: SslCommandRunner): Promise<CertificateList> {
  return parseCertificateList(await runtime.execute(['show', 'ssl', 'cert']));
}

/** `show ssl cert FILE` (`*FILE` with `transaction`): one certificate's description. */
export async function showCertificate(
  runtime: SslCommandRunner,
  file: string,
  options: { transaction?: boolean } = {},
): Promise<CertificateDetail> {
  return parseCertificateDetail(
    await runtime.execute(['show', 'ssl', 'cert', `${options.transaction ? '*' : ''}${file}`]),
  );
}

/** `show ssl crt-list` and `show ssl crt-list -n LIST` of each: list file → its lines. */
export async function showCrtLists(runtime: SslCommandRunner): Promise<Map<string, CrtListEntry[]>> {
  const lists = parseCrtLists(await runtime.execute(['show', 'ssl', 'crt-list']));
  const entries = await Promise.all(
    lists.map(async (list) =>
      parseCrtListEntries(await runtime.execute(['show', 'ssl', 'crt-list', '-n', list]), { numbered: true }),
    ),
  );
  return new Map(lists.map((list, i) => [list, entries[i] ?? []]));
}

/** Every certificate HAProxy has loaded, described, with the crt-lists that use it (one command each, pipelined). */
export async function showCertificates(runtime: SslCommandRunner): Promise<LoadedCertificate[]> {
  const [list, crtLists] = await Promise.all([listCertificates(runtime), showCrtLists(runtime)]);
  const details = await Promise.all(list.files.map((file) => showCertificate(runtime, file)));
  return details.map((detail) => ({
    ...detail,
    crtLists: [...crtLists]
      .filter(([, entries]) => entries.some((entry) => entry.file === detail.file))
      .map(([name]) => name),
  }));
}

/** `show ssl ca-file FILE`: each certificate of a loaded CA file. */
export async function showCaFile(runtime: SslCommandRunner, file: string): Promise<CertificateDetail[]> {
  return parseCaFileDetail(await runtime.execute(['show', 'ssl', 'ca-file', file]));
}

/**
 * Replaces a loaded certificate (and key) without a reload. Checked first
 * (`checkCertificate`: a PEM, key matches, not expired): a bad one is a
 * `CertificateError` before any command. Then `set ssl cert` and `commit ssl
 * cert`; if HAProxy refuses either, `abort ssl cert` and its refusal is thrown
 * (HAProxy still serves the old one). Then the file is written atomically; if
 * that fails, the previous file's content is set and committed again, so HAProxy
 * and the disk agree.
 */
export async function replaceCertificate(
  runtime: SslCommandRunner,
  file: string,
  pem: string,
  options: ReplaceCertificateOptions = {},
): Promise<ReplaceCertificateResult> {
  const checked = checkCertificate(pem, { ...options, subject: options.subject ?? file });
  const persist = options.persist ?? true;
  const list = await listCertificates(runtime);
  if (!list.files.includes(file)) throw new HaError('NOT_FOUND', `${file}: HAProxy has loaded no such certificate`);
  if (list.transactions.includes(file)) {
    throw new HaError('PRECONDITION_FAILED', `${file}: a transaction is already in progress (abort ssl cert ${file})`);
  }
  const before = await showCertificate(runtime, file);
  // Read before anything changes: what goes back into HAProxy if the write fails.
  const previous = persist ? await readCurrent(file) : undefined;
  await setAndCommit(runtime, 'cert', file, checked.pem);
  let written = false;
  if (persist) {
    try {
      written = (await installFile(file, checked.pem, { lock: true, backupPath: options.backupPath ?? false })).changed;
    } catch (error) {
      if (previous !== undefined) await setAndCommit(runtime, 'cert', file, previous).catch(() => undefined);
      throw new HaError(
        'WRITE_FAILED',
        `${file}: HAProxy took the new certificate but the file could not be written, so the previous one was put back: ${message(error)}`,
        { cause: error },
      );
    }
  }
  return { file, before, after: await showCertificate(runtime, file), written };
}

/**
 * Loads a new certificate and adds it to a loaded crt-list, without a reload:
 * `new ssl cert FILE`, `set ssl cert`, `commit ssl cert`, `add ssl crt-list`.
 * On a refusal, what was done is undone (`abort`, `del ssl cert`). Persisted:
 * FILE written and the line appended to the crt-list file (both atomically);
 * if a write fails, the line and the certificate are removed from HAProxy again.
 */
export async function addToCrtList(
  runtime: SslCommandRunner,
  crtList: string,
  file: string,
  pem: string,
  options: AddToCrtListOptions = {},
): Promise<CrtListEntry> {
  const checked = checkCertificate(pem, { ...options, subject: options.subject ?? file });
  const persist = options.persist ?? true;
  const line = crtListLine(file, options);
  const lists = parseCrtLists(await runtime.execute(['show', 'ssl', 'crt-list']));
  if (!lists.includes(crtList)) throw new HaError('NOT_FOUND', `${crtList}: HAProxy has loaded no such crt-list`);
  const loaded = await listCertificates(runtime);
  if (loaded.files.includes(file) || loaded.transactions.includes(file)) {
    throw new HaError('PRECONDITION_FAILED', `${file}: HAProxy has already loaded it (use replaceCertificate)`);
  }
  const previousList = persist ? await readFile(crtList, 'utf8').catch(() => undefined) : undefined;
  if (persist && previousList === undefined) {
    throw new HaError('WRITE_FAILED', `${crtList}: cannot read the crt-list file`);
  }
  if (persist && (await exists(file))) {
    throw new HaError('PRECONDITION_FAILED', `${file}: the file already exists; not overwriting it`);
  }
  await runtime.execute(['new', 'ssl', 'cert', file]);
  try {
    await setAndCommit(runtime, 'cert', file, checked.pem);
    if (line.options.length === 0 && line.filters.length === 0) {
      await runtime.execute(['add', 'ssl', 'crt-list', crtList, file]);
    } else {
      await runtime.execute(['add', 'ssl', 'crt-list', crtList], { payload: formatCrtListLine(line) });
    }
  } catch (error) {
    await runtime.execute(['del', 'ssl', 'cert', file]).catch(() => undefined);
    throw error;
  }
  if (persist) {
    let wroteCertificate = false;
    try {
      // A new file: none may have appeared since the check (expectedSha256 null).
      await installFile(file, checked.pem, { mode: 0o600, backupPath: false, lock: true, expectedSha256: null });
      wroteCertificate = true;
      const text = previousList ?? '';
      const separator = text.length === 0 || text.endsWith('\n') ? '' : '\n';
      // The list as read before the change: a list changed meanwhile is refused, not overwritten.
      await installFile(crtList, `${text}${separator}${formatCrtListLine(line)}\n`, {
        backupPath: options.backupPath ?? false,
        lock: true,
        expectedSha256: previousList === undefined ? null : sha256(previousList),
      });
    } catch (error) {
      await runtime.execute(['del', 'ssl', 'crt-list', crtList, file]).catch(() => undefined);
      await runtime.execute(['del', 'ssl', 'cert', file]).catch(() => undefined);
      if (wroteCertificate) await unlink(file).catch(() => undefined);
      throw new HaError(
        'WRITE_FAILED',
        `${crtList}: the files could not be written, so ${file} was removed from HAProxy again: ${message(error)}`,
        { cause: error },
      );
    }
  }
  return line;
}

/**
 * Replaces a loaded CA file (`kind: 'ca-file'`) or CRL file (`'crl-file'`)
 * without a reload: checked locally, then `set ssl ca-file|crl-file` and
 * `commit` (`abort` on a refusal), then written atomically (put back in
 * HAProxy if the write fails). Both 2.6 and 3.0 have these commands.
 */
export async function replaceCaFile(
  runtime: SslCommandRunner,
  kind: 'ca-file' | 'crl-file',
  file: string,
  pem: string,
  options: PersistOptions = {},
): Promise<{ file: string; written: boolean }> {
  const payload = checkCaFile(pem, kind, file);
  const persist = options.persist ?? true;
  const loaded = parseCertificateList(await runtime.execute(['show', 'ssl', kind]));
  if (!loaded.files.includes(file)) throw new HaError('NOT_FOUND', `${file}: HAProxy has loaded no such ${kind}`);
  const previous = persist ? await readCurrent(file) : undefined;
  await setAndCommit(runtime, kind, file, payload);
  let written = false;
  if (persist) {
    try {
      written = (await installFile(file, payload, { lock: true, backupPath: options.backupPath ?? false })).changed;
    } catch (error) {
      if (previous !== undefined) await setAndCommit(runtime, kind, file, previous).catch(() => undefined);
      throw new HaError(
        'WRITE_FAILED',
        `${file}: HAProxy took the new ${kind} but the file could not be written, so the previous one was put back: ${message(error)}`,
        { cause: error },
      );
    }
  }
  return { file, written };
}

/** The line of a crt-list for a file, its options and filters. */
export function crtListLine(
  file: string,
  options: { sslOptions?: readonly string[] | undefined; filters?: readonly string[] | undefined } = {},
): CrtListEntry {
  const sslOptions = (options.sslOptions ?? []).join(' ');
  buildCommandLine([file, ...(options.filters ?? [])]);
  if (/[[\]\n\r\0;]/.test(sslOptions))
    throw new TypeError(`crt-list options ${JSON.stringify(sslOptions)}: no brackets, line breaks or ';'`);
  return { file, line: undefined, options: sslOptions, filters: [...(options.filters ?? [])] };
}

/** A crt-list line as written to the file: `FILE [OPTIONS] FILTERS`. */
export function formatCrtListLine(entry: CrtListEntry): string {
  return [entry.file, ...(entry.options ? [`[${entry.options}]`] : []), ...entry.filters].join(' ');
}

async function setAndCommit(
  runtime: SslCommandRunner,
  kind: 'cert' | 'ca-file' | 'crl-file',
  file: string,
  payload: string,
): Promise<void> {
  try {
    await runtime.execute(['set', 'ssl', kind, file], { payload });
    await runtime.execute(['commit', 'ssl', kind, file]);
  } catch (error) {
    await runtime.execute(['abort', 'ssl', kind, file]).catch(() => undefined);
    throw error;
  }
}

// A file as a payload: blank lines (which would end it) and carriage returns dropped.
async function readCurrent(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8'))
      .replace(/\r/g, '')
      .split('\n')
      .filter((line) => line.trim().length > 0)
      .join('\n');
  } catch (error) {
    throw new HaError('WRITE_FAILED', `${file}: cannot read the current file: ${message(error)}`, { cause: error });
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await readFile(file);
    return true;
  } catch {
    return false;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
