import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigRejectedError, createRunner, ServiceUnavailableError, type CommandError, type Runner } from '@ha/core';
import { labPaths, waitFor } from '@ha/lab';
import { useLabCluster } from '@ha/lab/vitest';
import {
  checkWithCorosync,
  generate,
  migrateToKnet,
  parse,
  readCorosyncStatus,
  setOption,
  writeConfig,
} from '../src/index.js';

// A real 3-node cluster; corosync -t runs inside node1, which has an authkey and /var/log/corosync.
// No fencing here: these tests are about corosync's own view, and a fenced (rebooting) node3 would not
// stay partitioned long enough to be asked how it sees itself. Fencing has its own live tests.
const lab = useLabCluster({ nodes: 3, fencing: 'none' });
const shared = () => labPaths().cluster;
const nodes = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ name: `node${i + 1}`, addresses: [`10.213.0.${i + 1}`] }));
const bin = fileURLToPath(new URL('../bin/ha-corosync.js', import.meta.url));

describe('the real corosync -t', () => {
  it.each([2, 3, 4, 5])('accepts a generated %i-node config', async (count) => {
    const result = await checkWithCorosync(generate({ clusterName: 'lab', nodes: nodes(count) }), {
      runner: lab().runner('node1'),
      tempDirectory: shared(),
    });
    expect(result).toMatchObject({ valid: true, findings: [] });
  });

  it('accepts a corosync 2 file once migrated to knet', async () => {
    const document = parse(await readFile(new URL('fixtures/conf/corosync2-udpu.conf', import.meta.url), 'utf8'));
    migrateToKnet(document);
    expect(await checkWithCorosync(document, { runner: lab().runner('node1'), tempDirectory: shared() })).toMatchObject(
      { valid: true, findings: [] },
    );
  });

  it("maps corosync's own errors: a syntax error with its line, a semantic one without", async () => {
    const runner = lab().runner('node1');
    const syntax = await checkWithCorosync('totem {\n version: 2\n', {
      runner,
      tempDirectory: shared(),
      file: 'broken.conf',
    });
    expect(syntax).toMatchObject({ valid: false, output: expect.stringContaining('Missing closing brace') });
    expect(syntax.findings).toEqual([
      expect.objectContaining({
        code: 'CONFIG_CHECK_FAILED',
        severity: 'error',
        file: 'broken.conf',
        line: 2,
        message: 'corosync: Missing closing brace',
      }),
    ]);
    const duplicate = generate({ clusterName: 'lab', nodes: nodes(2) }).replace('nodeid: 2', 'nodeid: 1');
    const semantic = await checkWithCorosync(duplicate, { runner, tempDirectory: shared() });
    expect(semantic.valid).toBe(false);
    expect(semantic.findings).toEqual([
      expect.objectContaining({
        code: 'CONFIG_CHECK_FAILED',
        line: 1,
        message: 'corosync: Nodeid 1 appears twice in corosync.conf',
      }),
    ]);
  });
});

describe('writeConfig on a node', () => {
  it("runs the real check when the file is this node's, and refuses a bad edit", async () => {
    const calls: string[] = [];
    const node1 = lab().runner('node1');
    const recording: Runner = {
      ...node1,
      run: (file, args, options) => (calls.push(`${file} ${args.join(' ')}`), node1.run(file, args, options)),
    };
    const path = join(labPaths().node('node1').etcCorosync, 'corosync.conf');
    const original = await readFile(path, 'utf8');
    const document = parse(original, { file: path });
    setOption(document, 'totem.token', 3000);
    const result = await writeConfig(path, document, { runner: recording });
    expect(result.changed).toBe(true);
    expect(calls.some((call) => call.startsWith('corosync -t -c '))).toBe(true);
    expect(await readFile(path, 'utf8')).toContain('    token: 3000\n');
    setOption(document, 'totem.consensus', 1000);
    const refused = await writeConfig(path, document, { runner: recording }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConfigRejectedError);
    expect(refused).toMatchObject({
      stage: 'validate',
      message: expect.stringMatching(/consensus \(1000 ms\) must be at least 1\.2 × token/),
    });
    expect(await readFile(path, 'utf8')).toContain('    token: 3000\n');
    await result.rollback();
    expect(await readFile(path, 'utf8')).toBe(original);
  });
});

describe('ring and quorum status of a live cluster', () => {
  const status = (node: string) => readCorosyncStatus(lab().runner(node));

  it('sees every link up and a quorate membership of three', async () => {
    const seen = await status('node1');
    expect(seen).toMatchObject({
      localNodeId: 1,
      transport: 'knet',
      health: { healthy: true, state: 'healthy', reasons: [] },
    });
    expect(seen.links.map((link) => `${link.name}:${link.link}:${link.local ? 'local' : link.connected}`)).toEqual([
      'node1:0:local',
      'node2:0:true',
      'node3:0:true',
    ]);
    expect(seen.quorum).toMatchObject({ quorate: true, totalVotes: 3, expectedVotes: 3, quorum: 2 });
    expect(seen.members.map((member) => `${member.name}:${member.status}:${member.addresses.join()}`)).toEqual([
      'node1:joined:10.213.0.1',
      'node2:joined:10.213.0.2',
      'node3:joined:10.213.0.3',
    ]);
  });

  it('sees a partitioned node: its link down and gone from the membership; alone, it has lost quorum', async () => {
    await lab().partition('node3');
    try {
      const majority = await waitFor(
        'node1 to see node3 leave',
        60_000,
        async () => {
          const seen = await status('node1');
          return seen.members.find((member) => member.nodeid === 3)?.status === 'left' ? seen : undefined;
        },
        500,
      );
      expect(majority.health).toEqual({
        healthy: false,
        state: 'degraded',
        reasons: [
          { code: 'LINK_DOWN', message: 'link 0 to node3 is down', subject: 'node3' },
          { code: 'MEMBER_LEFT', message: 'node3 has left the membership', subject: 'node3' },
        ],
      });
      expect(majority.quorum).toMatchObject({ quorate: true, totalVotes: 2 });
      const minority = await status('node3');
      expect(minority.quorum).toMatchObject({ quorate: false, activityBlocked: true, totalVotes: 1 });
      expect(minority.health).toMatchObject({ healthy: false, state: 'no-quorum' });
      expect(minority.health.reasons).toContainEqual({
        code: 'NOT_QUORATE',
        message: 'quorum lost: 1 of 3 votes, 2 needed',
      });
      // The CLI, run inside the node, gates on the same facts.
      const cli = await lab()
        .exec('node3', process.execPath, [bin, 'status'])
        .catch((error: unknown) => error as CommandError);
      expect(cli.exitCode).toBe(1);
      expect(cli.stdout).toContain('NOT quorate');
    } finally {
      await lab().heal('node3');
    }
    await waitFor('node3 back', 60_000, async () => ((await status('node1')).health.healthy ? true : undefined), 500);
    const json = await lab().exec('node3', process.execPath, [bin, 'status', '--json']);
    expect(JSON.parse(json.stdout).quorum.quorate).toBe(true);
  });

  it('says clearly when corosync is not running', async () => {
    const error = await readCorosyncStatus(createRunner()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({
      service: 'corosync',
      message: expect.stringMatching(/corosync is not running on this node/),
    });
  });
});
