import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { expectLinearCosts, measureSizes } from '@ha/core/testing';
import { safeParse, serialize, validate } from '../src/index.js';

// Large files of valid lines: validation and parsing stay linear in the input, findings stay
// folded, and the CLI either refuses the file by its size limit or reads it within bounds.
// No daemon is needed; this is an integration test for its size and its timing (run alone).

const bin = fileURLToPath(new URL('../bin/ha-corosync.js', import.meta.url));
const scratch = await mkdtemp(join(tmpdir(), 'ha-corosync-large-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const head =
  'totem {\n    version: 2\n    cluster_name: big\n    transport: knet\n    crypto_cipher: aes256\n    crypto_hash: sha256\n}\n\n' +
  'quorum {\n    provider: corosync_votequorum\n}\n\n';

/**
 * About `bytes` of one `nodelist { node { … } }` block after another, each node with its own
 * name, nodeid and address. corosync merges the blocks (each after the first is a warning); every
 * node is a node, so the duplicate checks see them all.
 */
function manyNodelists(bytes: number): { text: string; blocks: number } {
  const parts = [head];
  let size = head.length;
  let blocks = 0;
  while (size < bytes) {
    const id = ++blocks;
    const address = `10.${(id >> 16) & 255}.${(id >> 8) & 255}.${id & 255}`;
    const block = `nodelist {\n    node {\n        ring0_addr: ${address}\n        name: node${id}\n        nodeid: ${id}\n    }\n}\n`;
    parts.push(block);
    size += block.length;
  }
  return { text: parts.join(''), blocks };
}

/** About `bytes`: a two-node cluster, then a `logging` section of keys corosync does not know (and ignores). */
function bigLoggingSection(bytes: number): { text: string; keys: number } {
  const cluster =
    'nodelist {\n    node {\n        ring0_addr: 10.0.0.1\n        name: node1\n        nodeid: 1\n    }\n' +
    '    node {\n        ring0_addr: 10.0.0.2\n        name: node2\n        nodeid: 2\n    }\n}\n\nlogging {\n';
  const parts = [head, cluster];
  let size = head.length + cluster.length;
  let keys = 0;
  while (size < bytes) {
    const line = `    x_${keys++}: on\n`;
    parts.push(line);
    size += line.length;
  }
  parts.push('}\n');
  return { text: parts.join(''), keys };
}

describe('time and findings are linear in the input', () => {
  it('validate: 1, 10 and 50 MB of nodelist blocks, findings folded', async () => {
    // Each size's findings, from the timed runs themselves.
    const runs = new Map<{ text: string; blocks: number }, ReturnType<typeof validate>>();
    const costs = await measureSizes([1e6, 1e7, 5e7], manyNodelists, (input) => runs.set(input, validate(input.text)));
    expectLinearCosts(costs);
    for (const [{ blocks }, findings] of runs) {
      // One warning per merged block, folded after the first ten: a few findings, not hundreds of thousands.
      expect(findings.map((finding) => finding.code)).toEqual([
        ...Array<string>(10).fill('DUPLICATE_KEY'),
        'DUPLICATE_KEY',
      ]);
      expect(findings.at(-1)).toMatchObject({
        folded: blocks - 1 - 10,
        message: `and ${(blocks - 11).toLocaleString('en-US')} more like it (DUPLICATE_KEY)`,
      });
    }
  }, 120_000);

  it('safeParse: 0.2, 2 and 10 MB, and the tree prints back byte for byte', async () => {
    const costs = await measureSizes(
      [2e5, 2e6, 1e7],
      (size) => manyNodelists(size).text,
      (text) => safeParse(text),
    );
    expectLinearCosts(costs);
    const { text } = manyNodelists(1e7);
    expect(serialize(safeParse(text).document) === text).toBe(true);
  }, 120_000);
});

/** Runs the real bin, with a hook that reports its own CPU time and peak memory when it exits. */
async function runBin(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string; cpuMs: number; maxRssMb: number; wallMs: number }> {
  const usageFile = join(scratch, `usage-${Date.now()}.json`);
  const hook =
    "import { writeFileSync } from 'node:fs'; " +
    "process.on('exit', () => writeFileSync(process.env.HA_TEST_USAGE, JSON.stringify(process.resourceUsage())));";
  const started = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(hook)}`, bin, ...args],
      { env: { ...process.env, HA_TEST_USAGE: usageFile }, maxBuffer: 1 << 20 },
      (error, out, err) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout: out, stderr: err }),
    );
  });
  const wallMs = performance.now() - started;
  const usage = JSON.parse(await readFile(usageFile, 'utf8')) as NodeJS.ResourceUsage;
  return {
    code,
    stdout,
    stderr,
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    maxRssMb: usage.maxRSS / 1024,
    wallMs,
  };
}

describe('ha-corosync validate on a 50 MB file', () => {
  const file = join(scratch, 'big.conf');
  let keys = 0;

  it('is refused by the default size limit: exit 2, one line naming the limit', async () => {
    expect(
      existsSync(new URL('../dist/cli.bundle.js', import.meta.url)),
      'build the package first: the test runs its bin',
    ).toBe(true);
    const big = bigLoggingSection(5e7);
    keys = big.keys;
    await writeFile(file, big.text);
    const run = await runBin(['validate', file]);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(
      /^ha-corosync: [^\n]*big\.conf: 50,000,\d{3} bytes is more than the limit of 16,777,216 bytes [^\n]*--max-bytes[^\n]*\n$/,
    );
    expect(run.maxRssMb).toBeLessThan(100);
  }, 60_000);

  it('with --max-bytes raised: read in under 5 s of CPU and 300 MB, each kind of finding folded into one line', async () => {
    const run = await runBin(['validate', '--max-bytes', '60000000', '--no-real-check', file]);
    const summary = `cpu ${run.cpuMs.toFixed(0)} ms, wall ${run.wallMs.toFixed(0)} ms, peak ${run.maxRssMb.toFixed(0)} MB`;
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines.slice(0, 10).every((line) => line.includes(': warning UNKNOWN_KEY: unknown key '))).toBe(true);
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `:\\d+:5: warning UNKNOWN_KEY: and ${(keys - 10).toLocaleString('en-US')} more like it \\(UNKNOWN_KEY\\)$`,
      ),
    );
    expect(run.maxRssMb, summary).toBeLessThan(300);
    expect(run.cpuMs, summary).toBeLessThan(5000);
    // Wall time also counts whatever else the machine runs; a bound well above 5 s still catches a stall.
    expect(run.wallMs, summary).toBeLessThan(15_000);
  }, 60_000);
});
