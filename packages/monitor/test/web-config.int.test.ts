import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRunner } from '@ha/core';
import { freeLoopbackPort } from '@ha/lab';
import { auditRefusals, createMonitor, serveMonitor, type Monitor, type Refusal } from '../src/index.js';
import { until } from './stack.js';

// The metrics endpoint behind the exporter toolkit's web configuration, scraped by a real Prometheus
// with tls_config and basic_auth: no lab, no generation (it runs once).
let directory = '';
let monitor: Monitor;
let server: Awaited<ReturnType<typeof serveMonitor>>;
let prometheus = '';
let prometheusPid = 0;
const refusals: Refusal[] = [];
const pem: Record<string, string> = {};

// A CA, the endpoint's certificate for 127.0.0.1, a client certificate it signed and one nobody signed.
async function makeCertificates(): Promise<void> {
  const openssl = (args: string[]) => execa('openssl', args, { cwd: directory });
  await openssl(
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key'].concat([
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=test CA',
    ]),
  );
  const signed = async (name: string, subject: string, san: string, usage: string) => {
    await openssl(
      ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`].concat([
        '-out',
        `${name}.csr`,
        '-subj',
        subject,
      ]),
    );
    await writeFile(join(directory, `${name}.ext`), `subjectAltName=${san}\nextendedKeyUsage=${usage}\n`);
    await openssl(
      ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial'].concat([
        '-out',
        `${name}.crt`,
        '-days',
        '2',
        '-extfile',
        `${name}.ext`,
      ]),
    );
  };
  await signed('server', '/CN=127.0.0.1', 'IP:127.0.0.1', 'serverAuth');
  await signed('client', '/CN=prometheus', 'DNS:prometheus', 'clientAuth');
  await openssl(
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'rogue.key'].concat([
      '-out',
      'rogue.crt',
      '-days',
      '2',
      '-subj',
      '/CN=rogue',
      '-addext',
      'subjectAltName=DNS:prometheus',
    ]),
  );
  for (const name of ['ca.crt', 'client.crt', 'client.key', 'rogue.crt', 'rogue.key'])
    pem[name] = await readFile(join(directory, name), 'utf8');
}

// htpasswd writes $2y$; the endpoint must take it as the toolkit does.
const hashOf = async (password: string) => (await bcrypt.hash(password, 10)).replace(/^\$2b\$/, '$2y$');

async function writeWebConfig(users: Record<string, string>): Promise<void> {
  const lines = [
    'tls_server_config:',
    '  cert_file: server.crt',
    '  key_file: server.key',
    '  client_ca_file: ca.crt',
    '  client_auth_type: RequireAndVerifyClientCert',
    '  client_allowed_sans: [prometheus]',
    'http_server_config:',
    '  headers:',
    '    X-Content-Type-Options: nosniff',
    'basic_auth_users:',
    ...Object.entries(users).map(([user, hash]) => `  ${user}: ${hash}`),
    '',
  ];
  await writeFile(join(directory, 'web.yml'), lines.join('\n'));
}

// One request over TLS with a client certificate (or none) and credentials (or none).
function get(
  path: string,
  options: { client?: 'client' | 'rogue' | undefined; auth?: string | undefined },
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      url,
      {
        ca: pem['ca.crt'],
        ...(options.client ? { cert: pem[`${options.client}.crt`], key: pem[`${options.client}.key`] } : {}),
        ...(options.auth ? { auth: options.auth } : {}),
        agent: false,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end();
  });
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'ha-monitor-web-'));
  await makeCertificates();
  await writeWebConfig({ prometheus: await hashOf('scrape-secret') });
  monitor = createMonitor({ probes: [] });
  await monitor.start();
  const audit = auditRefusals(() => undefined);
  server = await serveMonitor(monitor, '127.0.0.1:0', {
    webConfig: join(directory, 'web.yml'),
    publicHealthz: true,
    onRefused: (refusal) => {
      refusals.push(refusal);
      audit(refusal);
    },
  });

  const port = await freeLoopbackPort();
  prometheus = `http://127.0.0.1:${port}`;
  const target = server.url.replace('https://', '');
  const job = (name: string, tls: string[], password: string) => [
    `  - job_name: ${name}`,
    '    scheme: https',
    '    tls_config:',
    `      ca_file: ${join(directory, 'ca.crt')}`,
    ...tls.map((line) => `      ${line}`),
    '    basic_auth:',
    '      username: prometheus',
    `      password: ${password}`,
    '    static_configs:',
    `      - targets: ['${target}']`,
  ];
  const clientFiles = [`cert_file: ${join(directory, 'client.crt')}`, `key_file: ${join(directory, 'client.key')}`];
  await writeFile(
    join(directory, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      'scrape_configs:',
      ...job('good', clientFiles, 'scrape-secret'),
      ...job('wrong-password', clientFiles, 'not-the-secret'),
      ...job('no-certificate', [], 'scrape-secret'),
      '',
    ].join('\n'),
  );
  prometheusPid = (
    await defaultRunner.spawnDetached(
      'prometheus',
      [
        `--config.file=${join(directory, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(directory, 'prometheus')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { logFile: join(directory, 'prometheus.log') },
    )
  ).pid;
  await until('Prometheus ready', async () => ((await fetch(`${prometheus}/-/ready`)).ok ? true : undefined));
}, 120_000);

afterAll(async () => {
  if (prometheusPid) {
    try {
      process.kill(prometheusPid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  await monitor?.stop();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  if (directory) await rm(directory, { recursive: true, force: true });
}, 30_000);

interface Target {
  labels: { job: string };
  health: string;
  lastError: string;
}

describe('the endpoint under a web configuration file', () => {
  it('is scraped by a real Prometheus with tls_config and basic_auth; a wrong password and a missing certificate are refused', async () => {
    const targets = await until('every job scraped once', async () => {
      const body = (await (await fetch(`${prometheus}/api/v1/targets`)).json()) as {
        data: { activeTargets: Target[] };
      };
      const active = body.data.activeTargets;
      return active.length === 3 && active.every((target) => target.health !== 'unknown') ? active : undefined;
    });
    const byJob = Object.fromEntries(targets.map((target) => [target.labels.job, target]));
    expect(byJob.good).toMatchObject({ health: 'up', lastError: '' });
    expect(byJob['wrong-password']?.health).toBe('down');
    expect(byJob['wrong-password']?.lastError).toMatch(/401/);
    expect(byJob['no-certificate']?.health).toBe('down');
    // Series came through, from the authenticated job only.
    const query = async (expression: string) =>
      (
        (await (await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(expression)}`)).json()) as {
          data: { result: { metric: Record<string, string>; value: [number, string] }[] };
        }
      ).data.result;
    const up = await until('up of every job', async () => {
      const result = await query('up');
      return result.length === 3 ? result : undefined;
    });
    expect(Object.fromEntries(up.map((sample) => [sample.metric.job, sample.value[1]]))).toEqual({
      good: '1',
      'wrong-password': '0',
      'no-certificate': '0',
    });
    // Each refusal is audited with its reason, never the password.
    expect(refusals.some((refusal) => refusal.reason === "wrong password for 'prometheus'")).toBe(true);
    expect(refusals.some((refusal) => refusal.status === 0 && /certificate/i.test(refusal.reason))).toBe(true);
    expect(JSON.stringify(refusals)).not.toContain('not-the-secret');
  }, 90_000);

  it('answers without credentials with 401, keeps /healthz public, adds the headers, refuses a rogue certificate', async () => {
    const anonymous = await get('/metrics', { client: 'client' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Basic realm=/);
    expect(anonymous.headers['x-content-type-options']).toBe('nosniff');
    expect(anonymous.body).not.toContain('ha_monitor');
    expect((await get('/healthz', { client: 'client' })).status).toBe(200);
    const good = await get('/metrics', { client: 'client', auth: 'prometheus:scrape-secret' });
    expect(good.status).toBe(200);
    expect(good.body).toContain('# TYPE');
    expect((await get('/metrics', { client: 'client', auth: 'nobody:scrape-secret' })).status).toBe(401);
    // A certificate the CA did not sign (with an allowed name) never gets to HTTP.
    await expect(get('/metrics', { client: 'rogue', auth: 'prometheus:scrape-secret' })).rejects.toThrow();
    await expect(get('/healthz', {})).rejects.toThrow();
  });

  it('applies a changed password without a restart, and keeps the previous file when the new one is broken', async () => {
    await writeWebConfig({ prometheus: await hashOf('rotated-secret') });
    await until('the new password in force', async () =>
      (await get('/metrics', { client: 'client', auth: 'prometheus:rotated-secret' })).status === 200
        ? true
        : undefined,
    );
    expect((await get('/metrics', { client: 'client', auth: 'prometheus:scrape-secret' })).status).toBe(401);
    await writeFile(join(directory, 'web.yml'), 'basic_auth_users:\n  prometheus: plain-text-password\n');
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect((await get('/metrics', { client: 'client', auth: 'prometheus:rotated-secret' })).status).toBe(200);
    expect((await get('/metrics', { client: 'client', auth: 'prometheus:plain-text-password' })).status).toBe(401);
  });

  it('refuses to start on a file it cannot apply, naming the file, line and column', async () => {
    const bad = join(directory, 'bad.yml');
    await writeFile(
      bad,
      'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  cipher_suites: [TLS_AES_128_GCM_SHA256]\n',
    );
    await expect(serveMonitor(monitor, '127.0.0.1:0', { webConfig: bad })).rejects.toMatchObject({
      line: 4,
      column: 3,
      message: expect.stringContaining('cipher_suites'),
    });
  });
});
