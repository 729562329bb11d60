#!/usr/bin/env node
// Records what one generation of the stack says, into each package's test/fixtures/<tool>/<version>/,
// from the lab's real daemons and through the libraries, so unit tests cover every generation
// without daemons:
//   npm run build && node tools/lab/scripts/record-fixtures.mjs --stack debian13 [--only corosync,pcs-status,crm_mon,haproxy-runtime,haproxy-check]
// - corosync-config: corosync-cfgtool -s/-n, corosync-quorumtool -s/-s -p/-l of a healthy 3-node lab
// - pcs-client: `pcs status` and `pcs status --full` text, then crm_mon's XML and text and the CIB of
//   each fault state (packages/pcs-client/test/record-fixtures.mjs)
// - haproxy-runtime: show stat/info/servers state/backend and the usual answers and refusals of the
//   lab's HAProxy after some traffic, srv2 draining and srv3's process killed; the master CLI's
//   `show proc` and `reload`
// - haproxy-config: `haproxy -c` over the real-world corpus (corpus-check.json)
// It boots its own lab and tears it down at the end, also when it fails.
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { HaproxyMaster, HaproxyRuntime } from '@ha/haproxy-runtime';
import {
  defaultStack,
  killLabBackend,
  LabCluster,
  locateStack,
  parseStackName,
  startHaproxyLab,
  teardownLab,
  waitFor,
} from '@ha/lab';

const repository = fileURLToPath(new URL('../../../', import.meta.url));
const { values } = parseArgs({ options: { stack: { type: 'string' }, only: { type: 'string' } } });
const parts = ['corosync', 'pcs-status', 'crm_mon', 'haproxy-runtime', 'haproxy-check'];
const wanted = new Set(values.only === undefined ? parts : values.only.split(','));
for (const part of wanted)
  if (!parts.includes(part)) throw new Error(`--only: no part '${part}' (${parts.join(', ')})`);
const stack = values.stack === undefined ? defaultStack() : parseStackName(values.stack);
const say = (text) => process.stdout.write(`${stack}: ${text}\n`);

async function save(directory, name, text) {
  await mkdir(directory, { recursive: true });
  await writeFile(join(directory, name), text);
}

async function recordCorosync(lab) {
  const version = /version '([^']+)'/.exec((await lab.exec('node1', 'corosync', ['-v'])).stdout)?.[1];
  const directory = join(repository, `packages/corosync-config/test/fixtures/corosync-${version}`);
  const tools = [
    ['cfgtool-s.txt', 'corosync-cfgtool', ['-s']],
    ['cfgtool-n.txt', 'corosync-cfgtool', ['-n']],
    ['quorumtool-s.txt', 'corosync-quorumtool', ['-s']],
    ['quorumtool-s-p.txt', 'corosync-quorumtool', ['-s', '-p']],
    ['quorumtool-l.txt', 'corosync-quorumtool', ['-l']],
  ];
  for (const [name, file, args] of tools) {
    await save(directory, name, (await lab.exec('node1', file, args, { allowExitCodes: [1, 2] })).stdout);
  }
  say(`corosync ${version}: ${tools.length} outputs`);
}

async function recordPcsStatus(lab) {
  const version = (await lab.exec('node1', 'pcs', ['--version'])).stdout.trim();
  const directory = join(repository, `packages/pcs-client/test/fixtures/pcs/${version}`);
  await save(directory, 'status.txt', (await lab.exec('node1', 'pcs', ['status'])).stdout);
  await save(directory, 'status-full.txt', (await lab.exec('node1', 'pcs', ['status', '--full'])).stdout);
  say(`pcs ${version}: status`);
}

function recordCrmMon() {
  const child = spawnSync(process.execPath, [join(repository, 'packages/pcs-client/test/record-fixtures.mjs')], {
    stdio: 'inherit',
  });
  if (child.status !== 0) throw new Error(`record-fixtures.mjs of pcs-client exited with ${child.status}`);
}

function request(address, port) {
  return new Promise((resolve) => {
    get({ host: address, port, path: '/', agent: false }, (response) => {
      response.resume();
      response.on('end', resolve);
    }).on('error', resolve);
  });
}

// One command on its own connection, the answer as the socket gives it.
function rawRequest(path, line) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    const socket = connect(path, () => socket.end(`${line}\n`));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

async function recordHaproxyRuntime(haproxy) {
  const directory = join(repository, `packages/haproxy-runtime/test/fixtures/haproxy/${haproxy.haproxyVersion}`);
  const runtime = new HaproxyRuntime(haproxy.adminSocket);
  try {
    for (let i = 0; i < 30; i++) await request(haproxy.frontend.address, haproxy.frontend.port);
    await runtime.executeRaw('set server servers/srv2 state drain');
    await killLabBackend('srv3');
    await waitFor('srv3 DOWN', 10_000, async () =>
      (await runtime.showServersState('servers')).some(
        (server) => server.srv_name === 'srv3' && server.srv_op_state === 0,
      )
        ? true
        : undefined,
    );
    const answers = [
      ['show-stat.csv', 'show stat'],
      ['show-info.txt', 'show info'],
      ['show-servers-state.txt', 'show servers state'],
      ['show-backend.txt', 'show backend'],
      ['show-table.txt', 'show table'],
      ['show-map.txt', 'show map'],
      ['show-cli-level.txt', 'show cli level'],
      ['help.txt', 'help'],
      ['get-weight.txt', 'get weight servers/srv1'],
      ['get-weight-no-such-server.txt', 'get weight servers/nope'],
      ['set-weight-out-of-range.txt', 'set server servers/srv1 weight 999'],
      ['set-weight-trailing-garbage.txt', 'set server servers/srv1 weight 5x'],
      ['set-server-state-bad.txt', 'set server servers/srv1 state bogus'],
      ['del-server-not-maint.txt', 'del server servers/srv1'],
      ['add-server-unknown-backend.txt', 'add server nope/srv9 127.0.0.1:1'],
      ['show-servers-state-unknown-backend.txt', 'show servers state nope'],
      ['show-table-unknown.txt', 'show table nope'],
      ['show-map-unknown.txt', 'show map nope'],
    ];
    // As the socket answers, refusals too (the client would throw them).
    for (const [name, line] of answers) await save(directory, name, await rawRequest(haproxy.adminSocket, line));
    await save(
      directory,
      'permission-denied.txt',
      await rawRequest(haproxy.userSocket, 'set server servers/srv1 state maint'),
    );
    await save(directory, 'master-show-proc.txt', await rawRequest(haproxy.masterSocket, 'show proc'));
    const reload = await new HaproxyMaster(haproxy.masterSocket).reload();
    await save(directory, 'master-reload.txt', reload.output ?? '');
    say(`haproxy ${haproxy.haproxyVersion}: ${answers.length + 3} answers`);
  } finally {
    await runtime.close().catch(() => undefined);
  }
}

async function recordHaproxyCheck(haproxy) {
  // record.mjs runs `haproxy` itself: through a wrapper it runs this generation's, from its root.
  const location = await locateStack(stack);
  const scratch = await mkdtemp('/var/tmp/ha-record-');
  try {
    let haproxyPath = '/usr/sbin/haproxy';
    if (location.root) {
      haproxyPath = join(scratch, 'haproxy');
      const chroot = fileURLToPath(new URL('./ha-lab-chroot', import.meta.url));
      await writeFile(
        haproxyPath,
        `#!/bin/sh\nexec unshare --mount --propagation private -- bash ${chroot} ${location.root} ${location.scratch} /tmp /var/tmp ${repository} -- haproxy "$@"\n`,
      );
      await chmod(haproxyPath, 0o755);
    }
    const record = join(repository, 'packages/haproxy-config/test/fixtures/haproxy/record.mjs');
    const child = spawnSync(process.execPath, [record, 'corpus', haproxyPath], { stdio: 'inherit' });
    if (child.status !== 0) throw new Error(`record.mjs corpus exited with ${child.status}`);
    say(`haproxy ${haproxy.haproxyVersion}: haproxy -c over the corpus`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

await teardownLab();
try {
  say('booting a 3-node lab and its HAProxy');
  const lab = await LabCluster.up({ nodes: 3, stack });
  const haproxy = await startHaproxyLab({ servers: 3, stack });
  if (wanted.has('corosync')) await recordCorosync(lab);
  await lab.createSeedResources();
  if (wanted.has('pcs-status')) await recordPcsStatus(lab);
  if (wanted.has('crm_mon')) recordCrmMon();
  if (wanted.has('haproxy-runtime')) await recordHaproxyRuntime(haproxy);
  if (wanted.has('haproxy-check')) await recordHaproxyCheck(haproxy);
} finally {
  const left = await teardownLab();
  say(left.length === 0 ? 'done, nothing left behind' : `left behind: ${left.join('; ')}`);
}
