import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { ConfigRejectedError, defaultRunner, HaError, runCliCaptured, sha256 } from '@ha/core';
import { CertificateError, HaproxyMaster, HaproxyRuntime, PermissionDeniedError } from '@ha/haproxy-runtime';
import { freeLoopbackPort } from '@ha/lab';
import { labTools, useLabHaproxy } from '@ha/lab/vitest';
import { command } from '../src/cli.js';
import {
  addSection,
  applyChange,
  diffRuntime,
  readConfig,
  serverStateFileOf,
  setDirective,
  type ApplyChangeOptions,
  type HaproxyChange,
} from '../src/index.js';

// One change at a time, live through the Runtime API and into the files, against the lab's real HAProxy
// (master-worker, reloaded through its master CLI) of the generation under test.
const lab = useLabHaproxy({ servers: 3 });
// haproxy -c of the generation under test (Debian 13's from its root).
const tools = await labTools();

const options = (extra: Partial<ApplyChangeOptions> = {}): ApplyChangeOptions => ({
  config: lab().configPath,
  socket: lab().adminSocket,
  reload: { masterSocket: lab().masterSocket },
  runner: tools,
  ...extra,
});
const reloads = async () =>
  (await new HaproxyMaster(lab().masterSocket).showProc()).find((entry) => entry.type === 'master')?.reloads ?? -1;
const fileHash = async (path: string) => sha256(await readFile(path));
async function serverRow(name: string) {
  await using runtime = new HaproxyRuntime(lab().adminSocket);
  const rows = await runtime.showServersState('servers');
  return rows.find((row) => row.srv_name === name);
}
async function mapEntries(file: string, kind: 'map' | 'acl' = 'map') {
  await using runtime = new HaproxyRuntime(lab().adminSocket);
  return (await runtime.showMap(file, { kind })).map((entry) =>
    kind === 'map' ? `${entry.key} ${entry.value}` : entry.key,
  );
}

describe('applyChange against a real HAProxy', () => {
  it('applies each kind live and in its file; after a reload the running state equals the files', async () => {
    const stateFile = join(lab().directory, 'server-state');
    const aclFile = join(lab().directory, 'blocked.acl');
    await writeFile(aclFile, '# blocked clients\n192.0.2.1\n');
    // Setting up the server-state file and an ACL file are configuration changes: a validated reload.
    const setup = await applyChange(
      {
        kind: 'edit',
        description: 'server-state file and a blocked-clients ACL',
        edit: (document) => {
          setDirective(document, { kind: 'global' }, ['server-state-file', stateFile]);
          setDirective(document, { kind: 'defaults' }, ['load-server-state-from-file', 'global']);
          setDirective(
            document,
            { kind: 'frontend', name: 'web' },
            ['http-request', 'deny', 'if', '{', 'src', '-f', aclFile, '}'],
            { match: ['http-request', 'deny'] },
          );
        },
      },
      options(),
    );
    expect(setup).toMatchObject({ route: 'reload', reloaded: true, applied: true });
    const reloadsBefore = await reloads();
    const [srv1, srv2, srv3] = lab().servers as unknown as [{ port: number }, { port: number }, { port: number }];
    const live: HaproxyChange[] = [
      { kind: 'set-weight', server: 'servers/srv1', weight: 50 },
      { kind: 'set-state', server: 'servers/srv2', state: 'drain' },
      { kind: 'set-maxconn', server: 'servers/srv1', maxconn: 40 },
      { kind: 'add-server', server: 'servers/srv4', address: `127.0.0.1:${srv1.port}`, options: { check: true } },
      { kind: 'set-address', server: 'servers/srv4', address: '127.0.0.1', port: srv2.port },
      { kind: 'set-check', server: 'servers/srv3', enabled: false },
      { kind: 'set-check', server: 'servers/srv3', enabled: true, port: srv3.port },
      { kind: 'map-add', map: lab().mapFile, key: '/admin', value: 'admin' },
      { kind: 'map-set', map: lab().mapFile, key: '/api', value: 'api-v2' },
      { kind: 'map-delete', map: lab().mapFile, key: '/static' },
      { kind: 'acl-add', acl: aclFile, pattern: '198.51.100.7' },
      { kind: 'acl-delete', acl: aclFile, pattern: '192.0.2.1' },
      { kind: 'add-server', server: 'servers/srv5', address: `127.0.0.1:${srv1.port}` },
      { kind: 'delete-server', server: 'servers/srv5' },
    ];
    for (const change of live) {
      const report = await applyChange(change, options());
      expect(report, report.change).toMatchObject({ route: 'runtime', applied: true, reloaded: false });
      expect(report.commands.length, report.change).toBeGreaterThan(0);
      expect(await diffRuntime({ config: lab().configPath, socket: lab().adminSocket }), report.change).toEqual([]);
    }
    expect(await reloads()).toBe(reloadsBefore);
    const text = await readFile(lab().configPath, 'utf8');
    expect(text).toMatch(/server srv1 127\.0\.0\.1:\d+ check inter 500ms fall 2 rise 1 weight 50 maxconn 40\n/);
    expect(text).toContain(`server srv4 127.0.0.1:${srv2.port} check\n`);
    expect(text).not.toContain('srv5');
    expect(await readFile(lab().mapFile, 'utf8')).toBe('/api api-v2\n/admin admin\n');
    expect(await readFile(aclFile, 'utf8')).toBe('# blocked clients\n198.51.100.7\n');
    expect((await serverRow('srv1'))?.srv_uweight).toBe(50);
    expect((await serverRow('srv4'))?.srv_port).toBe(srv2.port);
    // Whole replacements: one atomic version each.
    await applyChange(
      {
        kind: 'map-replace',
        map: lab().mapFile,
        entries: [
          ['/a', 'one'],
          ['/b', 'two'],
        ],
      },
      options(),
    );
    await applyChange({ kind: 'acl-replace', acl: aclFile, patterns: ['203.0.113.9'] }, options());
    expect(await mapEntries(lab().mapFile)).toEqual(['/a one', '/b two']);
    expect(await readFile(aclFile, 'utf8')).toBe('# blocked clients\n203.0.113.9\n');
    // A check interval has no runtime command: the same call installs it by a reload.
    const inter = await applyChange({ kind: 'set-check', server: 'servers/srv1', interMs: 700 }, options());
    expect(inter).toMatchObject({ route: 'reload', reloaded: true });
    expect(inter.reason).toContain('inter');
    // The reload kept the drain (server-state file) and everything else the files say.
    expect((await serverRow('srv2'))?.srv_admin_state).toBe(8);
    expect((await serverRow('srv1'))?.srv_uweight).toBe(50);
    expect(await diffRuntime({ config: lab().configPath, socket: lab().adminSocket })).toEqual([]);
    expect(await mapEntries(lab().mapFile)).toEqual(['/a one', '/b two']);
    expect(await mapEntries(aclFile, 'acl')).toEqual(['203.0.113.9']);
  });

  it('a server HAProxy cannot add live (a static balance) is installed by a reload instead', async () => {
    const [srv1] = lab().servers as unknown as [{ port: number }];
    await applyChange(
      {
        kind: 'edit',
        description: 'a static-rr backend',
        edit: (document) =>
          addSection(document, 'backend', 'legacy', [
            ['balance', 'static-rr'],
            ['server', 'old1', `127.0.0.1:${srv1.port}`],
          ]),
      },
      options(),
    );
    const before = await reloads();
    const report = await applyChange(
      { kind: 'add-server', server: 'legacy/old2', address: `127.0.0.1:${srv1.port}` },
      options(),
    );
    expect(report).toMatchObject({ route: 'reload', reloaded: true, commands: [] });
    expect(report.reason).toContain('dynamic load balancing');
    expect(await reloads()).toBe(before + 1);
    {
      await using runtime = new HaproxyRuntime(lab().adminSocket);
      expect((await runtime.showServersState('legacy')).map((row) => row.srv_name)).toEqual(['old1', 'old2']);
    }
    // A static algorithm takes no other weight live either: the same call reloads.
    const weighted = await applyChange({ kind: 'set-weight', server: 'legacy/old1', weight: 5 }, options());
    expect(weighted).toMatchObject({ route: 'reload', reloaded: true });
    expect(weighted.reason).toContain('static');
    expect(await diffRuntime({ config: lab().configPath, socket: lab().adminSocket })).toEqual([]);
  });

  it('replaces a certificate live: the next handshake sees it, the file holds it, no reload', async () => {
    const directory = lab().directory;
    const make = async (name: string) => {
      const [key, crt] = [join(directory, `${name}.key`), join(directory, `${name}.crt`)];
      await defaultRunner.run('openssl', [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        key,
        '-out',
        crt,
        '-days',
        '30',
        '-subj',
        '/CN=site.example',
      ]);
      return `${await readFile(crt, 'utf8')}${await readFile(key, 'utf8')}`;
    };
    const pem = join(directory, 'site.pem');
    const first = await make('one');
    await writeFile(pem, first);
    const port = await freeLoopbackPort();
    await applyChange(
      {
        kind: 'edit',
        description: 'a TLS frontend',
        edit: (document) =>
          addSection(document, 'frontend', 'tls', [
            ['bind', `127.0.0.1:${port}`, 'ssl', 'crt', pem],
            ['default_backend', 'servers'],
          ]),
      },
      options(),
    );
    const served = () =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(
          { host: '127.0.0.1', port, servername: 'site.example', rejectUnauthorized: false },
          () => {
            resolve(socket.getPeerCertificate().serialNumber);
            socket.end();
          },
        );
        socket.on('error', reject);
      });
    expect(await served()).toBe(new X509Certificate(first).serialNumber);
    const before = await reloads();
    const second = await make('two');
    const report = await applyChange({ kind: 'certificate', file: pem, certificate: second }, options());
    expect(report).toMatchObject({ route: 'runtime', applied: true, reloaded: false, file: pem });
    expect(report.notes[0]).toContain('serial');
    expect(await served()).toBe(new X509Certificate(second).serialNumber);
    expect(await readFile(pem, 'utf8')).toBe(second);
    expect(await reloads()).toBe(before);
    // A key of another certificate: refused before HAProxy is asked, nothing changed.
    const mismatched = `${second.slice(0, second.indexOf('-----BEGIN PRIVATE KEY'))}${first.slice(first.indexOf('-----BEGIN PRIVATE KEY'))}`;
    await expect(applyChange({ kind: 'certificate', file: pem, certificate: mismatched }, options())).rejects.toSatisfy(
      (error) => error instanceof CertificateError && error.problem === 'KEY_MISMATCH',
    );
    await expect(applyChange({ kind: 'certificate', file: pem, certificate: 'not a PEM' }, options())).rejects.toThrow(
      CertificateError,
    );
    expect(await served()).toBe(new X509Certificate(second).serialNumber);
    expect(await readFile(pem, 'utf8')).toBe(second);
  });

  it('a change made only through the socket is drift, and ha-haproxy-config drift exits 1', async () => {
    {
      await using runtime = new HaproxyRuntime(lab().adminSocket);
      await runtime.setServerWeight('servers/srv3', 7);
      await runtime.addMapEntry(lab().mapFile, '/only-live', 'x');
    }
    const drifts = await diffRuntime({ config: lab().configPath, socket: lab().adminSocket });
    expect(drifts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'weight', backend: 'servers', server: 'srv3', runtime: 7 }),
        expect.objectContaining({ kind: 'map-entry', key: '/only-live', file: undefined, runtime: 'x' }),
      ]),
    );
    const cli = await runCliCaptured(command, ['drift', lab().configPath, '--socket', lab().adminSocket]);
    expect(cli.code).toBe(1);
    expect(cli.out).toContain('servers/srv3 weight: file 1, runtime 7');
    // Putting it right through applyChange: the file already says 1, the runtime follows.
    await applyChange({ kind: 'set-weight', server: 'servers/srv3', weight: 1 }, options());
    {
      await using runtime = new HaproxyRuntime(lab().adminSocket);
      await runtime.deleteEntry(lab().mapFile, '/only-live').catch(() => undefined);
    }
    const after = await runCliCaptured(command, ['drift', lab().configPath, '--socket', lab().adminSocket]);
    expect(after.out).toContain('matches');
    expect(after.code).toBe(0);
  });

  it('a failure at each step leaves the runtime and the file as they were', async () => {
    const path = lab().configPath;
    const weight = async () => (await serverRow('srv3'))?.srv_uweight;
    const before = await fileHash(path);
    const weightBefore = await weight();
    const change: HaproxyChange = { kind: 'set-weight', server: 'servers/srv3', weight: 33 };
    // The socket refuses (a user-level socket may not change anything): the file written first is put back.
    await expect(applyChange(change, options({ socket: lab().userSocket }))).rejects.toSatisfy(
      (error) =>
        error instanceof ConfigRejectedError && error.rolledBack && error.cause instanceof PermissionDeniedError,
    );
    expect(await fileHash(path)).toBe(before);
    // The file changed since it was read: nothing is applied.
    await expect(applyChange(change, options({ expectedSha256: sha256('something else') }))).rejects.toSatisfy(
      (error) => error instanceof ConfigRejectedError && error.stage === 'stale',
    );
    // The write fails (the backup cannot be made: a directory stands where it goes).
    await rm(`${path}.bak`, { force: true });
    await mkdir(`${path}.bak/blocked`, { recursive: true });
    await expect(applyChange(change, options())).rejects.toSatisfy(
      (error) => error instanceof HaError && error.code === 'WRITE_FAILED',
    );
    await rm(`${path}.bak`, { recursive: true, force: true });
    expect(await weight()).toBe(weightBefore);
    expect(await fileHash(path)).toBe(before);
    // The reload fails: the previous file is back, HAProxy still runs it.
    const reloadsBefore = await reloads();
    await expect(
      applyChange(
        {
          kind: 'edit',
          description: 'a new backend',
          edit: (document) => addSection(document, 'backend', 'extra', []),
        },
        options({ reload: { command: ['false'] } }),
      ),
    ).rejects.toSatisfy(
      (error) => error instanceof ConfigRejectedError && error.rolledBack && error.stage === 'reload',
    );
    expect(await fileHash(path)).toBe(before);
    expect(await reloads()).toBe(reloadsBefore);
    // The server-state file cannot be written after the runtime change: the change is undone, the file put back.
    const stateFile = serverStateFileOf([(await readConfig(path)).document]) as string;
    await rm(stateFile, { force: true });
    await mkdir(join(stateFile, 'blocked'), { recursive: true });
    try {
      await expect(applyChange(change, options())).rejects.toSatisfy(
        (error) => error instanceof ConfigRejectedError && error.rolledBack && error.stage === 'activate',
      );
    } finally {
      await rm(stateFile, { recursive: true, force: true });
    }
    expect(await weight()).toBe(weightBefore);
    expect(await fileHash(path)).toBe(before);
  });

  it('refuses bad input before anything is applied', async () => {
    const path = lab().configPath;
    const before = await fileHash(path);
    const mapBefore = await fileHash(lab().mapFile);
    const refusals: [HaproxyChange, (error: unknown) => boolean][] = [
      [{ kind: 'set-weight', server: 'nope/srv1', weight: 5 }, (e) => e instanceof HaError && e.code === 'NOT_FOUND'],
      [
        { kind: 'set-weight', server: 'servers/nope', weight: 5 },
        (e) => e instanceof HaError && e.code === 'NOT_FOUND',
      ],
      [{ kind: 'set-weight', server: 'servers/srv1', weight: 300 }, (e) => e instanceof TypeError],
      [{ kind: 'set-weight', server: 'servers;x/srv1', weight: 3 }, (e) => e instanceof TypeError],
      [{ kind: 'map-add', map: lab().mapFile, key: '/x', value: 'a\nb' }, (e) => e instanceof TypeError],
      [{ kind: 'map-add', map: lab().mapFile, key: '/x', value: 'a;b' }, (e) => e instanceof TypeError],
      [
        { kind: 'map-set', map: '/etc/nothing.map', key: '/x', value: 'y' },
        (e) => e instanceof HaError && e.code === 'NOT_FOUND',
      ],
    ];
    for (const [change, expected] of refusals) await expect(applyChange(change, options())).rejects.toSatisfy(expected);
    expect(await fileHash(path)).toBe(before);
    expect(await fileHash(lab().mapFile)).toBe(mapBefore);
  });

  it('ha-haproxy-config apply: --dry-run shows the lines and commands, then the change applies', async () => {
    const path = lab().configPath;
    const before = await fileHash(path);
    const socket = ['--socket', lab().adminSocket];
    const dry = await runCliCaptured(command, [
      'apply',
      path,
      ...socket,
      '--dry-run',
      'set-weight',
      'servers/srv3',
      '9',
    ]);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('would apply');
    expect(dry.out).toMatch(/^\+ +server srv3 .* weight 9$/m);
    expect(dry.out).toContain('runtime: set server servers/srv3 weight 9');
    expect(await fileHash(path)).toBe(before);
    const real = await runCliCaptured(command, ['apply', path, ...socket, 'set-weight', 'servers/srv3', '9']);
    expect(real.out).toContain('applied live');
    expect((await serverRow('srv3'))?.srv_uweight).toBe(9);
    const bad = await runCliCaptured(command, ['apply', path, ...socket, 'set-weight', 'servers/srv3', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
  });
});
