import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRunner, HaError, type Runner } from '@ha/core';
import { nodeInitName, type NodePaths } from './layout.js';
import { isAlive, listPids, readCommandLine, sendSignal } from './proc.js';
import { waitFor } from './wait.js';

/** The environment every command inside a node starts from. */
export const nodeEnvironment = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  LANG: 'C.UTF-8',
};

/** What it takes to boot one node's namespaces. */
export interface BootNodeOptions {
  name: string;
  paths: NodePaths;
  initScript: string;
  systemctlStub: string;
  /** Paths the node must still see: directories under /tmp, and for another generation the host paths it needs. */
  keepPaths: readonly string[];
  /** The generation's root and scratch folder; undefined to run the host's own programs. */
  stackRoot?: { root: string; scratch: string } | undefined;
}

/**
 * Starts a node: a new network, mount, PID, UTS and IPC namespace whose PID 1
 * is the node init. Returns the host PID of that init once its mounts are made.
 */
export async function bootNode(host: Runner, options: BootNodeOptions): Promise<number> {
  await rm(options.paths.ready, { force: true });
  const unshare = await host.spawnDetached(
    'unshare',
    [
      '--net',
      '--mount',
      '--pid',
      '--uts',
      '--ipc',
      '--fork',
      '--propagation',
      'private',
      '--mount-proc',
      'bash',
      options.initScript,
      options.name,
      options.paths.dir,
      options.systemctlStub,
      options.stackRoot?.root ?? '-',
      options.stackRoot?.scratch ?? '-',
      ...options.keepPaths,
    ],
    { logFile: options.paths.initLog },
  );
  // nsenter must target unshare's child (the node's PID 1): unshare itself is still in the host's PID namespace.
  const pid = await waitFor(`${options.name}: init process`, 10_000, () => childOf(unshare.pid));
  await waitFor(`${options.name}: private mounts`, 15_000, () => {
    if (!isAlive(pid))
      throw new HaError('PRECONDITION_FAILED', `${options.name}: node init exited; see ${options.paths.initLog}`);
    return existsSync(options.paths.ready) ? true : undefined;
  });
  return pid;
}

/**
 * A runner whose every command runs inside the node (at `pidOf`, or the PID it gives at each command, for
 * a runner that follows the node across reboots), with a clean environment,
 * and from the node's root: a node of another generation runs that generation's programs.
 * It re-checks before each command that `pid` is still this node's init in
 * another network namespace: a reused PID must never run a command on the host.
 */
export function createNodeRunner(name: string, pidOf: number | (() => number | undefined)): Runner {
  return createRunner({
    cleanEnv: true,
    env: nodeEnvironment,
    label: name,
    wrap: (file, args) => {
      const pid = typeof pidOf === 'number' ? pidOf : pidOf();
      if (pid === undefined) throw new HaError('PRECONDITION_FAILED', `${name} is not running`);
      assertNodeProcess(name, pid);
      const directory = workingDirectoryIn(pid);
      // nsenter opens a --wd path before it enters the node: inside another root that directory
      // would be the host's, unreachable from the node's root. There the node's own env changes to it.
      if (rootOf(pid) !== '/')
        return {
          file: 'nsenter',
          args: ['-t', String(pid), '-a', '-r', '-w', '--', 'env', `--chdir=${directory}`, file, ...args],
        };
      return { file: 'nsenter', args: ['-t', String(pid), '-a', '-r', `--wd=${directory}`, '--', file, ...args] };
    },
  });
}

/** Throws unless `pid` is the init of node `name`, in a namespace other than ours. */
export function assertNodeProcess(name: string, pid: number): void {
  if (!isNodeInit(name, pid)) {
    throw new HaError('PRECONDITION_FAILED', `${name} is not running (no node init at PID ${pid})`);
  }
  if (readNamespace(pid, 'net') === readNamespace('self', 'net')) {
    throw new HaError(
      'PRECONDITION_FAILED',
      `${name}: PID ${pid} shares this process's network namespace; refusing to run there`,
    );
  }
}

/** True when `pid` is the node init of `name` (of the lab whose node folder is `dir`, when given). */
export function isNodeInit(name: string, pid: number, dir?: string): boolean {
  const init = nodeInitOf(pid);
  return init !== undefined && init.name === name && (dir === undefined || init.dir === dir);
}

/** Every process on this machine whose command line marks it as a node init, with its node name and folder. */
export function findNodeInits(): { pid: number; name: string; dir: string | undefined }[] {
  const found: { pid: number; name: string; dir: string | undefined }[] = [];
  for (const pid of listPids()) {
    const init = nodeInitOf(pid);
    if (init) found.push({ pid, ...init });
  }
  return found;
}

// The init's command line is `bash …/ha-lab-node-init NAME DIR …`, and `NAME --reap DIR` once its mounts are made.
function nodeInitOf(pid: number): { name: string; dir: string | undefined } | undefined {
  const argv = readCommandLine(pid);
  const scriptIndex = argv.findIndex((arg) => arg.endsWith(`/${nodeInitName}`));
  // unshare's own command line names the script too; only its child (bash) is the init.
  const name = argv[scriptIndex + 1];
  if (scriptIndex <= 0 || argv[0] === 'unshare' || name === undefined) return undefined;
  const dir = argv[scriptIndex + 2] === '--reap' ? argv[scriptIndex + 3] : argv[scriptIndex + 2];
  return { name, dir };
}

/**
 * Power cut: SIGKILL to every process of the node at once (its PID 1 and all in its PID namespace), so
 * none runs another instruction of its own, without waiting for the kernel to reap them.
 */
export function cutPower(name: string, pid: number): void {
  if (!isNodeInit(name, pid)) return;
  const namespace = readNamespace(pid, 'pid');
  sendSignal(pid, 'SIGKILL');
  if (namespace === undefined || namespace === readNamespace('self', 'pid')) return;
  for (const other of listPids())
    if (other !== pid && readNamespace(other, 'pid') === namespace) sendSignal(other, 'SIGKILL');
}

/** A hard crash of every process in the node (`cutPower`), returning once its PID 1 is gone. */
export async function crashNode(name: string, pid: number): Promise<void> {
  if (!isNodeInit(name, pid)) return;
  cutPower(name, pid);
  await waitFor(`${name}: node init to exit`, 10_000, () => (isAlive(pid) ? undefined : true), 2);
}

function childOf(parent: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8').trim();
    const first = children.split(/\s+/)[0];
    return first ? Number(first) : undefined;
  } catch {
    throw new HaError('PRECONDITION_FAILED', `unshare (PID ${parent}) exited before starting the node`);
  }
}

function rootOf(pid: number): string {
  try {
    return readlinkSync(`/proc/${pid}/root`);
  } catch {
    return '/';
  }
}

function readNamespace(pid: number | 'self', kind: string): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/${kind}`);
  } catch {
    return undefined;
  }
}

// The caller's directory when the node can see it (kept /tmp paths included), else /.
function workingDirectoryIn(pid: number): string {
  const cwd = process.cwd();
  try {
    return existsSync(`/proc/${pid}/root${cwd}`) ? cwd : '/';
  } catch {
    return '/';
  }
}
