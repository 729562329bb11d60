// npm run bench -w @ha/haproxy-runtime
// A real HAProxy with 40,000 servers; ratios against socat measured in this run (needs `npm run build`).
//   --servers N        servers in all (default 40000)
//   --socat-sample N   commands timed with one socat each, to extrapolate the loop (default 1000)
//   --full-socat-loop  time the whole loop of one socat per command instead (about 140 s here)
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRunner } from '@ha/core';
import { HaproxyRuntime } from '../dist/index.js';
import { targetRatio, timeMedian } from '../../../tools/scripts/bench-kit.mjs';

const option = (flag, fallback) =>
  process.argv.includes(flag) ? Number(process.argv[process.argv.indexOf(flag) + 1]) : fallback;
const serverCount = option('--servers', 40_000);
const socatSample = option('--socat-sample', 1_000);
const fullLoop = process.argv.includes('--full-socat-loop');
const perBackend = 1_000;
// Run as operators run it: the bin itself, through its #! line.
const cli = fileURLToPath(new URL('../bin/ha-haproxy.js', import.meta.url));

async function timed(work) {
  const start = performance.now();
  await work();
  return performance.now() - start;
}
const show = (label, ms) => console.log(`  ${label.padEnd(66)} ${ms.toFixed(1).padStart(10)} ms`);

const directory = await mkdtemp(join(tmpdir(), 'ha-runtime-bench-'));
const socket = join(directory, 'admin.sock');
const pidFile = join(directory, 'haproxy.pid');
try {
  // 40 backends of 1,000 servers, no health checks (nothing listens; they stay UP without checks).
  let config = `global\n    stats socket ${socket} mode 600 level admin\n    stats timeout 2m\n    maxconn 2000\n\ndefaults\n    mode http\n    timeout connect 2s\n    timeout client 10s\n    timeout server 10s\n\n`;
  const servers = [];
  for (let b = 0; b * perBackend < serverCount; b++) {
    config += `backend be${b}\n    balance roundrobin\n`;
    for (let s = 0; s < perBackend && b * perBackend + s < serverCount; s++) {
      config += `    server s${s} 127.0.0.1:${10_000 + s}\n`;
      servers.push(`be${b}/s${s}`);
    }
    config += '\n';
  }
  const configFile = join(directory, 'haproxy.cfg');
  await writeFile(configFile, config);
  await defaultRunner.run('haproxy', ['-c', '-q', '-f', configFile], { timeoutMs: 120_000 });
  const started = await timed(() =>
    defaultRunner.run('haproxy', ['-D', '-p', pidFile, '-f', configFile], { stdio: 'ignore', timeoutMs: 120_000 }),
  );
  console.log(
    `HAProxy ${(await defaultRunner.run('haproxy', ['-v'])).stdout.split('\n')[0]} with ${servers.length} servers, started in ${started.toFixed(0)} ms`,
  );

  // The same commands for every contender: one weight change per server.
  const commands = servers.map((server, i) => `set server ${server} weight ${(i % 100) + 1}`);
  const commandFile = join(directory, 'commands.txt');
  await writeFile(commandFile, `${commands.join('\n')}\n`);
  const socat = (input) =>
    defaultRunner.run('socat', ['-t', '30', 'stdio', `UNIX-CONNECT:${socket}`], {
      input,
      stdio: 'ignore',
      timeoutMs: 600_000,
    });

  console.log(`\n1. ${commands.length} 'set server … weight' commands`);
  const promptInput = `prompt\n${commands.join('\n')}\n`;
  const socatPrompt = await timeMedian('socat, all commands over one connection in prompt mode', 5, () =>
    socat(promptInput),
  );
  let socatLoop;
  if (fullLoop) {
    socatLoop = await timed(async () => {
      for (const command of commands) await socat(`${command}\n`);
    });
    show(`socat, one process per command, all ${commands.length}`, socatLoop);
  } else {
    const sample = commands.slice(0, socatSample);
    const sampleMs = await timed(async () => {
      for (const command of sample) await socat(`${command}\n`);
    });
    socatLoop = (sampleMs / sample.length) * commands.length;
    show(
      `socat, one process per command: ${sample.length} timed, ${(sampleMs / sample.length).toFixed(2)} ms each; ×${commands.length}`,
      socatLoop,
    );
  }
  const batch = await timeMedian('ha-haproxy batch FILE (the whole process)', 5, () =>
    defaultRunner.run(cli, ['batch', commandFile, '--quiet', '--socket', socket], {
      stdio: 'ignore',
      timeoutMs: 600_000,
    }),
  );
  const runtime = new HaproxyRuntime(socket);
  await timeMedian('HaproxyRuntime.batch() in a running process', 5, () => runtime.batch(commands));
  await runtime.close();
  targetRatio('ha-haproxy batch / socat loop', batch, socatLoop, 0.01);
  targetRatio('ha-haproxy batch / socat prompt mode', batch, socatPrompt, 3);

  console.log(`\n2. show stat of ${servers.length} servers`);
  const csv = await defaultRunner.run('socat', ['-t', '30', 'stdio', `UNIX-CONNECT:${socket}`], {
    input: 'show stat\n',
  });
  console.log(`  (the CSV is ${(csv.stdout.length / 1e6).toFixed(1)} MB)`);
  const fetchRaw = await timeMedian('socat fetching the raw CSV', 7, () => socat('show stat\n'));
  const statJson = await timeMedian('ha-haproxy stat --json: fetched, typed, printed', 7, () =>
    defaultRunner.run(cli, ['stat', '--json', '--socket', socket], { stdio: 'ignore', timeoutMs: 600_000 }),
  );
  targetRatio('ha-haproxy stat --json / socat raw fetch', statJson, fetchRaw, 2);
  // Whether the byte encoder (internal, 450 lines) still earns its place: the conversion alone, in this process,
  // against the string printer and against JSON.stringify of the parsed rows (the plain path it replaces).
  const { StatJsonByteEncoder } = await import('../dist/print/stat-json-bytes.js');
  const { printStatJson, parseStatCsv } = await import('../dist/index.js');
  const bytes = Buffer.from(csv.stdout);
  console.log(`  the conversion alone of ${parseStatCsv(csv.stdout).length} rows, in this process:`);
  const encoded = await timeMedian('  StatJsonByteEncoder, 64 KiB chunks (what stat --json runs)', 9, () => {
    const encoder = new StatJsonByteEncoder(() => undefined);
    for (let i = 0; i < bytes.length; i += 65_536) encoder.push(bytes.subarray(i, i + 65_536));
    encoder.end();
  });
  await timeMedian('  printStatJson, the whole text', 9, () => printStatJson(csv.stdout, () => undefined));
  const stringified = await timeMedian('  parseStatCsv, then JSON.stringify of each row', 9, () => {
    for (const row of parseStatCsv(csv.stdout)) JSON.stringify(row);
  });
  console.log(`  (the encoder takes ${((encoded / stringified) * 100).toFixed(0)}% of JSON.stringify's time)`);
  if (process.env.NODE_EXTRA_CA_CERTS) {
    // What the bin's #! line saves on a machine that sets it (this one does): Node parses that CA file at every start.
    const withCaFile = await timeMedian('the same through `node BIN`, which keeps NODE_EXTRA_CA_CERTS', 7, () =>
      defaultRunner.run(process.execPath, [cli, 'stat', '--json', '--socket', socket], {
        stdio: 'ignore',
        timeoutMs: 600_000,
      }),
    );
    console.log(`  (ratio ${(withCaFile / fetchRaw).toFixed(3)}, for information)`);
  }
} finally {
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (pid > 0) process.kill(pid, 'SIGTERM');
  await rm(directory, { recursive: true, force: true });
}
