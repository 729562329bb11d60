import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultRunner } from '@ha/core';
import { renderLabCorosyncConf, renderLabHosts } from './cluster-files.js';
import { renderLabHaproxyConfig } from './haproxy.js';

const scratch = await mkdtemp(join(tmpdir(), 'ha-lab-render-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('lab configuration files', () => {
  it('renders a corosync.conf with one knet link and two_node only for two nodes', () => {
    const two = renderLabCorosyncConf(2);
    expect(two).toContain('transport: knet');
    expect(two).toContain('ring0_addr: 10.213.0.2');
    expect(two).toContain('two_node: 1');
    expect(renderLabCorosyncConf(3)).not.toContain('two_node');
    expect(renderLabHosts(3)).toContain('10.213.0.3 node3\n');
  });

  it("sets corosync's token only when asked, and only to a sane number", () => {
    expect(renderLabCorosyncConf(3)).not.toContain('token:');
    expect(renderLabCorosyncConf(3, 'lab', { tokenMs: 1000 })).toContain('    crypto_hash: sha256\n    token: 1000\n}');
    expect(() => renderLabCorosyncConf(3, 'lab', { tokenMs: 10 })).toThrow(/at least 300/);
  });

  it('renders a haproxy.cfg the real haproxy accepts', async () => {
    const path = join(scratch, 'haproxy.cfg');
    await writeFile(join(scratch, 'routes.map'), '/a a\n');
    await writeFile(
      path,
      renderLabHaproxyConfig({
        version: 1,
        directory: scratch,
        configPath: path,
        adminSocket: join(scratch, 'admin.sock'),
        masterSocket: join(scratch, 'master.sock'),
        userSocket: join(scratch, 'user.sock'),
        tcpSocket: 'ipv4@127.0.0.1:18090',
        mapFile: join(scratch, 'routes.map'),
        pidFile: join(scratch, 'pid'),
        frontend: { name: 'web', address: '127.0.0.1', port: 18080 },
        backend: 'servers',
        servers: [
          { name: 'srv1', address: '127.0.0.1', port: 18081, pid: 1 },
          { name: 'srv2', address: '127.0.0.1', port: 18082, pid: 2 },
        ],
      }),
    );
    const check = await defaultRunner.run('haproxy', ['-c', '-f', path]);
    expect(check.stdout).toContain('Configuration file is valid');
  });
});
