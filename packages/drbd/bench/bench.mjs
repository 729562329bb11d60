// npm run bench -w @ha/drbd
// Ratios against the real drbdadm, measured in this run (needs `npm run build` first).
// There is no live DRBD here (no kernel module), so the bench covers what runs: reading and
// checking resource files, and planning commands.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRunner } from '@ha/core';
import {
  buildResource,
  Drbdadm,
  evaluateDrbdHealth,
  parse,
  parseDrbdsetupJson,
  serialize,
  toConfig,
  validate,
} from '../dist/index.js';
import { ratio, time } from '../../../tools/scripts/bench-kit.mjs';

const directory = await mkdtemp(join(tmpdir(), 'ha-drbd-bench-'));
try {
  // 1. 100 three-node resources in one file: parse + typed view + checks + print, vs drbdadm dump.
  const resources = Array.from({ length: 100 }, (_, i) =>
    buildResource({
      name: `r${i}`,
      device: `/dev/drbd${i}`,
      disk: `/dev/vg/lv${i}`,
      nodes: ['node1', 'node2', 'node3'].map((name, n) => ({ name, address: `10.213.0.${n + 1}:${7789 + i}` })),
      protocol: 'C',
    }),
  );
  const text = `global { disable-ip-verification; usage-count no; }\n${resources.join('\n')}`;
  const file = join(directory, 'drbd.conf');
  await writeFile(file, text);
  console.log('check 100 three-node resources in one file');
  const ours = await time('@ha/drbd parse + toConfig + validate + serialize', 200, () => {
    const document = parse(text);
    toConfig(document);
    if (validate(document, { host: 'node1' }).some((finding) => finding.severity === 'error'))
      throw new Error('unexpected finding');
    if (serialize(document) !== text) throw new Error('not lossless');
  });
  const real = await time('drbdadm -c FILE dump all', 20, () =>
    defaultRunner.run('drbdadm', ['-c', file, 'dump', 'all'], {
      env: { __DRBD_NODE__: 'node1', DRBD_DRIVER_VERSION_OVERRIDE: '9.2.0' },
    }),
  );
  console.log(`  ${ratio(ours, real)}`);

  // 2. Planning `up` for one resource: our typed dry run (which runs drbdadm -d) vs drbdadm -d itself.
  console.log('plan `up` of one resource (dry run)');
  const client = new Drbdadm({ configFile: file, node: 'node1', driverVersion: '9.2.0' });
  const plan = await time('Drbdadm.up(r0, { dryRun }) (drbdadm -d, parsed)', 30, () =>
    client.up('r0', { dryRun: true }),
  );
  const raw = await time('drbdadm -d up r0 (unparsed)', 30, () =>
    defaultRunner.run('drbdadm', ['-c', file, '-d', 'up', 'r0'], {
      env: { __DRBD_NODE__: 'node1', DRBD_DRIVER_VERSION_OVERRIDE: '9.2.0' },
    }),
  );
  console.log(`  ${ratio(plan, raw)}`);

  // 3. Status of 100 resources from drbdsetup status --json (no live drbdsetup here: parse only).
  const status = JSON.stringify(
    Array.from({ length: 100 }, (_, i) => ({
      name: `r${i}`,
      'node-id': 0,
      role: 'Primary',
      suspended: false,
      'write-ordering': 'flush',
      devices: [
        {
          volume: 0,
          minor: i,
          'disk-state': 'UpToDate',
          client: false,
          quorum: true,
          size: 1048412,
          read: 0,
          written: 331776,
        },
      ],
      connections: ['node2', 'node3'].map((name, n) => ({
        'peer-node-id': n + 1,
        name,
        'connection-state': 'Connected',
        congested: false,
        'peer-role': 'Secondary',
        paths: [],
        peer_devices: [
          {
            volume: 0,
            'replication-state': 'Established',
            'peer-disk-state': 'UpToDate',
            'out-of-sync': 0,
            'percent-in-sync': 100,
          },
        ],
      })),
    })),
  );
  console.log('status of 100 resources (drbdsetup status --json text)');
  await time('parseDrbdsetupJson + evaluateDrbdHealth', 500, () => evaluateDrbdHealth(parseDrbdsetupJson(status)));
  console.log('  (no ratio: drbdsetup cannot run without the kernel module)');
} finally {
  await rm(directory, { recursive: true, force: true });
}
