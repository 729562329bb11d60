import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeCommandError } from '../errors.js';
import { buildCommandLine, type CommandWord } from '../transport/command-line.js';
import { CertificateError } from './errors.js';
import { addToCrtList, replaceCaFile, replaceCertificate, type SslCommandRunner } from './replace.js';
import { certificate, key, otherKey } from '../../test/certificates.js';

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'ha-runtime-ssl-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const detail = (file: string, serial: string) =>
  [
    `Filename: ${file}`,
    'Status: Used',
    `Serial: ${serial}`,
    'notBefore: Dec  2 13:20:37 2026 GMT',
    'notAfter: Jan  1 13:20:37 2027 GMT',
    'Subject Alternative Name: DNS:unit.example, ',
    'Subject: /CN=unit.example',
    'Issuer: /CN=unit.example',
  ].join('\n');

// A fake HAProxy: records each command, answers from `answers` (a function of the line), refuses what `refuse` says.
function fakeHaproxy(file: string, refuse: (line: string) => string | undefined = () => undefined) {
  const sent: string[] = [];
  let serial = '01';
  const runner: SslCommandRunner = {
    async execute(words: readonly CommandWord[], options: { payload?: string } = {}) {
      const line = buildCommandLine(words);
      sent.push(options.payload === undefined ? line : `${line} <<`);
      const refusal = refuse(line);
      if (refusal !== undefined) throw new RuntimeCommandError(line, refusal);
      if (line === 'show ssl cert') return `# filename\n${file}`;
      if (line === `show ssl cert ${file}`) return detail(file, serial);
      if (line.startsWith('commit ssl cert')) serial = '51D7C4E801B2AA7F2809A89ABE076ACB8AEA67D0';
      if (line === 'show ssl crt-list') return join(directory, 'crt.list');
      if (line === 'show ssl ca-file') return `# filename\n${file} - 1 certificate(s)`;
      if (line.startsWith('set ssl ca-file')) return `transaction created for CA ${file}!`;
      return '';
    },
  };
  return { runner, sent };
}

describe('replaceCertificate', () => {
  it('set, commit, then the file; a bad certificate sends nothing', async () => {
    const file = join(directory, 'site.pem');
    await writeFile(file, 'old content\n');
    const haproxy = fakeHaproxy(file);
    await expect(replaceCertificate(haproxy.runner, file, certificate + otherKey)).rejects.toBeInstanceOf(
      CertificateError,
    );
    expect(haproxy.sent).toEqual([]);
    const result = await replaceCertificate(haproxy.runner, file, certificate + key);
    expect(haproxy.sent).toEqual([
      'show ssl cert',
      `show ssl cert ${file}`,
      `set ssl cert ${file} <<`,
      `commit ssl cert ${file}`,
      `show ssl cert ${file}`,
    ]);
    expect(result).toMatchObject({ written: true, before: { serial: '01' } });
    expect(await readFile(file, 'utf8')).toBe(certificate + key);
  });

  it('a refused commit is aborted and the file left alone', async () => {
    const file = join(directory, 'refused.pem');
    await writeFile(file, 'old content\n');
    const haproxy = fakeHaproxy(file, (line) =>
      line.startsWith('commit') ? "inconsistencies between private key and certificate loaded 'x'." : undefined,
    );
    await expect(replaceCertificate(haproxy.runner, file, certificate + key)).rejects.toBeInstanceOf(
      RuntimeCommandError,
    );
    expect(haproxy.sent.slice(-2)).toEqual([`commit ssl cert ${file}`, `abort ssl cert ${file}`]);
    expect(await readFile(file, 'utf8')).toBe('old content\n');
  });

  // root writes into a read-only folder all the same: nothing would fail.
  it.skipIf(process.getuid?.() === 0)(
    'a file that cannot be written puts the previous content back into HAProxy',
    async () => {
      const sub = await mkdtemp(join(directory, 'ro-'));
      const file = join(sub, 'site.pem');
      await writeFile(file, 'previous\n\ncontent\n');
      await chmod(sub, 0o500);
      try {
        const haproxy = fakeHaproxy(file);
        const error = await replaceCertificate(haproxy.runner, file, certificate + key).catch(
          (caught: unknown) => caught,
        );
        expect(error).toMatchObject({ code: 'WRITE_FAILED' });
        expect(haproxy.sent.slice(-4)).toEqual([
          `set ssl cert ${file} <<`,
          `commit ssl cert ${file}`,
          `set ssl cert ${file} <<`,
          `commit ssl cert ${file}`,
        ]);
      } finally {
        await chmod(sub, 0o700);
      }
    },
  );

  it('refuses a file HAProxy has not loaded, and one with a transaction in progress', async () => {
    const file = join(directory, 'site.pem');
    await expect(
      replaceCertificate(fakeHaproxy(file).runner, join(directory, 'other.pem'), certificate + key),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const busy: SslCommandRunner = { execute: async () => `# transaction\n*${file}\n# filename\n${file}` };
    await expect(replaceCertificate(busy, file, certificate + key)).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
    });
  });
});

describe('addToCrtList and replaceCaFile', () => {
  it('new, set, commit, add (a payload line with options), then both files; a refused add removes the certificate', async () => {
    const list = join(directory, 'crt.list');
    await writeFile(list, '/etc/other.pem [alpn h2]\n');
    const file = join(directory, 'added.pem');
    const haproxy = fakeHaproxy('/etc/other.pem');
    const entry = await addToCrtList(haproxy.runner, list, file, certificate + key, {
      sslOptions: ['alpn h2'],
      filters: ['unit.example'],
    });
    expect(entry).toEqual({ file, line: undefined, options: 'alpn h2', filters: ['unit.example'] });
    expect(haproxy.sent.slice(2)).toEqual([
      `new ssl cert ${file}`,
      `set ssl cert ${file} <<`,
      `commit ssl cert ${file}`,
      `add ssl crt-list ${list} <<`,
    ]);
    expect(await readFile(list, 'utf8')).toBe(`/etc/other.pem [alpn h2]\n${file} [alpn h2] unit.example\n`);
    expect(await readFile(file, 'utf8')).toBe(certificate + key);

    const second = join(directory, 'second.pem');
    const refusing = fakeHaproxy('/etc/other.pem', (line) =>
      line.startsWith('add') ? "Can't edit the crt-list" : undefined,
    );
    await expect(addToCrtList(refusing.runner, list, second, certificate + key)).rejects.toBeInstanceOf(
      RuntimeCommandError,
    );
    expect(refusing.sent.at(-1)).toBe(`del ssl cert ${second}`);
    await expect(readFile(second)).rejects.toThrow();
  });

  it('replaceCaFile takes the lower-case confirmation of set ssl ca-file', async () => {
    const file = join(directory, 'ca.crt');
    await writeFile(file, certificate);
    const haproxy = fakeHaproxy(file);
    expect(await replaceCaFile(haproxy.runner, 'ca-file', file, certificate + certificate)).toEqual({
      file,
      written: true,
    });
    expect(haproxy.sent).toEqual(['show ssl ca-file', `set ssl ca-file ${file} <<`, `commit ssl ca-file ${file}`]);
    expect(await readFile(file, 'utf8')).toBe(certificate + certificate);
  });
});
