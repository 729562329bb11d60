import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillToSize as fill } from '@ha/core/testing';

// The shipped bin (it runs dist/cli.bundle.js: `npm test` builds first) on 50 MB files of valid
// lines: each run stays under 300 MB of memory and 5 s, because the size limit (16 MiB unless
// --max-bytes says otherwise) refuses the file before reading it, in one line with exit 2.
const bin = fileURLToPath(new URL('../bin/ha-drbd.js', import.meta.url));
// Reports the process's peak resident memory (KiB) on fd 3 as it exits, whatever the exit path.
const reportPeakMemory = `data:text/javascript,${encodeURIComponent("import { writeSync } from 'node:fs'; process.on('exit', () => { try { writeSync(3, String(process.resourceUsage().maxRSS)); } catch {} });")}`;

let scratch = '';
const big = { resources: '', status: '' };
const fiftyMegabytes = 50 * 1024 * 1024;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'ha-drbd-bin-'));
  big.resources = join(scratch, 'big.res');
  big.status = join(scratch, 'status.txt');
  await writeFile(
    big.resources,
    fill(
      fiftyMegabytes,
      (i) =>
        `resource r${i} {\n  device /dev/drbd${i}; disk /dev/vg/lv${i}; meta-disk internal;\n  on node1 { node-id 0; address 10.0.${(i >> 8) & 255}.${i & 255}:7789; }\n  on node2 { node-id 1; address 10.1.${(i >> 8) & 255}.${i & 255}:7789; }\n}\n`,
    ),
  );
  await writeFile(
    big.status,
    fill(
      fiftyMegabytes,
      (i) => `r${i} role:Primary\n  disk:UpToDate\n  node2 role:Secondary\n    peer-disk:UpToDate\n`,
    ),
  );
}, 60_000);
afterAll(() => rm(scratch, { recursive: true, force: true }));

function runBin(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number; peakKiB: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', reportPeakMemory, bin, ...args], {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    const streams = { stdout: '', stderr: '', peak: '' };
    child.stdout?.on('data', (chunk: Buffer) => void (streams.stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => void (streams.stderr += chunk.toString()));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => void (streams.peak += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout: streams.stdout,
        stderr: streams.stderr,
        ms: Date.now() - started,
        peakKiB: Number(streams.peak),
      }),
    );
  });
}

describe('ha-drbd (the bin) on a 50 MB file', () => {
  it.each([
    ['validate', () => ['validate', big.resources, '--host', 'node1']],
    ['show', () => ['show', big.resources]],
    ['status --from', () => ['status', '--from', big.status]],
  ])(
    '%s: refused by the size limit in one line, exit 2, under 300 MB and 5 s',
    async (_name, args) => {
      expect(
        existsSync(new URL('../dist/cli.bundle.js', import.meta.url)),
        'build @ha/drbd first (npm run build -w @ha/drbd)',
      ).toBe(true);
      const result = await runBin(args());
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(
        /^ha-drbd: \S+: 5[\d,]+ bytes is more than the limit of 16,777,216 bytes \(raise it with the maxBytes option \(--max-bytes in the CLIs\)\)\n$/,
      );
      expect(result.peakKiB).toBeGreaterThan(0);
      expect(result.peakKiB).toBeLessThan(300 * 1024);
      expect(result.ms).toBeLessThan(5_000);
    },
    30_000,
  );
});
