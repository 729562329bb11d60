import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createServer } from 'node:http';
import { freeLoopbackPort } from '@ha/lab';
import { useLabStack } from '@ha/lab/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleScript, readReadmeScript, type ExampleContext } from './readme-examples.js';
import { readmeContexts } from './readme-contexts.js';
import { repositoryRoot } from './workspace.js';

const run = promisify(execFile);

// Every README's examples, run as written on real daemons: a lab cluster and the lab's HAProxy.
// What the harness changes is listed per README: paths of a production host (a socket, a config
// file) point at the lab's, and addresses outside the lab are moved onto it (192.168.1.K →
// 10.213.0.K inside the lab, 10.0.0.K → 127.0.0.K on the host), so no traffic leaves the machine.
const lab = useLabStack({ cluster: { nodes: 2 }, haproxy: { servers: 3 } });
const work = join(repositoryRoot, 'node_modules', '.cache', 'ha-readme-examples', 'run');
let scratch: string;

beforeAll(async () => {
  await mkdir(work, { recursive: true });
  scratch = await mkdtemp(join(tmpdir(), 'ha-readme-run-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
});

interface ExampleRun {
  readme: string;
  /**
   * On the host; inside a lab node (where crm_mon, pcs and corosync's tools see that node's cluster);
   * or in private mount, UTS and network namespaces, as the host `as` with its `address` and `binds`
   * over system folders.
   */
  where: 'host' | 'node1' | { as: string; address: string; binds: () => Promise<Record<string, string>> };
  /** Made before the run: files the examples read, and the replacements pointing at them. */
  prepare?: () => Promise<ExampleContext>;
  /** The error a run ends with on this machine, by its class name, when the README says so (no DRBD kernel module here). */
  endsWith?: string;
}

const runs: ExampleRun[] = [
  {
    readme: 'packages/haproxy-runtime/README.md',
    where: 'host',
    prepare: async () => ({
      replace: {
        "'/run/haproxy/admin.sock'": `'${lab().haproxy.adminSocket}'`,
        "'/run/haproxy-master.sock'": `'${lab().haproxy.masterSocket}'`,
      },
      definitions: 'async function restartMyService(server) { void server; }',
    }),
  },
  {
    readme: 'packages/haproxy-config/README.md',
    where: 'host',
    prepare: async () => ({
      replace: {
        "'/etc/haproxy/haproxy.cfg'": `'${lab().haproxy.configPath}'`,
        "'/run/haproxy-master.sock'": `'${lab().haproxy.masterSocket}'`,
        "'/run/haproxy/admin.sock'": `'${lab().haproxy.adminSocket}'`,
        "'/etc/haproxy/routes.map'": `'${lab().haproxy.mapFile}'`,
      },
    }),
  },
  {
    readme: 'packages/core/README.md',
    where: 'node1',
    prepare: async () => ({
      replace: {
        "'/etc/haproxy/haproxy.cfg'": `'${lab().haproxy.configPath}'`,
        'unix-connect:/run/haproxy-master.sock': `unix-connect:${lab().haproxy.masterSocket}`,
      },
      definitions: `const newText = ${JSON.stringify(`${await readFile(lab().haproxy.configPath, 'utf8')}# changed by the README example\n`)};`,
    }),
  },
  {
    readme: 'packages/pcs-client/README.md',
    where: 'node1',
    prepare: async () => ({ replace: { "'/usr/local/bin/my-web-server'": `'${lab().cluster.webServerPath}'` } }),
  },
  { readme: 'packages/corosync-config/README.md', where: 'node1' },
  {
    // As node1 of the README's resource, with /etc/drbd.d holding it: everything runs for real up to
    // `drbd.up`, which needs DRBD's kernel module (not loadable here) and says so.
    readme: 'packages/drbd/README.md',
    where: {
      as: 'node1',
      address: '10.213.0.1/24',
      binds: async () => {
        // The machine's own drbd.d (global_common.conf) with the README's resource beside it.
        const folder = join(scratch, 'drbd.d');
        await cp('/etc/drbd.d', folder, { recursive: true });
        // A disk of its own for the resource: a loop device over a file (drbdmeta asks a block device its size).
        const image = join(scratch, 'drbd0-disk.img');
        await writeFile(image, Buffer.alloc(64 * 1024 * 1024));
        const disk = (await run('losetup', ['--find', '--show', image])).stdout.trim();
        loopDevices.push(disk);
        await writeFile(join(folder, 'drbd0.res'), drbdSeed.replace('/dev/sdb1', disk));
        return { '/etc/drbd.d': folder };
      },
    },
    endsWith: 'ServiceUnavailableError',
  },
  {
    readme: 'packages/monitor/README.md',
    where: 'host',
    prepare: async () => {
      const hook = await startReceiver();
      return {
        replace: {
          "'https://hooks.example.com/ha'": `'${hook.url}'`,
          "'/run/haproxy/admin.sock'": `'${lab().haproxy.adminSocket}'`,
          "'/run/my-service/pacemaker.sock'": `'${join(scratch, 'pacemaker.sock')}'`,
          "'/var/lib/my-service/ha-monitor'": `'${join(scratch, 'monitor-state')}'`,
          'listen(9664,': `listen(${await freeLoopbackPort()},`,
        },
        // The examples follow the monitor until it stops: stop it after a few evaluations.
        prologue: 'setTimeout(() => controller.abort(), 4_000);',
        epilogue: 'process.exit(0);',
        definitions: 'async function readQueueDepth() { return 1500; }',
      };
    },
  },
];

describe.sequential('README examples run as written', () => {
  for (const example of runs) {
    it(`${example.readme}`, async () => {
      const script = await readReadmeScript(example.readme);
      const prepared = (await example.prepare?.()) ?? {};
      const base = readmeContexts[example.readme] ?? {};
      const context: ExampleContext = {
        ...base,
        ...prepared,
        definitions: [base.definitions, prepared.definitions].filter(Boolean).join('\n'),
        replace: { ...remapAddresses(script.source, example.where), ...base.replace, ...prepared.replace },
      };
      const bundle = join(work, `${example.readme.replace(/[^a-z0-9]+/gi, '-')}.mjs`);
      await bundleScript(script, context, bundle);
      const where = example.where;
      const command =
        typeof where === 'object'
          ? {
              file: 'unshare',
              args: [
                '--mount',
                '--uts',
                '--net',
                '--propagation',
                'private',
                process.execPath,
                join(repositoryRoot, 'test', 'in-private-mounts.mjs'),
                where.as,
                where.address,
                ...Object.entries(await where.binds()).map(([target, source]) => `${source}:${target}`),
                '--',
                bundle,
              ],
            }
          : { file: process.execPath, args: [bundle] };
      const outcome =
        where !== 'node1'
          ? await run(command.file, command.args, { cwd: scratch, timeout: 90_000, maxBuffer: 64 * 1024 * 1024 }).then(
              ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
              (error: { code?: number | string; signal?: string; stdout?: string; stderr?: string }) => ({
                code: typeof error.code === 'number' ? error.code : `${error.code ?? ''} ${error.signal ?? ''}`.trim(),
                stdout: error.stdout ?? '',
                stderr: error.stderr ?? '',
              }),
            )
          : await lab()
              .cluster.exec('node1', process.execPath, [bundle], { timeoutMs: 240_000, allowExitCodes: [1] })
              .then(({ exitCode, stdout, stderr }) => ({ code: exitCode ?? -1, stdout, stderr }));
      const shown = `exit ${outcome.code}\nstdout:\n${outcome.stdout.slice(-4000)}\nstderr:\n${outcome.stderr.slice(-4000)}`;
      if (example.endsWith === undefined) {
        expect(outcome.stderr, shown).not.toMatch(/Error|error:/);
        expect(outcome.code, shown).toBe(0);
      } else {
        expect(outcome.stderr).toContain(example.endsWith);
      }
    }, 300_000);
  }
});

// The seed's DRBD resource, as the lab's node1 and node2 would hold it.
const drbdSeed = `resource drbd0 {
  device /dev/drbd0;
  disk /dev/sdb1;
  meta-disk internal;
  on node1 {
    node-id 0;
    address 10.213.0.1:7789;
  }
  on node2 {
    node-id 1;
    address 10.213.0.2:7789;
  }
}
`;

const receivers: { close(): void }[] = [];
const loopDevices: string[] = [];
afterAll(async () => {
  for (const receiver of receivers) receiver.close();
  for (const device of loopDevices) await run('losetup', ['--detach', device]);
});

/** A webhook receiver on loopback, standing in for the README's external URL. */
async function startReceiver(): Promise<{ url: string }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receivers.push(server);
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/ha` };
}

/** Literal addresses outside the lab, moved onto it: inside a node the lab's subnet, on the host loopback. */
function remapAddresses(source: string, where: ExampleRun['where']): Record<string, string> {
  const replace: Record<string, string> = {};
  for (const [address, , last] of source.matchAll(/\b(192\.168\.1|10\.0\.0)\.(\d{1,3})\b/g)) {
    replace[address] = where === 'node1' ? `10.213.0.${last}` : `127.0.0.${last}`;
  }
  return replace;
}
