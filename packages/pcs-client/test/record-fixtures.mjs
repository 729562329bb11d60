// Records test/fixtures/crm_mon/VERSION/* (VERSION: the lab's Pacemaker, 2.1.5 or 3.0.0) from a real
// 3-node lab cluster, through the library:
//   npx ha-lab up --nodes 3 [--stack debian13] && npm run build && node packages/pcs-client/test/record-fixtures.mjs
// (tools/lab/scripts/record-fixtures.mjs runs it with every other recording of a generation.)
// Each state is saved three ways: crm_mon's XML (STATE.xml), its text (STATE.txt), and the CIB
// (STATE.cib.xml), so tests can render the CIB again with the real crm_mon and compare.
import { mkdir, writeFile } from 'node:fs/promises';
import { LabCluster } from '@ha/lab';
import { PcsClient, listInstances, nodesRunning } from '../dist/index.js';

const lab = await LabCluster.attach();
if (!lab) throw new Error('no lab is up: npx ha-lab up --nodes 3');
const { stdout: versionText } = await lab.exec('node1', 'crm_mon', ['--version']);
const version = /Pacemaker ([0-9][^\s-]*)/.exec(versionText)?.[1];
if (!version) throw new Error(`crm_mon --version: no version in ${versionText}`);
const out = new URL(`./fixtures/crm_mon/${version}/`, import.meta.url);
await mkdir(out, { recursive: true });

async function record(name, from) {
  const runner = lab.runner(from);
  const xml = await runner.run('crm_mon', ['--one-shot', '--inactive', '--output-as=xml'], {
    allowExitCodes: [1, 102, 105],
  });
  const text = await runner.run('crm_mon', ['--one-shot', '--inactive'], { allowExitCodes: [1, 102, 105] });
  const cib = await runner.run('cibadmin', ['--query'], { allowExitCodes: [1, 102, 105] });
  await writeFile(new URL(`${name}.xml`, out), xml.stdout);
  await writeFile(new URL(`${name}.txt`, out), text.stdout);
  await writeFile(new URL(`${name}.cib.xml`, out), cib.stdout);
  console.log(`recorded ${name} from ${from}`);
}

const client = new PcsClient({ runner: lab.runner('node1') });
const seedUp = (status) => {
  const ip = nodesRunning(status, 'VirtualIP');
  const web = nodesRunning(status, 'WebServer');
  return ip.length === 1 && web.length === 1 && ip[0] === web[0];
};
const settled = { stableMs: 1500, timeoutMs: 60_000 };

// The seed's resources, from nothing.
for (const id of ['WebServer', 'VirtualIP']) await client.deleteResource(id).catch(() => undefined);
await client.cleanupResource().catch(() => undefined);
await client.setProperty('stonith-enabled', false);
await client.createResource({
  id: 'VirtualIP',
  agent: 'ocf:heartbeat:IPaddr2',
  options: { ip: '10.213.0.100', cidr_netmask: 24 },
  operations: [{ action: 'monitor', interval: '10s' }],
});
await client.createResource({
  id: 'WebServer',
  agent: 'ocf:heartbeat:anything',
  options: { binfile: lab.webServerPath, cmdline_options: '80' },
  operations: [{ action: 'monitor', interval: '10s' }],
});
await client.addColocation({ resource: 'WebServer', with: 'VirtualIP' });
await client.addOrder({ first: 'VirtualIP', then: 'WebServer' });
let status = await client.waitFor(seedUp, { ...settled, description: 'the seed resources' });
const home = () => nodesRunning(status, 'VirtualIP')[0];
await record('healthy', 'node1');

// Standby: both move together.
const first = home();
await client.standby(first);
status = await client.waitFor((s) => seedUp(s) && !nodesRunning(s, 'VirtualIP').includes(first), {
  ...settled,
  description: 'failover',
});
await record('standby', first);
await client.unstandby(first);
status = await client.waitFor((s) => seedUp(s) && s.nodes.every((node) => node.online && !node.standby), settled);

// A monitor that fails: the web server's process dies under Pacemaker's feet.
const webNode = nodesRunning(status, 'WebServer')[0];
await lab.exec(webNode, 'pkill', ['-f', 'socat TCP-LISTEN:80']);
status = await client.waitFor((s) => s.failures.some((failure) => failure.resource === 'WebServer') && seedUp(s), {
  ...settled,
  timeoutMs: 60_000,
  description: 'a failed monitor',
});
await record('failed-monitor', webNode);
await client.cleanupResource('WebServer');
status = await client.waitFor((s) => s.failures.length === 0 && seedUp(s), settled);

// A hard kill of the node that runs them: recovered on a survivor.
const victim = home();
const survivor = lab.nodeNames.find((name) => name !== victim);
const survivorClient = new PcsClient({ runner: lab.runner(survivor) });
await lab.kill(victim);
status = await survivorClient.waitFor(
  (s) => seedUp(s) && s.nodes.some((node) => node.name === victim && !node.online),
  { ...settled, timeoutMs: 90_000, description: 'recovery' },
);
await record('node-killed', survivor);
await lab.start(victim);
status = await survivorClient.waitFor((s) => seedUp(s) && s.nodes.every((node) => node.online), settled);

// A partition: one node cut off. Both sides' views.
const cut = lab.nodeNames.find((name) => !nodesRunning(status, 'VirtualIP').includes(name)) ?? 'node3';
const majority = lab.nodeNames.find((name) => name !== cut);
await lab.partition(cut);
const majorityClient = new PcsClient({ runner: lab.runner(majority) });
status = await majorityClient.waitFor((s) => seedUp(s) && s.nodes.some((node) => node.name === cut && !node.online), {
  ...settled,
  timeoutMs: 90_000,
  description: 'the partition seen',
});
await record('partitioned', majority);
await new PcsClient({ runner: lab.runner(cut) }).waitFor((s) => !s.summary.quorate, {
  ...settled,
  timeoutMs: 90_000,
  description: 'the cut node without quorum',
});
await record('partitioned-minority', cut);
await lab.heal(cut);
status = await majorityClient.waitFor((s) => seedUp(s) && s.nodes.every((node) => node.online), {
  ...settled,
  timeoutMs: 90_000,
});
console.log(
  'done:',
  listInstances(status)
    .map((instance) => `${instance.id}@${instance.nodes.join(',')}`)
    .join(' '),
);
