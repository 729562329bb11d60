import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '@ha/core';
import { command } from './cli.js';
import { parse } from './parse/cst.js';
import { toConfig } from './model/config.js';

const scratch = await mkdtemp(join(tmpdir(), 'ha-corosync-cli-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));
const fixture = (path: string) => new URL(`../test/fixtures/${path}`, import.meta.url).pathname;

const cli = (...argv: string[]) => runCliCaptured(command, argv);

describe('ha-corosync', () => {
  it('show: a summary, or the model as JSON', async () => {
    const summary = await cli('show', fixture('conf/commented.conf'));
    expect(summary.code).toBe(0);
    expect(summary.out).toContain('cluster web: transport knet, crypto aes256/sha256, 2 node(s)');
    expect(summary.out).toMatch(/web2 +nodeid 2 +link0=192\.168\.10\.2 link1=fd00:10::2/);
    expect(summary.out).toContain('quorum: corosync_votequorum (two_node)');
    const json = JSON.parse((await cli('show', '--json', fixture('conf/qdevice.conf'))).out);
    expect(json.quorum.device).toMatchObject({
      model: 'net',
      votes: 1,
      net: { host: 'qnetd.example.com', algorithm: 'ffsplit' },
    });
  });

  it('validate: findings as FILE:LINE:COL, exit 1 on an error, --strict for warnings, 2 when unparsable', async () => {
    const clean = await cli('validate', fixture('pcs-0.11.5/pcs-3nodes.conf'));
    expect(clean).toMatchObject({ code: 0, out: '' });
    const file = join(scratch, 'bad.conf');
    await writeFile(
      file,
      'totem {\n version: 2\n cluster_name: x\n tokn: 3000\n}\nnodelist {\n node {\n  ring0_addr: 10.0.0.1\n  name: a\n }\n}\n',
    );
    const bad = await cli('validate', file);
    expect(bad.code).toBe(1);
    expect(bad.out).toBe(
      `${file}:4:2: warning UNKNOWN_KEY: unknown key 'tokn' in 'totem'; corosync ignores it\n` +
        `${file}:7:2: error MISSING_NODEID: node a has no nodeid; knet needs one on every node\n`,
    );
    const json = JSON.parse((await cli('validate', '--json', file)).out);
    expect(json.findings.map((finding: { code: string }) => finding.code)).toEqual(['UNKNOWN_KEY', 'MISSING_NODEID']);
    await writeFile(
      file,
      'totem {\n version: 2\n cluster_name: x\n tokn: 3000\n}\nnodelist {\n node {\n  ring0_addr: 10.0.0.1\n  name: a\n  nodeid: 1\n }\n}\n',
    );
    expect((await cli('validate', file)).code).toBe(0);
    expect((await cli('validate', '--strict', file)).code).toBe(1);
    await writeFile(file, 'totem {\n');
    const broken = await cli('validate', file);
    expect(broken).toMatchObject({ code: 2, err: `ha-corosync: ${file}:1:1: section 'totem' is not closed\n` });
    expect((await cli('validate', join(scratch, 'missing.conf'))).code).toBe(2);
  });

  it.each([['show'], ['validate'], ['fmt'], ['add-node', 'node9=10.0.0.9'], ['remove-node', 'node1']])(
    '%s takes --max-bytes and refuses a larger file in one line',
    async (name, ...rest) => {
      const file = fixture('pcs-0.11.5/pcs-2nodes.conf');
      const refused = await cli(name, file, ...rest, '--max-bytes', '100');
      expect(refused).toMatchObject({ code: 2, out: '' });
      expect(refused.err).toMatch(
        /^ha-corosync: [^\n]*pcs-2nodes\.conf: \d+ bytes is more than the limit of 100 bytes [^\n]*--max-bytes[^\n]*\n$/,
      );
      expect(await cli(name, file, ...rest, '--max-bytes', 'lots')).toMatchObject({
        code: 2,
        err: "ha-corosync: --max-bytes: 'lots' is not a number of bytes (e.g. 16777216, 64MiB)\n",
      });
    },
  );

  it('validate folds repeated findings into one line each', async () => {
    const file = join(scratch, 'repeated.conf');
    const keys = Array.from({ length: 25 }, (_, i) => `    x_${i}: 1\n`).join('');
    await writeFile(
      file,
      `totem {\n    cluster_name: x\n${keys}}\nnodelist {\n    node {\n        ring0_addr: 10.0.0.1\n        name: a\n        nodeid: 1\n    }\n}\n`,
    );
    const lines = (await cli('validate', '--no-real-check', file)).out.trimEnd().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines.at(-1)).toBe(`${file}:12:5: warning UNKNOWN_KEY: and 15 more like it (UNKNOWN_KEY)`);
  });

  it('fmt: canonical layout, --check and --write', async () => {
    const file = join(scratch, 'fmt.conf');
    await copyFile(fixture('conf/commented.conf'), file);
    expect((await cli('fmt', '--check', file)).code).toBe(1);
    const printed = (await cli('fmt', file)).out;
    expect(printed).toContain('\n    interface {\n        linknumber: 0\n');
    expect(printed).toContain('\n    token: 3000\n');
    expect((await cli('fmt', '--write', file)).code).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(printed);
    expect((await cli('fmt', '--check', file)).code).toBe(0);
    expect((await cli('fmt', '--check', fixture('pcs-0.11.5/pcs-5nodes.conf'))).code).toBe(0);
  });

  it('generate: prints or writes a new cluster file', async () => {
    const printed = await cli(
      'generate',
      '--name',
      'web',
      'web1=10.0.0.1,10.1.0.1',
      'web2=10.0.0.2,10.1.0.2',
      '--link',
      '1:knet_link_priority=5',
      '--quorum',
      'wait_for_all=1',
      '--no-uuid',
    );
    expect(printed.code).toBe(0);
    const config = toConfig(parse(printed.out));
    expect(config.nodes.map((node) => node.links.length)).toEqual([2, 2]);
    expect(config.totem.interfaces).toEqual([
      { linknumber: 1, ringnumber: undefined, options: { knet_link_priority: '5', linknumber: '1' } },
    ]);
    expect(config.quorum).toMatchObject({ twoNode: true, waitForAll: true });
    const file = join(scratch, 'generated.conf');
    expect((await cli('generate', '--name', 'web', 'a=10.0.0.1', '-o', file, '--no-crypto')).code).toBe(0);
    expect(toConfig(parse(await readFile(file, 'utf8'))).totem.cryptoCipher).toBeUndefined();
    expect(await cli('generate', '--name', 'web', 'oops')).toMatchObject({
      code: 2,
      err: "ha-corosync: 'oops' is not NODE=ADDR[,ADDR2…]\n",
    });
  });

  it('add-node and remove-node edit in place with a backup', async () => {
    const file = join(scratch, 'cluster.conf');
    await copyFile(fixture('pcs-0.11.5/pcs-2nodes.conf'), file);
    const added = await cli('add-node', file, 'node3=10.213.0.3');
    expect(added.out).toBe(`${file}: added node3 (previous file in ${file}.bak)\n`);
    const config = toConfig(parse(await readFile(file, 'utf8')));
    expect(config.nodes.map((node) => `${node.name}/${node.nodeid}`)).toEqual(['node1/1', 'node2/2', 'node3/3']);
    expect(config.quorum.twoNode).toBeUndefined();
    expect(await readFile(`${file}.bak`, 'utf8')).toBe(await readFile(fixture('pcs-0.11.5/pcs-2nodes.conf'), 'utf8'));
    expect((await cli('remove-node', file, 'node3')).code).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(await readFile(fixture('pcs-0.11.5/pcs-2nodes.conf'), 'utf8'));
    expect(await cli('remove-node', file, 'ghost')).toMatchObject({
      code: 2,
      err: "ha-corosync: no node named 'ghost'\n",
    });
  });
});
