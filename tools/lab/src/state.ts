import { readFile } from 'node:fs/promises';
import { parseWithSchema, writeFileAtomic } from '@ha/core';
import { z } from 'zod';

/** One node as the lab records it. */
export const nodeStateSchema = z.object({
  name: z.string(),
  index: z.number().int().min(1),
  address: z.string(),
  /** Host PID of the node's PID 1 while the node runs. */
  pid: z.number().int().positive().optional(),
});

/** What `ha-lab up` recorded; read back by every later command and by `down` after a crash. */
export const clusterStateSchema = z.object({
  version: z.literal(1),
  clusterName: z.string(),
  createdAt: z.string(),
  switchNamespace: z.string(),
  nodeCount: z.number().int().min(1),
  bare: z.boolean(),
  /** The generation the nodes run (`debian12`, `debian13`). */
  stack: z.enum(['debian12', 'debian13']),
  pcsd: z.boolean(),
  /** `lab`: stonith-enabled with the lab's fence device; `none`: no fencing (absent in labs of older versions). */
  fencing: z.enum(['lab', 'none']).optional(),
  /** Directories under /tmp that stay visible inside the nodes. */
  keepPaths: z.array(z.string()),
  nodes: z.array(nodeStateSchema),
});

export type NodeState = z.infer<typeof nodeStateSchema>;
export type ClusterState = z.infer<typeof clusterStateSchema>;

/** Reads the state file; undefined when there is none. */
export async function readClusterState(path: string): Promise<ClusterState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseWithSchema(clusterStateSchema, JSON.parse(text), `lab state ${path}`);
}

export async function writeClusterState(path: string, state: ClusterState): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}
