import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { labTools } from '@ha/lab/vitest';
import { requestOnce } from '../src/transport/socket.js';

/** A real HAProxy of this test file's own, on Unix sockets in a temporary folder (no lab, no network). */
export interface LocalHaproxy {
  /** The temporary folder holding its configuration, sockets and PID file. */
  directory: string;
  /** Runtime API, `level admin`. */
  adminSocket: string;
  /** Runtime API, `level user`. */
  userSocket: string;
  /** Master CLI (`-S`); absent with `masterWorker: false`. */
  masterSocket: string | undefined;
  /** The PID in its PID file: the master's, or the only process's. */
  pid: number;
  /** SIGTERM (SIGKILL after 5 s) and the folder removed. */
  stop(): Promise<void>;
  /** SIGKILL: HAProxy leaves its socket files behind, with nothing listening on them. */
  crash(): Promise<void>;
}

/** A TLS frontend for `startLocalHaproxy`: HTTP answered by HAProxy itself (`200 ok`), on loopback. */
export interface LocalTlsOptions {
  /** Port of `bind 127.0.0.1:PORT ssl crt CRT`. */
  port: number;
  /** The certificate file (PEM with its key) of that bind. */
  crt: string;
  /** `ca-file` of that bind (`verify optional`), so the CA file is loaded. */
  caFile?: string | undefined;
  /** `crl-file` of that bind (needs `caFile`). */
  crlFile?: string | undefined;
  /** A second bind, `bind 127.0.0.1:PORT ssl crt-list FILE`. */
  crtList?: { port: number; file: string } | undefined;
}

// A backend of two servers that are never checked: the Runtime API needs no traffic. `stats timeout`
// is HAProxy's own idle limit of a CLI connection, what a forgotten client would wait for.
function config(directory: string, tls?: LocalTlsOptions): string {
  const frontend = tls
    ? [
        'frontend tls',
        `    bind 127.0.0.1:${tls.port} ssl crt ${tls.crt}${tls.caFile ? ` ca-file ${tls.caFile} verify optional` : ''}${
          tls.crlFile ? ` crl-file ${tls.crlFile}` : ''
        }`,
        ...(tls.crtList ? [`    bind 127.0.0.1:${tls.crtList.port} ssl crt-list ${tls.crtList.file}`] : []),
        '    http-request return status 200 content-type text/plain string ok',
      ]
    : [];
  return [
    'global',
    `    stats socket ${directory}/admin.sock mode 600 level admin`,
    `    stats socket ${directory}/user.sock mode 600 level user`,
    '    stats timeout 30s',
    'defaults',
    '    mode http',
    '    timeout connect 2s',
    '    timeout client 10s',
    '    timeout server 10s',
    'backend servers',
    '    balance roundrobin',
    '    server srv1 127.0.0.1:1',
    '    server srv2 127.0.0.1:2',
    ...frontend,
    '',
  ].join('\n');
}

/**
 * Starts HAProxy (master-worker with a master CLI, unless `masterWorker: false`) and waits until it
 * answers; `tls` adds a TLS frontend (none by default).
 */
export async function startLocalHaproxy(
  options: { masterWorker?: boolean; tls?: LocalTlsOptions } = {},
): Promise<LocalHaproxy> {
  const masterWorker = options.masterWorker ?? true;
  const directory = await mkdtemp(join(tmpdir(), 'ha-runtime-haproxy-'));
  const configPath = join(directory, 'haproxy.cfg');
  const pidFile = join(directory, 'haproxy.pid');
  await writeFile(configPath, config(directory, options.tls));
  const masterSocket = masterWorker ? join(directory, 'master.sock') : undefined;
  // -D: it daemonizes, so its output holds no pipe of ours open.
  const args = [
    ...(masterSocket ? ['-W', '-S', `${masterSocket},mode,600`] : []),
    '-D',
    '-p',
    pidFile,
    '-f',
    configPath,
  ];
  // HAProxy of the generation under test (Debian 13's from its root, in that project).
  await (await labTools()).run('haproxy', args, { stdio: 'ignore', timeoutMs: 10_000 });
  const pid = Number((await readFile(pidFile, 'utf8')).trim());
  const adminSocket = join(directory, 'admin.sock');
  const signal = async (name: 'SIGTERM' | 'SIGKILL') => {
    try {
      process.kill(pid, name);
    } catch {
      return;
    }
    const deadline = Date.now() + 5_000;
    while (isAlive(pid) && Date.now() < deadline) await sleep(20);
  };
  const local: LocalHaproxy = {
    directory,
    adminSocket,
    userSocket: join(directory, 'user.sock'),
    masterSocket,
    pid,
    async stop() {
      await signal('SIGTERM');
      if (isAlive(pid)) await signal('SIGKILL');
      await rm(directory, { recursive: true, force: true });
    },
    crash: () => signal('SIGKILL'),
  };
  // The worker may still be starting when the master has written its PID file, and the master
  // CLI refuses connections for a while after the worker answers (measured: tens of attempts):
  // ready means both answer, the master on the path routed to the worker.
  const deadline = Date.now() + 10_000;
  const answers = async (path: string, line: string) =>
    /^\d+\.\d+/.test(await requestOnce({ kind: 'unix', path }, line, { timeoutMs: 1_000 }).catch(() => ''));
  for (;;) {
    if (
      (await answers(adminSocket, 'show version')) &&
      (!masterSocket || (await answers(masterSocket, '@1 show version')))
    )
      return local;
    if (Date.now() >= deadline) {
      await local.stop();
      throw new Error(`the local HAProxy in ${directory} did not answer within 10 s`);
    }
    await sleep(50);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
