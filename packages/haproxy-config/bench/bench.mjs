// npm run bench -w @ha/haproxy-config  (needs `npm run build`)
// A generated 52,000-line configuration: a whole node process that parses it to the typed model and
// prints it back, against `haproxy -c -f` on the same file, measured in this run.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRunner } from '@ha/core';
import { build } from 'esbuild';
import { targetRatio, timeMedian } from '../../../tools/scripts/bench-kit.mjs';

const backends = 2000;
const serversPerBackend = 20;

function generate() {
  const lines = [
    'global',
    '    maxconn 2000',
    '    log /dev/log local0',
    '',
    'defaults',
    '    mode http',
    '    timeout connect 5s',
    '    timeout client 30s',
    '    timeout server 30s',
    '',
    'frontend web',
    '    bind 127.0.0.1:8080',
  ];
  for (let b = 0; b < backends; b++) lines.push(`    use_backend be${b} if { path_beg /app${b}/ }`);
  lines.push('    default_backend be0', '');
  for (let b = 0; b < backends; b++) {
    lines.push(`backend be${b}`, '    balance roundrobin', '    option httpchk GET /health', '    timeout check 2s');
    for (let s = 0; s < serversPerBackend; s++)
      lines.push(`    server s${s} 10.${b >> 8}.${b & 255}.${s + 1}:80 check inter 2s fall 3 rise 2 weight 10`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

const directory = await mkdtemp(join(tmpdir(), 'ha-haproxy-config-bench-'));
try {
  const text = generate();
  const file = join(directory, 'haproxy.cfg');
  await writeFile(file, text);
  // The process under test is bundled into one file, as the package's CLI is.
  const script = join(directory, 'roundtrip.js');
  await build({
    entryPoints: [fileURLToPath(new URL('./roundtrip.mjs', import.meta.url))],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    keepNames: true,
    logLevel: 'warning',
  });
  const { stdout } = await defaultRunner.run(process.execPath, [script, file]);
  console.log(
    `a generated configuration: ${text.split('\n').length - 1} lines, ${(text.length / 1e6).toFixed(1)} MB, ${stdout.trim()}`,
  );
  const haproxy = await timeMedian('haproxy -c -f FILE', 7, () =>
    defaultRunner.run('haproxy', ['-c', '-q', '-f', file], { timeoutMs: 120_000 }),
  );
  const ours = await timeMedian('node: parse → typed model (zod) → serialize, byte-equal', 7, () =>
    defaultRunner.run(process.execPath, [script, file], { timeoutMs: 120_000 }),
  );
  await timeMedian('node -e 0 (the floor of any node process)', 7, () =>
    defaultRunner.run(process.execPath, ['-e', '0']),
  );
  targetRatio('ours / haproxy -c', ours, haproxy, 0.2);
} finally {
  await rm(directory, { recursive: true, force: true });
}
