import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRunner } from '@ha/core';
import { labSeries } from '@ha/lab/vitest';
import {
  CertificateError,
  HaproxyRuntime,
  replaceCertificate,
  RuntimeCommandError,
  type SslCommandRunner,
} from '../src/index.js';
import { startLocalHaproxy, type LocalHaproxy } from './local-haproxy.js';

// A real HAProxy of the generation under test serving TLS on loopback; certificates made with openssl.
// The temporary folder is under /tmp, which Debian 13's HAProxy (run from the lab's root) sees too.
let directory: string;
let haproxy: LocalHaproxy;
let port: number;
let listPort: number;
const file = (name: string) => join(directory, name);

async function openssl(args: string[]): Promise<void> {
  await defaultRunner.run('openssl', args, { timeoutMs: 30_000 });
}

// A key and a certificate signed by the test CA, valid `days` (negative: already expired).
async function makeCertificate(name: string, cn: string, days: number): Promise<void> {
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file(`${name}.key`)]);
  await openssl([
    'req',
    '-new',
    '-key',
    file(`${name}.key`),
    '-subj',
    `/CN=${cn}/O=HA Toolkit`,
    '-out',
    file(`${name}.csr`),
  ]);
  await writeFile(file(`${name}.ext`), `subjectAltName=DNS:${cn},DNS:www.${cn}\n`);
  const validity =
    days > 0 ? ['-days', String(days)] : ['-not_before', '20200101000000Z', '-not_after', '20200201000000Z'];
  await openssl([
    'x509',
    '-req',
    '-in',
    file(`${name}.csr`),
    '-CA',
    file('ca.crt'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    ...validity,
    '-extfile',
    file(`${name}.ext`),
    '-out',
    file(`${name}.crt`),
  ]).catch(async (error: unknown) => {
    // OpenSSL 3.0 (Debian 12) has no -not_before: an expired certificate is made with `ca -startdate`.
    if (days > 0) throw error;
    await openssl([
      'ca',
      ...caArgs(),
      '-startdate',
      '20200101000000Z',
      '-enddate',
      '20200201000000Z',
      '-in',
      file(`${name}.csr`),
      '-out',
      file(`${name}.crt`),
      '-notext',
    ]);
  });
  await writeFile(
    file(`${name}.pem`),
    (await readFile(file(`${name}.crt`), 'utf8')) + (await readFile(file(`${name}.key`), 'utf8')),
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

// One TLS connection and one request; resolves with the serial the server showed.
function handshake(toPort: number, servername = 'site.example'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: toPort, servername, rejectUnauthorized: false }, () => {
      const serial = socket.getPeerCertificate().serialNumber.toUpperCase();
      socket.write(`GET / HTTP/1.1\r\nHost: ${servername}\r\nConnection: close\r\n\r\n`);
      let answer = '';
      socket.on('data', (data: Buffer) => (answer += data.toString()));
      socket.on('end', () =>
        answer.startsWith('HTTP/1.1 200') ? resolve(serial) : reject(new Error(`answer: ${answer.slice(0, 40)}`)),
      );
    });
    socket.setTimeout(5_000, () => socket.destroy(new Error('timeout')));
    socket.on('error', reject);
  });
}

const sameSerial = (a: string, b: string) => a.replace(/^0+/, '').toUpperCase() === b.replace(/^0+/, '').toUpperCase();

// The test CA as `openssl ca` wants it: for the expired certificate (OpenSSL 3.0 has no x509 -not_before) and the CRLs.
async function writeCaConfig(): Promise<void> {
  await writeFile(file('index.txt'), '');
  await writeFile(
    file('ca.cnf'),
    [
      '[ca]',
      'default_ca = test',
      '[test]',
      `database = ${file('index.txt')}`,
      `new_certs_dir = ${directory}`,
      `serial = ${file('ca.srl')}`,
      `crlnumber = ${file('crlnumber')}`,
      'default_md = sha256',
      'unique_subject = no',
      'default_crl_days = 30',
      'policy = any',
      'copy_extensions = copy',
      '[any]',
      'commonName = supplied',
      'organizationName = optional',
      '',
    ].join('\n'),
  );
  await writeFile(file('crlnumber'), '01\n');
}

const caArgs = () => ['-batch', '-config', file('ca.cnf'), '-cert', file('ca.crt'), '-keyfile', file('ca.key')];

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'ha-runtime-certs-'));
  await writeCaConfig();
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file('ca.key')]);
  await openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    file('ca.key'),
    '-subj',
    '/CN=Test CA',
    '-days',
    '3650',
    '-out',
    file('ca.crt'),
  ]);
  await makeCertificate('site', 'site.example', 30);
  await makeCertificate('site2', 'site.example', 90);
  await makeCertificate('other', 'other.example', 10);
  await makeCertificate('added', 'added.example', 60);
  await makeCertificate('expired', 'site.example', -1);
  await openssl(['ca', ...caArgs(), '-gencrl', '-out', file('crl.pem')]);
  await writeFile(file('crt.list'), `${file('other.pem')} [alpn h2,http/1.1] other.example\n`);
  port = await freePort();
  listPort = await freePort();
  haproxy = await startLocalHaproxy({
    tls: {
      port,
      crt: file('site.pem'),
      caFile: file('ca.crt'),
      crlFile: file('crl.pem'),
      crtList: { port: listPort, file: file('crt.list') },
    },
  });
}, 120_000);

afterAll(async () => {
  await haproxy?.stop();
  if (directory) await rm(directory, { recursive: true, force: true });
});

describe('certificates HAProxy has loaded', () => {
  it('reads every loaded certificate as typed data, with the crt-lists that use it', async () => {
    await using runtime = new HaproxyRuntime(haproxy.adminSocket);
    expect(await runtime.showVersion()).toMatch(labSeries('haproxy'));
    const certificates = await runtime.showCertificates();
    const site = certificates.find((certificate) => certificate.file === file('site.pem'));
    const other = certificates.find((certificate) => certificate.file === file('other.pem'));
    expect(site).toMatchObject({
      status: 'Used',
      subject: '/CN=site.example/O=HA Toolkit',
      issuer: '/CN=Test CA',
      subjectAltNames: ['DNS:site.example', 'DNS:www.site.example'],
      crtLists: [],
      transaction: false,
    });
    expect(other?.crtLists).toEqual([file('crt.list')]);
    const days = ((site?.notAfter.getTime() ?? 0) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29);
    expect(days).toBeLessThan(31);
    expect(sameSerial(site?.serial ?? '', await handshake(port))).toBe(true);
    const lists = await runtime.showCrtLists();
    expect(lists.get(file('crt.list'))).toEqual([
      { file: file('other.pem'), line: 1, options: 'alpn h2,http/1.1', filters: ['other.example'] },
    ]);
    expect((await runtime.showCaFile(file('ca.crt')))[0]).toMatchObject({ subject: '/CN=Test CA' });
  });
});

describe('replacing a certificate without a reload', () => {
  it('swaps it under load: the next connection sees the new one, none fails, no reload, file written', async () => {
    await using runtime = new HaproxyRuntime(haproxy.adminSocket);
    const infoBefore = await runtime.showInfo();
    const oldSerial = (await runtime.showCertificate(file('site.pem'))).serial;
    const newPem = await readFile(file('site2.pem'), 'utf8');
    // Clients connect one after another (4 at a time) during the swap.
    const seen: { at: number; serial: string }[] = [];
    const failures: unknown[] = [];
    let running = true;
    const clients = Array.from({ length: 4 }, async () => {
      while (running) {
        try {
          const serial = await handshake(port);
          seen.push({ at: performance.now(), serial });
        } catch (error) {
          failures.push(error);
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The commit's answer is timed through a runner that wraps the client.
    let committedAt = NaN;
    const timed: SslCommandRunner = {
      execute: async (words, options) => {
        const answer = await runtime.execute(words, options);
        if (words[0] === 'commit') committedAt = performance.now();
        return answer;
      },
    };
    const started = performance.now();
    const result = await replaceCertificate(timed, file('site.pem'), newPem);
    const committed = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 300));
    running = false;
    await Promise.all(clients);

    const newSerial = result.after.serial;
    expect(sameSerial(result.before.serial, oldSerial)).toBe(true);
    expect(newSerial).not.toBe(oldSerial);
    expect(failures).toEqual([]);
    // After the commit returned, every new connection saw the new certificate.
    const handshakesAfter = seen.filter((entry) => entry.at > committed + 5);
    expect(handshakesAfter.length).toBeGreaterThan(0);
    expect(handshakesAfter.every((entry) => sameSerial(entry.serial, newSerial))).toBe(true);
    expect(seen.some((entry) => sameSerial(entry.serial, oldSerial))).toBe(true);
    const firstNew = seen.find((entry) => sameSerial(entry.serial, newSerial));
    console.log(
      `swap: ${seen.length} connections, ${failures.length} failed, replaceCertificate took ${(committed - started).toFixed(1)} ms, ` +
        `commit answered ${(committedAt - started).toFixed(1)} ms after the call started, the first client saw the new ` +
        `certificate ${((firstNew?.at ?? NaN) - committedAt).toFixed(1)} ms after the commit's answer`,
    );
    expect(sameSerial(await handshake(port), newSerial)).toBe(true);
    // No reload: the same worker, its uptime goes on.
    const infoAfter = await runtime.showInfo();
    expect(infoAfter.Pid).toBe(infoBefore.Pid);
    expect(Number(infoAfter.Uptime_sec)).toBeGreaterThanOrEqual(Number(infoBefore.Uptime_sec));
    // The file on disk is the new one.
    expect(result.written).toBe(true);
    expect(await readFile(file('site.pem'), 'utf8')).toBe(newPem);
  });

  it('refuses a key that does not match, a text that is no PEM and an expired one before sending anything', async () => {
    await using runtime = new HaproxyRuntime(haproxy.adminSocket);
    const before = await readFile(file('site.pem'), 'utf8');
    const serving = await handshake(port);
    const mismatched = (await readFile(file('other.crt'), 'utf8')) + (await readFile(file('site.key'), 'utf8'));
    const cases: [string, string][] = [
      [mismatched, 'KEY_MISMATCH'],
      ['hello, not a certificate\n', 'NOT_A_PEM'],
      [await readFile(file('expired.pem'), 'utf8'), 'EXPIRED'],
      [await readFile(file('other.crt'), 'utf8'), 'NO_KEY'],
    ];
    for (const [pem, problem] of cases) {
      const error = await runtime.replaceCertificate(file('site.pem'), pem).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CertificateError);
      expect((error as CertificateError).problem).toBe(problem);
    }
    // Nothing half-applied: no transaction, the same certificate served, the file untouched.
    expect((await runtime.listCertificates()).transactions).toEqual([]);
    expect(await handshake(port)).toBe(serving);
    expect(await readFile(file('site.pem'), 'utf8')).toBe(before);
  });

  it('rolls back when HAProxy refuses the commit: abort, the old one still served, the file untouched', async () => {
    await using runtime = new HaproxyRuntime(haproxy.adminSocket);
    const before = await readFile(file('site.pem'), 'utf8');
    const serving = await handshake(port);
    // An expired certificate passes the local check when allowed; HAProxy refuses a key that does not match
    // at commit. To reach HAProxy's own refusal, the mismatched pair goes through the low-level commands.
    const mismatched = (await readFile(file('other.crt'), 'utf8')) + (await readFile(file('site.key'), 'utf8'));
    await runtime.execute(['set', 'ssl', 'cert', file('site.pem')], { payload: mismatched });
    await expect(runtime.execute(['commit', 'ssl', 'cert', file('site.pem')])).rejects.toMatchObject({
      response: expect.stringMatching(/inconsistencies between private key and certificate/),
    });
    await runtime.execute(['abort', 'ssl', 'cert', file('site.pem')]);
    // While a transaction is open (someone else's change), replaceCertificate refuses to touch it.
    await runtime.execute(['set', 'ssl', 'cert', file('site.pem')], { payload: mismatched });
    await expect(
      runtime.replaceCertificate(file('site.pem'), await readFile(file('site.pem'), 'utf8')),
    ).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
    });
    await runtime.execute(['abort', 'ssl', 'cert', file('site.pem')]);
    // An expired certificate, allowed: HAProxy takes it (it does not check dates); then the current one goes back.
    const expired = await runtime.replaceCertificate(file('site.pem'), await readFile(file('expired.pem'), 'utf8'), {
      allowExpired: true,
      persist: false,
    });
    expect(expired.after.notAfter.getUTCFullYear()).toBe(2020);
    expect(await readFile(file('site.pem'), 'utf8')).toBe(before);
    await runtime.replaceCertificate(file('site.pem'), before);
    expect(await handshake(port)).toBe(serving);
    expect((await runtime.listCertificates()).transactions).toEqual([]);
    await expect(runtime.replaceCertificate(file('nope.pem'), before)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('adds a certificate to a crt-list: served by SNI at once, and persisted in both files', async () => {
    await using runtime = new HaproxyRuntime(haproxy.adminSocket);
    const added = await readFile(file('added.pem'), 'utf8');
    const target = file('added-live.pem');
    const entry = await runtime.addToCrtList(file('crt.list'), target, added, { filters: ['added.example'] });
    expect(entry).toMatchObject({ file: target, filters: ['added.example'] });
    const addedSerial = (await runtime.showCertificate(target)).serial;
    expect(sameSerial(await handshake(listPort, 'added.example'), addedSerial)).toBe(true);
    expect(sameSerial(await handshake(listPort, 'other.example'), addedSerial)).toBe(false);
    expect((await runtime.showCrtLists()).get(file('crt.list'))?.map((line) => line.file)).toEqual([
      file('other.pem'),
      target,
    ]);
    expect(await readFile(target, 'utf8')).toBe(added);
    expect(await readFile(file('crt.list'), 'utf8')).toBe(
      `${file('other.pem')} [alpn h2,http/1.1] other.example\n${target} added.example\n`,
    );
    // Already loaded: refused before anything.
    await expect(runtime.addToCrtList(file('crt.list'), target, added)).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
    });
    await expect(runtime.addToCrtList(file('crt.list'), file('bad.pem'), 'not a pem')).rejects.toBeInstanceOf(
      CertificateError,
    );
  });

  it('replaces a CA file without a reload, and refuses a CA file that holds a key', async () => {
    await using runtime = new HaproxyRuntime(haproxy.adminSocket);
    const ca = await readFile(file('ca.crt'), 'utf8');
    const bundle = ca + (await readFile(file('site2.crt'), 'utf8'));
    const pid = (await runtime.showInfo()).Pid;
    expect(await runtime.replaceCaFile('ca-file', file('ca.crt'), bundle)).toEqual({
      file: file('ca.crt'),
      written: true,
    });
    expect((await runtime.showCaFile(file('ca.crt'))).map((certificate) => certificate.subject)).toEqual([
      '/CN=Test CA',
      '/CN=site.example/O=HA Toolkit',
    ]);
    expect(await readFile(file('ca.crt'), 'utf8')).toBe(bundle);
    await expect(
      runtime.replaceCaFile('ca-file', file('ca.crt'), ca + (await readFile(file('site.key'), 'utf8'))),
    ).rejects.toMatchObject({
      problem: 'UNEXPECTED_BLOCK',
    });
    // A CRL that revokes site2: HAProxy takes it at once.
    await openssl(['ca', ...caArgs(), '-revoke', file('site2.crt')]);
    await openssl(['ca', ...caArgs(), '-gencrl', '-out', file('crl-next.pem')]);
    const crl = await readFile(file('crl-next.pem'), 'utf8');
    expect(await runtime.replaceCaFile('crl-file', file('crl.pem'), crl)).toEqual({
      file: file('crl.pem'),
      written: true,
    });
    const site2Serial = new X509Certificate(await readFile(file('site2.crt'))).serialNumber;
    expect((await runtime.execute(['show', 'ssl', 'crl-file', file('crl.pem')])).toUpperCase()).toContain(
      site2Serial.replace(/^0+/, '').toUpperCase(),
    );
    expect(await readFile(file('crl.pem'), 'utf8')).toBe(crl);
    // A CA file is no CRL, and a CRL file HAProxy has not loaded is not found.
    await expect(runtime.replaceCaFile('crl-file', file('crl.pem'), ca)).rejects.toBeInstanceOf(CertificateError);
    await expect(runtime.replaceCaFile('crl-file', file('none.crl'), crl)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await runtime.showInfo()).Pid).toBe(pid);
    await expect(runtime.execute(['show', 'ssl', 'cert', file('nope.pem')])).rejects.toBeInstanceOf(
      RuntimeCommandError,
    );
  });
});
