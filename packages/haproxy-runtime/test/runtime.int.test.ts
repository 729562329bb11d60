import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { defaultRunner, runCli, SocketError, UnsafeArgumentError } from '@ha/core';
import { killLabBackend, startLabBackend } from '@ha/lab';
import { labSeries, useLabHaproxy } from '@ha/lab/vitest';
import { command } from '../src/cli.js';
import {
  HaproxyMaster,
  HaproxyRuntime,
  PermissionDeniedError,
  UnknownCommandError,
  RuntimeCommandError,
} from '../src/index.js';
import { captureIo } from '@ha/core/testing';

const lab = useLabHaproxy({ servers: 3 });
const clients: HaproxyRuntime[] = [];
function client(
  socket = lab().adminSocket,
  options: ConstructorParameters<typeof HaproxyRuntime>[1] = {},
): HaproxyRuntime {
  const runtime = new HaproxyRuntime(socket, options);
  clients.push(runtime);
  return runtime;
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((runtime) => runtime.close()));
});

async function get(path = '/'): Promise<{ status: number; backend: string; route: string | null }> {
  const response = await fetch(`http://${lab().frontend.address}:${lab().frontend.port}${path}`);
  return {
    status: response.status,
    backend: (await response.text()).trim(),
    route: response.headers.get('x-seen-route'),
  };
}

describe('transport', () => {
  it('answers over a pipelined session, one-shot connections and the TCP socket alike', async () => {
    for (const runtime of [client(), client(lab().adminSocket, { mode: 'oneshot' }), client(lab().tcpSocket)]) {
      const info = await runtime.showInfo();
      expect(info.Name).toBe('HAProxy');
      expect(info.Version).toMatch(labSeries('haproxy'));
      const rows = await runtime.showStat();
      expect(rows.filter((row) => row.kind === 'server').map((row) => row.svname)).toEqual(['srv1', 'srv2', 'srv3']);
    }
  });

  it('pipelines many commands in order and reports each result, a refusal among them', async () => {
    const runtime = client();
    const commands: string[] = [];
    for (let i = 0; i < 3000; i++) commands.push(`set server servers/srv${(i % 3) + 1} weight ${(i % 200) + 1}`);
    commands.splice(1500, 0, 'set server servers/nope weight 5', 'show version');
    const results = await runtime.batch(commands);
    expect(results).toHaveLength(3002);
    expect(results.filter((result) => !result.ok).map((result) => result.command)).toEqual([
      'set server servers/nope weight 5',
    ]);
    expect(results[1500]?.error).toBeInstanceOf(RuntimeCommandError);
    expect(results[1501]?.output).toMatch(labSeries('haproxy'));
    // The last weight set on each server is the one HAProxy kept.
    const weights = Object.fromEntries(
      (await runtime.showServersState('servers')).map((row) => [row.srv_name, row.srv_uweight]),
    );
    expect(weights).toEqual({ srv1: (2997 % 200) + 1, srv2: (2998 % 200) + 1, srv3: (2999 % 200) + 1 });
    await runtime.batch(['srv1', 'srv2', 'srv3'].map((server) => ['set', 'server', `servers/${server}`, 'weight', 1]));
  });

  it('concurrent batches on one session never mix their answers', async () => {
    const runtime = client();
    const [versions, infos] = await Promise.all([
      runtime.batch(Array.from({ length: 500 }, () => 'show version')),
      runtime.batch(Array.from({ length: 500 }, () => 'show backend')),
    ]);
    expect(versions.every((result) => labSeries('haproxy').test(result.output))).toBe(true);
    expect(infos.every((result) => result.output.includes('servers'))).toBe(true);
  });

  it('refuses unsafe arguments before anything is sent', async () => {
    const runtime = client();
    await expect(
      runtime.setServerWeight('servers/srv1;shutdown sessions server servers/srv2' as string, 5),
    ).rejects.toBeInstanceOf(UnsafeArgumentError);
    await expect(runtime.executeRaw('show info\ndisable server servers/srv1')).rejects.toBeInstanceOf(
      UnsafeArgumentError,
    );
    await expect(runtime.addMapEntry('#0', '/x\n', 'y')).rejects.toBeInstanceOf(UnsafeArgumentError);
    expect((await runtime.serverStat('servers/srv1')).status).toBe('UP');
  });

  it('gives typed errors: a missing socket, a refused TCP port, an unknown command, a level too low', async () => {
    await expect(client('/var/lib/ha-lab/haproxy/absent.sock').showInfo()).rejects.toMatchObject({
      code: 'SOCKET_ERROR',
      systemCode: 'ENOENT',
    });
    await expect(client('ipv4@127.0.0.1:1', { mode: 'oneshot' }).showInfo()).rejects.toMatchObject({
      code: 'SOCKET_ERROR',
      systemCode: 'ECONNREFUSED',
    });
    const unknown = await client()
      .execute(['frobnicate'])
      .catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(UnknownCommandError);
    expect((unknown as UnknownCommandError).suggestions.length).toBeGreaterThan(3);
    const user = client(lab().userSocket);
    expect((await user.showInfo()).Name).toBe('HAProxy');
    await expect(user.setServerState('servers/srv1', 'maint')).rejects.toBeInstanceOf(PermissionDeniedError);
    expect((await client().serverStat('servers/srv1')).status).toBe('UP');
  });
});

describe('servers', () => {
  it('drains a server under live traffic without a failed request, then puts it in maintenance', async () => {
    const runtime = client();
    let stop = false;
    const failures: string[] = [];
    const seen: string[] = [];
    const traffic = (async () => {
      while (!stop) {
        const batch = await Promise.all(
          Array.from({ length: 6 }, () =>
            get('/slow?ms=150').catch((error: Error) => ({ status: 0, backend: error.message, route: null })),
          ),
        );
        for (const response of batch) (response.status === 200 ? seen : failures).push(response.backend);
      }
    })();
    await sleep(400);
    const started = performance.now();
    await runtime.drain('servers/srv1', { until: 'idle', timeoutMs: 10_000, intervalMs: 50 });
    const drainMs = performance.now() - started;
    expect((await runtime.serverStat('servers/srv1')).status).toBe('MAINT');
    const before = seen.length;
    await sleep(600);
    stop = true;
    await traffic;
    expect(failures).toEqual([]);
    expect(seen.slice(0, before)).toContain('srv1');
    expect(seen.slice(before)).not.toContain('srv1');
    expect(drainMs).toBeLessThan(10_000);
    await runtime.setServerState('servers/srv1', 'ready');
    await runtime.waitForState('servers/srv1', 'UP', { timeoutMs: 5_000 });
  });

  it('sees a killed backend DOWN within its health-check interval, and UP when it is back', async () => {
    const runtime = client();
    const killed = performance.now();
    await killLabBackend('srv2');
    await runtime.waitForState('servers/srv2', 'DOWN', { timeoutMs: 5_000, intervalMs: 50 });
    // inter 500ms, fall 2: at most about a second and a check.
    expect(performance.now() - killed).toBeLessThan(2_500);
    const cli = captureIo();
    expect(await runCli(command, ['status', '--socket', lab().adminSocket], cli)).toBe(1);
    expect(cli.out).toMatch(/^health: degraded\nproblem: server servers\/srv2 is DOWN/m);
    await startLabBackend('srv2');
    await runtime.waitForState('servers/srv2', 'UP', { timeoutMs: 5_000, intervalMs: 50 });
  });

  it('sets state, weight, address and maxconn, and reads them back', async () => {
    const runtime = client();
    await runtime.setServerWeight('servers/srv3', 17);
    await runtime.setMaxconn({ server: 'servers/srv3' }, 40);
    await runtime.setServerState({ backend: 'servers', server: 'srv3' }, 'drain');
    const row = await runtime.serverStat('servers/srv3');
    expect(row).toMatchObject({ weight: 17, slim: 40, status: 'DRAIN' });
    await expect(runtime.setServerWeight('servers/srv3', 999)).rejects.toThrow(/weight 999 is out of range/);
    await expect(runtime.setServerWeight('servers/srv3', 999)).rejects.toBeInstanceOf(TypeError);
    const port = lab().servers[2]?.port as number;
    expect(await runtime.setServerAddress('servers/srv3', '127.0.0.1', port)).toMatch(
      /no need to change|port changed|IP changed|^nothing changed$/,
    );
    await runtime.setServerState('servers/srv3', 'ready');
    await runtime.setServerWeight('servers/srv3', 1);
    await runtime.setEnabled('health', 'servers/srv3', false);
    await runtime.setEnabled('health', 'servers/srv3', true);
    await runtime.waitForState('servers/srv3', 'UP', { timeoutMs: 5_000 });
  });

  it('adds a server at run time (it starts in maintenance) and deletes it (only in maintenance)', async () => {
    const runtime = client();
    const port = lab().servers[0]?.port as number;
    await runtime.addServer('servers/dyn1', `127.0.0.1:${port}`, ['check', 'inter', '500ms']);
    expect((await runtime.serverStat('servers/dyn1')).status).toBe('MAINT');
    await runtime.setEnabled('health', 'servers/dyn1', true);
    await runtime.setServerState('servers/dyn1', 'ready');
    await runtime.waitForState('servers/dyn1', 'UP', { timeoutMs: 5_000 });
    await expect(runtime.deleteServer('servers/dyn1')).rejects.toThrow(
      /Only servers in maintenance mode can be deleted/,
    );
    await runtime.setServerState('servers/dyn1', 'maint');
    await runtime.deleteServer('servers/dyn1');
    await expect(runtime.serverStat('servers/dyn1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(runtime.addServer('nope/x', '127.0.0.1:1')).rejects.toThrow(/No such backend/);
  });

  it('restarts a backend server by server: drain, the function, ready, UP', async () => {
    const runtime = client();
    const order: string[] = [];
    const restarted = await runtime.rollingRestart('servers', async (server) => {
      order.push(server);
      await killLabBackend(server);
      await startLabBackend(server);
    });
    expect(restarted).toEqual(['srv1', 'srv2', 'srv3']);
    expect(order).toEqual(['srv1', 'srv2', 'srv3']);
    const overview = await runtime.showStat();
    expect(overview.filter((row) => row.kind === 'server').map((row) => row.status)).toEqual(['UP', 'UP', 'UP']);
  });
});

describe('maps and tables', () => {
  it('replaces a map atomically (prepare, fill with a payload, commit) and traffic follows', async () => {
    const runtime = client();
    expect((await get('/api/users')).route).toBe('api');
    const [map] = await runtime.showMaps();
    expect(map?.file).toBe(lab().mapFile);
    const version = await runtime.replaceMap(`#${map?.id}`, [
      ['/api', 'api-v2'],
      ['/static', 'cdn'],
      ['/admin', 'admin'],
    ]);
    expect(version).toBeGreaterThan(0);
    expect((await runtime.showMap(`#${map?.id}`)).map((entry) => `${entry.key}=${entry.value}`)).toEqual([
      '/api=api-v2',
      '/static=cdn',
      '/admin=admin',
    ]);
    expect((await get('/api/users')).route).toBe('api-v2');
    expect((await get('/admin')).route).toBe('admin');
    await runtime.setMapEntry(`#${map?.id}`, '/admin', 'ops');
    await runtime.deleteEntry(`#${map?.id}`, '/static');
    expect((await runtime.showMap(`#${map?.id}`)).map((entry) => entry.key)).toEqual(['/api', '/admin']);
    expect((await get('/admin')).route).toBe('ops');
  });

  it('reads and clears a stick table', async () => {
    const runtime = client();
    await get('/');
    const [table] = await runtime.showTables();
    expect(table).toMatchObject({ name: 'web', type: 'ip' });
    expect((await runtime.showTable('web')).map((entry) => entry.key)).toContain('127.0.0.1');
    await runtime.clearTable('web');
    expect(await runtime.showTable('web')).toEqual([]);
  });
});

describe('the master CLI', () => {
  it('lists processes and routes a command to the current worker', async () => {
    const master = new HaproxyMaster(lab().masterSocket);
    const processes = await master.showProc();
    expect(processes.filter((process) => process.type === 'worker' && !process.old)).toHaveLength(1);
    const worker = master.worker(1);
    expect((await worker.showInfo()).Pid).toBe(processes.find((process) => process.type === 'worker')?.pid);
    // Its few connection slots: every request gives its slot back.
    for (let i = 0; i < 40; i++) await master.showProc();
  });

  it('reloads under a live session: commands keep going and reach the new worker', async () => {
    const runtime = client();
    const master = new HaproxyMaster(lab().masterSocket);
    const oldPid = (await runtime.showInfo()).Pid;
    const reload = await master.reload();
    expect(reload.success).toBe(true);
    expect(reload.newWorkers).toHaveLength(1);
    const deadline = Date.now() + 5_000;
    let pid = oldPid;
    while (pid !== reload.newWorkers[0] && Date.now() < deadline) {
      pid = (await runtime.showInfo()).Pid;
      await sleep(50);
    }
    expect(pid).toBe(reload.newWorkers[0]);
    await runtime.setServerWeight('servers/srv1', 3);
    expect((await runtime.serverStat('servers/srv1')).weight).toBe(3);
    await runtime.setServerWeight('servers/srv1', 1);
  });

  it('reports a reload of a broken configuration as failed, and the old worker keeps serving', async () => {
    const master = new HaproxyMaster(lab().masterSocket);
    const good = `${lab().configPath}.good`;
    await copyFile(lab().configPath, good);
    try {
      await writeFile(
        lab().configPath,
        `${await readFile(good, 'utf8')}\nbackend broken\n    server x 127.0.0.1:notaport\n`,
      );
      const reload = await master.reload();
      expect(reload.success).toBe(false);
      expect((await get('/')).status).toBe(200);
    } finally {
      await copyFile(good, lab().configPath);
    }
    expect((await master.reload()).success).toBe(true);
  });
});

describe('ha-haproxy', () => {
  it('prints status, info and stat, and exits 0 when nothing is down', async () => {
    const status = captureIo();
    expect(await runCli(command, ['status', '--socket', lab().adminSocket], status)).toBe(0);
    expect(status.out).toMatch(/^NAME\s+STATUS\s+WEIGHT\s+SESSIONS\s+QUEUE\s+CHECK$/m);
    expect(status.out).toMatch(/^ {2}srv1\s+UP\s+1\s+0\s+0\s+L7OK$/m);
    const info = captureIo();
    expect(await runCli(command, ['info', '--json', '--socket', lab().adminSocket], info)).toBe(0);
    expect(JSON.parse(info.out)).toMatchObject({ Name: 'HAProxy' });
    const stat = captureIo();
    expect(await runCli(command, ['stat', '--json', '--socket', lab().tcpSocket], stat)).toBe(0);
    expect((JSON.parse(stat.out) as { svname: string }[]).map((row) => row.svname)).toEqual([
      'FRONTEND',
      'srv1',
      'srv2',
      'srv3',
      'BACKEND',
    ]);
  });

  const bin = fileURLToPath(new URL('../bin/ha-haproxy.js', import.meta.url));

  it('the installed bin prints the same stat JSON through its byte path', async () => {
    // Two reads are compared, so no health check may run between them: a check under way has no
    // check_code or check_duration yet (checks run every 500 ms here).
    const runtime = client(lab().adminSocket, { mode: 'oneshot' });
    const servers = ['servers/srv1', 'servers/srv2', 'servers/srv3'];
    for (const server of servers) await runtime.setEnabled('health', server, false);
    try {
      await sleep(300);
      // Run as operators run it: through its #! line.
      const { stdout } = await defaultRunner.run(bin, ['stat', '--json', '--socket', lab().adminSocket]);
      const rows = JSON.parse(stdout) as {
        pxname: string;
        svname: string;
        kind: string;
        status: string;
        iid: number;
      }[];
      expect(rows.map((row) => `${row.pxname}/${row.svname}:${row.kind}`)).toEqual([
        'web/FRONTEND:frontend',
        'servers/srv1:server',
        'servers/srv2:server',
        'servers/srv3:server',
        'servers/BACKEND:backend',
      ]);
      // Field for field what the library's parser makes of the same answer (counters move between the two reads).
      const parsed = await runtime.showStat();
      rows.forEach((row, i) => expect(Object.keys(row)).toEqual(Object.keys(parsed[i] as object)));
      expect(rows.map((row) => row.status)).toEqual(parsed.map((row) => row.status));
    } finally {
      for (const server of servers) await runtime.setEnabled('health', server, true);
    }
  });

  it('stops quietly when the reader of its output goes away (| head)', async () => {
    // 20,000 answers are far more than a pipe holds: the bin is still writing when head leaves.
    const file = `${lab().directory}/versions.txt`;
    await writeFile(file, 'show version\n'.repeat(20_000));
    const script = '"$0" batch "$1" --socket "$2" | head -c 100 > /dev/null';
    const result = await defaultRunner.run('bash', ['-o', 'pipefail', '-c', script, bin, file, lab().adminSocket], {
      allowExitCodes: [1, 2],
    });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it('drains, sets maint, ready and weight', async () => {
    const socket = ['--socket', lab().adminSocket];
    for (const [argv, out] of [
      [['drain', 'servers/srv2', '--wait', '--wait-timeout', '5s'], 'servers/srv2: drained, now in maintenance\n'],
      [['ready', 'servers/srv2'], 'servers/srv2: ready\n'],
      [['maint', 'servers/srv3'], 'servers/srv3: maint\n'],
      [['ready', 'servers/srv3'], 'servers/srv3: ready\n'],
      [['weight', 'servers/srv3', '50%'], 'servers/srv3: weight 50%\n'],
    ] as const) {
      const io = captureIo();
      expect(await runCli(command, [...argv, ...socket], io)).toBe(0);
      expect(io.out).toBe(out);
    }
    const io = captureIo();
    expect(await runCli(command, ['weight', 'servers/srv3', 'heavy', ...socket], io)).toBe(2);
    expect(io.err).toBe("ha-haproxy: weight 'heavy' is not a whole number from 0 to 256 or a percentage\n");
  });

  it('runs a batch file over one connection and exits 1 when a command failed', async () => {
    const file = `${lab().directory}/batch.txt`;
    await writeFile(
      file,
      '# weights\nset server servers/srv1 weight 1\nset server servers/srv9 weight 1\nshow version\n',
    );
    const io = captureIo();
    expect(await runCli(command, ['batch', file, '--socket', lab().adminSocket], io)).toBe(1);
    expect(io.out).toMatch(/^ok {3}set server servers\/srv1 weight 1$/m);
    expect(io.out).toMatch(/^FAIL set server servers\/srv9 weight 1: haproxy refused .*No such server/m);
    expect(io.out).toMatch(/^2 ok, 1 failed$/m);
  });

  it('uses a profile file, and reports a bad socket or a refusal in one line', async () => {
    const profile = `${lab().directory}/profiles.ini`;
    await writeFile(
      profile,
      `[default]\nsocket = ${lab().adminSocket}\n[user]\nsocket = ${lab().userSocket}\ntimeout = 3s\n`,
    );
    const io = captureIo();
    expect(await runCli(command, ['exec', 'show version', '--config', profile], io)).toBe(0);
    expect(io.out).toMatch(labSeries('haproxy'));
    const denied = captureIo();
    expect(await runCli(command, ['maint', 'servers/srv1', '--config', profile, '--profile', 'user'], denied)).toBe(2);
    expect(denied.err).toBe("ha-haproxy: haproxy refused 'set server servers/srv1 state maint': Permission denied\n");
    const missing = captureIo();
    expect(await runCli(command, ['info', '--socket', '/nonexistent/admin.sock'], missing)).toBe(2);
    expect(missing.err).toBe(
      "ha-haproxy: /nonexistent/admin.sock: no such socket (is HAProxy running, with a 'stats socket' at this path?)\n",
    );
    // Nothing half-written on stdout for a reader of the JSON: only the error, as JSON.
    const missingStat = captureIo();
    expect(await runCli(command, ['stat', '--json', '--socket', '/nonexistent/admin.sock'], missingStat)).toBe(2);
    expect(JSON.parse(missingStat.out)).toEqual({
      error: {
        code: 'SOCKET_ERROR',
        message: missing.err.replace(/^ha-haproxy: /, '').trimEnd(),
        address: '/nonexistent/admin.sock',
        systemCode: 'ENOENT',
      },
    });
    expect(missingStat.err).toBe(missing.err);
    const refused = captureIo();
    expect(await runCli(command, ['exec', 'del server servers/srv1', '--socket', lab().adminSocket], refused)).toBe(1);
    expect(refused.out).toBe('Only servers in maintenance mode can be deleted.\n');
  });

  it('a session to a socket that disappears fails with a socket error, not a hang', async () => {
    const runtime = client('/var/lib/ha-lab/haproxy/absent.sock', { timeoutMs: 1_000 });
    const error = await runtime.showVersion().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SocketError);
  });
});
