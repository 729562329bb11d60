import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { renderLabHaproxyConfig } from '@ha/lab';

// The README's ```ts blocks, run as written, as the one script they are meant to be read as (the
// blocks in order, their imports merged at the top), importing this package's source. Its system
// paths point into a temporary folder: /etc/haproxy/haproxy.cfg is the lab's haproxy.cfg (the seed's
// load balancer, as the repository's README harness uses it), and no master socket listens there,
// so the install example's reload fails and rolls back, as its catch expects.
const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1] as string);

function asOneScript(code: readonly string[]): string {
  const imports = new Map<string, Set<string>>();
  const body: string[] = [];
  for (const line of code.join('\n').split('\n')) {
    const match = /^import \{([^}]*)\} from '([^']+)';$/.exec(line);
    if (!match) body.push(line);
    else
      for (const name of (match[1] as string).split(','))
        imports.set(match[2] as string, (imports.get(match[2] as string) ?? new Set()).add(name.trim()));
  }
  return [...[...imports].map(([from, names]) => `import { ${[...names].join(', ')} } from '${from}';`), ...body].join(
    '\n',
  );
}

let directory: string;
let config: string;
let seed: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'ha-haproxy-readme-'));
  config = join(directory, 'haproxy.cfg');
  seed = renderLabHaproxyConfig({
    version: 1,
    directory,
    configPath: config,
    adminSocket: join(directory, 'admin.sock'),
    masterSocket: join(directory, 'master.sock'),
    userSocket: join(directory, 'user.sock'),
    tcpSocket: '127.0.0.1:19099',
    mapFile: join(directory, 'routes.map'),
    pidFile: join(directory, 'haproxy.pid'),
    frontend: { name: 'web', address: '127.0.0.1', port: 19080 },
    backend: 'servers',
    servers: [1, 2].map((index) => ({ name: `srv${index}`, address: '127.0.0.1', port: 19080 + index, pid: 0 })),
  });
  await writeFile(join(directory, 'routes.map'), '/api api\n');
  await writeFile(config, seed);
});
afterAll(() => rm(directory, { recursive: true, force: true }));

describe('the README examples', () => {
  it('are the five of its sections', () => {
    expect(blocks).toHaveLength(5);
  });

  it('run as written, each doing what its comments say', async () => {
    const file = join(directory, 'readme.ts');
    await writeFile(
      file,
      // The fifth, live changes, needs a running HAProxy: test/readme-examples.int.test.ts runs it on the lab's.
      asOneScript(blocks.filter((block) => !block.includes('applyChange')))
        .replaceAll("'/etc/haproxy/haproxy.cfg'", JSON.stringify(config))
        .replaceAll("'/run/haproxy-master.sock'", JSON.stringify(join(directory, 'master.sock'))),
    );
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation(
      (chunk: string | Uint8Array) => ((stdout += String(chunk)), true),
    );
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await import(file);
    } finally {
      vi.restoreAllMocks();
    }
    // Parse, edit, print: the edits, and nothing else moved.
    expect(stdout).toContain('    server web3 192.168.1.12:80 check inter 2s\n');
    expect(stdout).toContain('    acl path_api path_beg /api\n    use_backend api if path_api\n');
    expect(stdout).toContain('\nbackend api\n    balance leastconn\n    server api1 192.168.1.20:8080 check\n');
    expect(
      stdout
        .replace('    timeout connect 3s', '    timeout connect 2s')
        .split('\n')
        .filter((line) => !seed.split('\n').includes(line)),
    ).toEqual([
      '    acl path_api path_beg /api',
      '    use_backend api if path_api',
      '    server web3 192.168.1.12:80 check inter 2s',
      'backend api',
      '    balance leastconn',
      '    server api1 192.168.1.20:8080 check',
    ]);
    expect(log.mock.calls.slice(0, 2)).toEqual([
      [
        'servers',
        'roundrobin',
        ['srv1=127.0.0.1:19081 check', 'srv2=127.0.0.1:19082 check', 'web3=192.168.1.12:80 check'],
      ],
      ['api', 'leastconn', ['api1=192.168.1.20:8080 check']],
    ]);
    // Validate: no error, and the real haproxy -c agrees.
    expect(log.mock.calls[2]).toEqual([[], true]);
    // Install safely: no master here, so the reload fails, the ConfigRejectedError says so, and the file is as it was.
    expect(error.mock.calls).toEqual([['reload', true, []]]);
    expect(await readFile(config, 'utf8')).toBe(seed);
  });
});
