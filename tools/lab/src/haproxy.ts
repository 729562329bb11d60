import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  CommandError,
  defaultRunner,
  HaError,
  parseWithSchema,
  UsageError,
  writeFileAtomic,
  type Runner,
} from '@ha/core';
import { z } from 'zod';
import { defaultStateRoot, labPaths } from './layout.js';
import { isAlive, processesMentioning, sendSignal } from './proc.js';
import { waitFor } from './wait.js';
import { defaultStack, locateStack, stackToolRunner, type StackName } from './stacks.js';

/** A running lab HAProxy, as recorded in its state file. */
export const haproxyLabSchema = z.object({
  /** Version of this state file's shape; a file of another shape is refused, not misread. */
  version: z.literal(1),
  /** The generation HAProxy comes from (`debian12`: 2.6, `debian13`: 3.0). */
  stack: z.enum(['debian12', 'debian13']),
  /** `haproxy -v`'s version (`2.6.12`, `3.0.11`). */
  haproxyVersion: z.string(),
  /** Folder holding the config, sockets, map, pid file and state (`<stateRoot>/haproxy`). */
  directory: z.string(),
  /** The haproxy.cfg HAProxy runs with (written by `renderLabHaproxyConfig`). */
  configPath: z.string(),
  /** Runtime API, `level admin`. */
  adminSocket: z.string(),
  /** Master CLI (`-S`). */
  masterSocket: z.string(),
  /** Runtime API with `level user`, for permission tests. */
  userSocket: z.string(),
  /** Runtime API over TCP on loopback (`ipv4@127.0.0.1:PORT`), level admin. */
  tcpSocket: z.string(),
  /** A map file loaded by the frontend (`X-Route` header from the path), for map commands. */
  mapFile: z.string(),
  /** The pid file HAProxy's master writes (`-p`). */
  pidFile: z.string(),
  /** PID of HAProxy's master process (master-worker mode); signal it to reload or stop HAProxy. */
  masterPid: z.number().int().min(2),
  /** Where HAProxy sends its log (`log … local0`, with `option log-health-checks`); absent: no log. */
  logTarget: z.string().optional(),
  /** The HTTP frontend clients connect to. */
  frontend: z.object({
    /** Its name in haproxy.cfg (`web`). */
    name: z.string(),
    /** Loopback address it listens on (`127.0.0.1`). */
    address: z.string(),
    /** TCP port it listens on, free at start (it changes from one `up` to the next). */
    port: z.number().int(),
  }),
  /** Name of the backend holding the servers (`servers`), as used in `backend/server` Runtime API names. */
  backend: z.string(),
  /** Each server is its own process (`pid`), so one can be killed for real. */
  servers: z.array(
    z.object({
      /** Server name in the backend (`srv1` …). */
      name: z.string(),
      /** Loopback address it listens on. */
      address: z.string(),
      /** TCP port it listens on. */
      port: z.number().int(),
      /** PID of its own HTTP server process. */
      pid: z.number().int(),
    }),
  ),
});

/** A running lab HAProxy: its files, sockets, processes, frontend and servers (what `ha-lab haproxy up --json` prints). */
export type HaproxyLab = z.infer<typeof haproxyLabSchema>;

/** How `startHaproxyLab` builds the lab's HAProxy. */
export interface HaproxyLabOptions {
  /** How many backend servers (1 to 50; default 3). */
  servers?: number;
  /** Folder that records the lab, so `ha-lab down` finds it; default `defaultStateRoot` (`/var/lib/ha-lab`, or `HA_LAB_STATE_DIR`). */
  stateRoot?: string;
  /** The generation HAProxy comes from; default `HA_LAB_STACK`, else the host's (see `defaultStack`). */
  stack?: StackName;
  /** Send HAProxy's log there (`127.0.0.1:5140`), health checks included; default: no log. */
  logTarget?: string;
}

// The lab's backends are compiled JavaScript, also when the lab runs from source in tests.
const backendScript = fileURLToPath(new URL('../dist/backend-server.js', import.meta.url));

/**
 * Starts N real HTTP backends on loopback and a real HAProxy (master-worker,
 * admin stats socket, master CLI) in front of them, frontend `web` →
 * backend `servers`, round robin, health-checked. Returns when every server is UP.
 */
export async function startHaproxyLab(
  options: HaproxyLabOptions = {},
  host: Runner = defaultRunner,
): Promise<HaproxyLab> {
  const count = options.servers ?? 3;
  if (!Number.isInteger(count) || count < 1 || count > 50)
    throw new UsageError('--servers must be a whole number from 1 to 50');
  const stateRoot = options.stateRoot ?? defaultStateRoot;
  if (await readHaproxyLab(stateRoot))
    throw new HaError('PRECONDITION_FAILED', "the lab's HAProxy is already up; run 'ha-lab haproxy down' first");
  await stopHaproxyLab(stateRoot);
  const stack = await locateStack(options.stack ?? defaultStack());
  // HAProxy of the chosen generation; the backends are this Node.js on the host.
  const tools = stackToolRunner(stack, stateRoot, host);
  const directory = labPaths(stateRoot).haproxy;
  await mkdir(directory, { recursive: true, mode: 0o755 });
  try {
    const servers = await Promise.all(
      Array.from({ length: count }, (_, i) => startBackendProcess(host, directory, `srv${i + 1}`, 0)),
    );
    const { stdout: versionText } = await tools.run('haproxy', ['-v']);
    const lab: Omit<HaproxyLab, 'masterPid'> = {
      version: 1,
      stack: stack.name,
      haproxyVersion: /HAProxy version ([0-9][^\s-]*)/.exec(versionText)?.[1] ?? 'unknown',
      directory,
      configPath: `${directory}/haproxy.cfg`,
      adminSocket: `${directory}/admin.sock`,
      masterSocket: `${directory}/master.sock`,
      userSocket: `${directory}/user.sock`,
      tcpSocket: `ipv4@127.0.0.1:${await freeLoopbackPort()}`,
      mapFile: `${directory}/routes.map`,
      pidFile: `${directory}/haproxy.pid`,
      frontend: { name: 'web', address: '127.0.0.1', port: await freeLoopbackPort() },
      backend: 'servers',
      servers: servers.map((server) => ({ ...server, address: '127.0.0.1' })),
      ...(options.logTarget !== undefined ? { logTarget: options.logTarget } : {}),
    };
    await writeFile(lab.mapFile, '/api api\n/static static\n');
    await writeFile(lab.configPath, renderLabHaproxyConfig(lab));
    await tools.run('haproxy', ['-c', '-q', '-f', lab.configPath]);
    // -D: the master daemonizes; its output must not hold a pipe of ours open.
    await tools.run(
      'haproxy',
      ['-W', '-D', '-S', `${lab.masterSocket},mode,600`, '-p', lab.pidFile, '-f', lab.configPath],
      { stdio: 'ignore' },
    );
    // The daemonized master writes its pid file a moment after its parent exits: an empty read
    // would be 0, and signalling "PID 0" means our own process group.
    const masterPid = await waitFor(
      'HAProxy to write its pid file',
      5_000,
      () => {
        const pid = Number(existsSync(lab.pidFile) ? readFileSync(lab.pidFile, 'utf8').trim() : '');
        return Number.isSafeInteger(pid) && pid > 1 ? pid : undefined;
      },
      20,
    );
    const state: HaproxyLab = { ...lab, masterPid };
    await writeFileAtomic(`${directory}/state.json`, `${JSON.stringify(state, null, 2)}\n`);
    await waitFor(
      'every lab server UP',
      20_000,
      async () => {
        const statuses = await serverStatuses(host, state).catch((error: unknown) => {
          if (error instanceof CommandError) return undefined;
          throw error;
        });
        return statuses !== undefined && state.servers.every((server) => statuses.get(server.name) === 'UP')
          ? true
          : undefined;
      },
      200,
    );
    return state;
  } catch (error) {
    await stopHaproxyLab(stateRoot).catch(() => undefined);
    throw error;
  }
}

/** The HAProxy lab recorded under `stateRoot`, if one is up. */
export async function readHaproxyLab(stateRoot: string = defaultStateRoot): Promise<HaproxyLab | undefined> {
  let text: string;
  try {
    text = await readFile(`${labPaths(stateRoot).haproxy}/state.json`, 'utf8');
  } catch {
    return undefined;
  }
  return parseWithSchema(haproxyLabSchema, JSON.parse(text), 'lab HAProxy state');
}

/** Stops the lab's HAProxy and backends (also leftovers of a crashed run) and removes their folder. */
export async function stopHaproxyLab(stateRoot: string = defaultStateRoot): Promise<void> {
  const directory = labPaths(stateRoot).haproxy;
  const pids = new Set<number>();
  const state = await readHaproxyLab(stateRoot).catch(() => undefined);
  if (state) [state.masterPid, ...state.servers.map((server) => server.pid)].forEach((pid) => pids.add(pid));
  for (const pid of processesMentioning(directory)) pids.add(pid);
  for (const pid of pids) sendSignal(pid, 'SIGTERM');
  try {
    await waitFor('lab HAProxy to stop', 5_000, () => ([...pids].some(isAlive) ? undefined : true));
  } catch {
    for (const pid of pids) sendSignal(pid, 'SIGKILL');
    await waitFor('lab HAProxy to die', 5_000, () => ([...pids].some(isAlive) ? undefined : true));
  }
  await rm(directory, { recursive: true, force: true });
}

/**
 * Kills one backend server's process (SIGKILL: a crash, not a clean stop);
 * HAProxy's health check then marks it DOWN.
 */
export async function killLabBackend(name: string, stateRoot: string = defaultStateRoot): Promise<void> {
  const lab = await requireHaproxyLab(stateRoot);
  const server = findServer(lab, name);
  sendSignal(server.pid, 'SIGKILL');
  await waitFor(`backend ${name} to die`, 5_000, () => (isAlive(server.pid) ? undefined : true));
}

/** Starts a killed backend server again on its port; returns its new PID. */
export async function startLabBackend(
  name: string,
  stateRoot: string = defaultStateRoot,
  host: Runner = defaultRunner,
): Promise<number> {
  const lab = await requireHaproxyLab(stateRoot);
  const server = findServer(lab, name);
  if (isAlive(server.pid)) return server.pid;
  const { pid } = await startBackendProcess(host, lab.directory, name, server.port);
  const state: HaproxyLab = {
    ...lab,
    servers: lab.servers.map((entry) => (entry.name === name ? { ...entry, pid } : entry)),
  };
  await writeFileAtomic(`${lab.directory}/state.json`, `${JSON.stringify(state, null, 2)}\n`);
  return pid;
}

async function requireHaproxyLab(stateRoot: string): Promise<HaproxyLab> {
  const lab = await readHaproxyLab(stateRoot);
  if (!lab) throw new HaError('NOT_FOUND', "the lab's HAProxy is not up (ha-lab haproxy up)");
  return lab;
}

function findServer(lab: HaproxyLab, name: string): HaproxyLab['servers'][number] {
  const server = lab.servers.find((entry) => entry.name === name);
  if (!server)
    throw new UsageError(
      `no lab backend server '${name}' (there are ${lab.servers.map((entry) => entry.name).join(', ')})`,
    );
  return server;
}

// One backend process; port 0 lets it pick a free one, which it reports in its ready file.
async function startBackendProcess(
  host: Runner,
  directory: string,
  name: string,
  port: number,
): Promise<{ name: string; port: number; pid: number }> {
  const readyFile = `${directory}/backend-${name}.json`;
  await rm(readyFile, { force: true });
  await host.spawnDetached(
    process.execPath,
    [backendScript, '--name', name, '--port', String(port), '--ready', readyFile],
    { logFile: `${directory}/backends.log` },
  );
  const ready = await waitFor(`lab HTTP backend ${name}`, 10_000, async () => {
    try {
      return JSON.parse(await readFile(readyFile, 'utf8')) as { pid: number; port: number };
    } catch {
      return undefined;
    }
  });
  return { name, port: ready.port, pid: ready.pid };
}

/** `show stat` through the admin socket (with the real socat), as server name → status. */
export async function serverStatuses(host: Runner, lab: HaproxyLab): Promise<Map<string, string>> {
  const { stdout } = await host.run('socat', ['-t', '2', 'stdio', `UNIX-CONNECT:${lab.adminSocket}`], {
    input: 'show stat\n',
    timeoutMs: 5_000,
  });
  const [header, ...rows] = stdout.split('\n').filter((line) => line.length > 0);
  const columns = (header ?? '').replace(/^# /, '').split(',');
  const proxy = columns.indexOf('pxname');
  const name = columns.indexOf('svname');
  const status = columns.indexOf('status');
  const statuses = new Map<string, string>();
  for (const row of rows) {
    const cells = row.split(',');
    // The BACKEND row sums up the proxy; only servers are wanted.
    if (cells[proxy] === lab.backend && cells[name] !== 'BACKEND')
      statuses.set(cells[name] as string, cells[status] as string);
  }
  return statuses;
}

/** The lab's haproxy.cfg. */
export function renderLabHaproxyConfig(lab: Omit<HaproxyLab, 'masterPid' | 'stack' | 'haproxyVersion'>): string {
  const servers = lab.servers
    .map((server) => `    server ${server.name} ${server.address}:${server.port} check inter 500ms fall 2 rise 1\n`)
    .join('');
  return (
    `global\n` +
    `    stats socket ${lab.adminSocket} mode 600 level admin expose-fd listeners\n` +
    `    stats socket ${lab.userSocket} mode 600 level user\n` +
    `    stats socket ${lab.tcpSocket} level admin\n` +
    `    stats timeout 2m\n` +
    `    maxconn 2000\n` +
    (lab.logTarget !== undefined ? `    log ${lab.logTarget} local0\n` : '') +
    `\ndefaults\n    mode http\n    timeout connect 2s\n    timeout client 10s\n    timeout server 10s\n` +
    (lab.logTarget !== undefined ? `    log global\n    option log-health-checks\n` : '') +
    `\n` +
    `frontend ${lab.frontend.name}\n    bind ${lab.frontend.address}:${lab.frontend.port}\n` +
    `    http-request set-header X-Route %[path,map_beg(${lab.mapFile},none)]\n` +
    `    stick-table type ip size 1k expire 10m store http_req_cnt,http_req_rate(10s)\n    http-request track-sc0 src\n` +
    `    default_backend ${lab.backend}\n\n` +
    `backend ${lab.backend}\n    balance roundrobin\n    option httpchk GET /health\n${servers}`
  );
}

/** A TCP port on 127.0.0.1 that nothing listens on now (for a server a test or the demo starts). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
