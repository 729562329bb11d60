// npm run bench -w @ha/corosync-config
// Ratios against the real tools, measured in this run (needs `npm run build` first).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRunner } from '@ha/core';
import { LabCluster, teardownLab } from '@ha/lab';
import { generate, parse, readCorosyncStatus, serialize, setOption, toConfig, validate } from '../dist/index.js';
import { ratio, time } from '../../../tools/scripts/bench-kit.mjs';

// 1. Reading and checking a 5-node, 2-link config: parse + typed model + validation + print, vs `corosync -t`.
const directory = await mkdtemp(join(tmpdir(), 'ha-corosync-bench-'));
try {
  // node1 on loopback: corosync -t insists that this host is one of the nodes.
  const nodes = Array.from({ length: 5 }, (_, i) => ({
    name: `node${i + 1}`,
    addresses: i === 0 ? ['127.0.0.1', '127.0.1.1'] : [`10.213.0.${i + 1}`, `10.213.1.${i + 1}`],
  }));
  // No crypto (no authkey needed) and no log file: corosync -t touches nothing on this host.
  const document = parse(generate({ clusterName: 'bench', nodes, crypto: false }));
  setOption(document, 'logging.to_logfile', 'no');
  setOption(document, 'logging.to_syslog', 'no');
  const text = serialize(document);
  const file = join(directory, 'corosync.conf');
  await writeFile(file, text);
  console.log('check a 5-node corosync.conf');
  const ours = await time('@ha/corosync-config parse + toConfig + validate + serialize', 2000, () => {
    const parsed = parse(text);
    toConfig(parsed);
    if (validate(parsed).some((finding) => finding.severity === 'error')) throw new Error('unexpected finding');
    serialize(parsed);
  });
  const real = await time('corosync -t -c FILE', 50, () => defaultRunner.run('corosync', ['-t', '-c', file]));
  console.log(`  ${ratio(ours, real)}`);
} finally {
  await rm(directory, { recursive: true, force: true });
}

// 2. Ring and quorum status of a live node: readCorosyncStatus vs the two real tools an operator runs.
if (!process.argv.includes('--no-lab')) {
  console.log('ring + quorum status of node1 in a 3-node lab cluster');
  await teardownLab();
  const lab = await LabCluster.up({ nodes: 3 });
  try {
    const node1 = lab.runner('node1');
    const ours = await time('readCorosyncStatus (cmapctl ×2 + quorumtool, parsed)', 30, () =>
      readCorosyncStatus(node1),
    );
    const real = await time('corosync-cfgtool -s + corosync-quorumtool -s (unparsed)', 30, async () => {
      await node1.run('corosync-cfgtool', ['-s'], { allowExitCodes: [1] });
      await node1.run('corosync-quorumtool', ['-s'], { allowExitCodes: [2] });
    });
    console.log(`  ${ratio(ours, real)}`);
  } finally {
    await teardownLab();
  }
}
