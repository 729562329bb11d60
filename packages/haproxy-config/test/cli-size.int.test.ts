import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRunner } from '@ha/core';
import { generateConfig } from './generate.js';

// The shipped CLI (bin → dist) as a user runs it, on big inputs: its time, and the peak memory of its
// own process (haproxy -c, a child, is left out: it is HAProxy's), written at exit by a preloaded hook.
const bin = fileURLToPath(new URL('../bin/ha-haproxy-config.js', import.meta.url));
const hookSource =
  "import { writeFileSync } from 'node:fs'; " +
  "process.on('exit', () => writeFileSync(process.env.HA_PEAK_RSS_FILE, String(process.resourceUsage().maxRSS * 1024)));";
const hook = `data:text/javascript,${encodeURIComponent(hookSource)}`;
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'ha-haproxy-size-'));
});
afterAll(() => rm(directory, { recursive: true, force: true }));

async function runCli(
  args: string[],
): Promise<{ exitCode: number; stdout: string; stderr: string; durationMs: number; peakRss: number }> {
  const rssFile = join(directory, 'peak-rss');
  const result = await defaultRunner.run(process.execPath, ['--import', hook, bin, ...args], {
    allowExitCodes: [1, 2],
    env: { HA_PEAK_RSS_FILE: rssFile },
    timeoutMs: 60_000,
  });
  return { ...result, peakRss: Number(await readFile(rssFile, 'utf8')) };
}

describe('ha-haproxy-config on big inputs', () => {
  it('refuses a 50 MB file at once with one line naming the limit (exit 2), in under 5 s and 300 MB', async () => {
    const path = join(directory, 'big.cfg');
    await writeFile(path, generateConfig(50_000_000));
    for (const command of [
      ['validate', path],
      ['show', path],
      ['fmt', path],
      ['add-server', path, 'b0', 'x', '127.0.0.1:1'],
    ]) {
      const result = await runCli(command);
      expect(result.exitCode, command[0]).toBe(2);
      expect(result.stderr, command[0]).toMatch(
        /^ha-haproxy-config: .*big\.cfg: 5\d,\d{3},\d{3} bytes is more than the limit of 16,777,216 bytes \(raise it with .*--max-bytes.*\)\n$/,
      );
      expect(result.durationMs, command[0]).toBeLessThan(5_000);
      expect(result.peakRss, command[0]).toBeLessThan(300 * 1024 * 1024);
    }
  }, 120_000);

  it('validates a 10 MB file (under the limit) in under 5 s and 300 MB', async () => {
    const path = join(directory, 'ten.cfg');
    await writeFile(path, generateConfig(10_000_000));
    const result = await runCli(['validate', path, '--no-real-check']);
    expect(result).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    expect(result.durationMs).toBeLessThan(5_000);
    expect(result.peakRss).toBeLessThan(300 * 1024 * 1024);
  }, 120_000);
});
