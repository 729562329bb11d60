import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
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
  /** On the host, or inside a lab node (where crm_mon, pcs and corosync's tools see that node's cluster). */
  where: 'host' | 'node1';
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
      replace: { "'/run/haproxy/admin.sock'": `'${lab().haproxy.adminSocket}'`, "'/run/haproxy-master.sock'": `'${lab().haproxy.masterSocket}'` },
      definitions: 'async function restartMyService(server) { void server; }',
    }),
  },
  {
    readme: 'packages/haproxy-config/README.md',
    where: 'host',
    prepare: async () => ({
      replace: { "'/etc/haproxy/haproxy.cfg'": `'${lab().haproxy.configPath}'`, "'/run/haproxy-master.sock'": `'${lab().haproxy.masterSocket}'` },
    }),
  },
  {
    readme: 'packages/core/README.md',
    where: 'node1',
    prepare: async () => {
      const config = join(work, 'core-haproxy.cfg');
      await copyFile(lab().haproxy.configPath, config);
      return {
        replace: { "'/etc/haproxy/haproxy.cfg'": `'${config}'` },
        definitions: `const newText = ${JSON.stringify(await readFile(lab().haproxy.configPath, 'utf8'))};`,
      };
    },
  },
  { readme: 'packages/pcs-client/README.md', where: 'node1', prepare: async () => ({ replace: { "'/usr/local/bin/my-web-server'": `'${lab().cluster.webServerPath}'` } }) },
  { readme: 'packages/corosync-config/README.md', where: 'node1' },
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
        definitions: [base.definitions, prepared.definitions].filter(Boolean).join('\n'),
        replace: { ...remapAddresses(script.source, example.where), ...base.replace, ...prepared.replace },
      };
      const bundle = join(work, `${example.readme.replace(/[^a-z0-9]+/gi, '-')}.mjs`);
      await bundleScript(script, context, bundle);
      const outcome =
        example.where === 'host'
          ? await run(process.execPath, [bundle], { cwd: scratch, timeout: 120_000 }).then(
              ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
              (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? -1, stdout: error.stdout ?? '', stderr: error.stderr ?? '' }),
            )
          : await lab()
              .cluster.exec('node1', process.execPath, [bundle], { timeoutMs: 240_000, allowExitCodes: [1] })
              .then(({ exitCode, stdout, stderr }) => ({ code: exitCode ?? -1, stdout, stderr }));
      if (example.endsWith === undefined) {
        expect(outcome.stderr, `stdout:\n${outcome.stdout}`).not.toMatch(/Error|error:/);
        expect(outcome.code).toBe(0);
      } else {
        expect(outcome.stderr).toContain(example.endsWith);
      }
    }, 300_000);
  }
});

const receivers: { close(): void }[] = [];
afterAll(() => {
  for (const receiver of receivers) receiver.close();
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
    replace[address] = where === 'host' ? `127.0.0.${last}` : `10.213.0.${last}`;
  }
  return replace;
}

