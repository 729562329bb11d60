import { existsSync, readdirSync } from 'node:fs';
import { type Runner } from '@ha/core';
import { defaultStateRoot, labDefaults } from './layout.js';
import { findNodeInits } from './node.js';
import { listPids, readCommandLine, readProcFile } from './proc.js';

// Daemons that never run on the host itself here; any one seen there is a leak.
const clusterDaemons = /^(corosync|pacemakerd|pacemaker-\w+|unshare)$/;

/**
 * Everything the lab could leave behind, described one finding a line: an empty
 * list means the machine is as the lab found it.
 */
export async function findLabLeftovers(host: Runner, stateRoot: string = defaultStateRoot): Promise<string[]> {
  const found: string[] = [];
  const { stdout: namespaces } = await host.run('ip', ['netns', 'list']);
  for (const line of namespaces.split('\n')) {
    const name = line.split(' ')[0];
    if (name?.startsWith('ha-lab')) found.push(`network namespace ${name}`);
  }
  for (const init of findNodeInits()) found.push(`node init of ${init.name} (PID ${init.pid})`);
  for (const pid of listPids()) {
    const comm = readProcFile(pid, 'comm').trim();
    const argv = readCommandLine(pid).join(' ');
    if (clusterDaemons.test(comm)) found.push(`process ${comm} (PID ${pid})`);
    else if (argv.includes(stateRoot) && pid !== process.pid)
      found.push(`process ${comm} (PID ${pid}): ${argv.slice(0, 120)}`);
  }
  for (const line of readProcFile('self', 'mountinfo').split('\n')) {
    if (line.includes(stateRoot) || line.includes(`/run/netns/${labDefaults.switchNamespace}`)) {
      found.push(`mount ${line.split(' ')[4]}`);
    }
  }
  const { stdout: links } = await host.run('ip', ['-o', 'link', 'show']);
  for (const line of links.split('\n')) {
    const name = line.split(': ')[1]?.split('@')[0];
    if (name?.startsWith('lab-node')) found.push(`host link ${name}`);
  }
  for (const entry of safeReaddir('/dev/shm')) {
    if (entry.startsWith('qb-')) found.push(`/dev/shm/${entry}`);
  }
  if (existsSync(stateRoot) && safeReaddir(stateRoot).length > 0) found.push(`state directory ${stateRoot}`);
  return found;
}

function safeReaddir(directory: string): string[] {
  try {
    return readdirSync(directory);
  } catch {
    return [];
  }
}
