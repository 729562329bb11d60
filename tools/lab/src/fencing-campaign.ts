import type { LabCluster } from './cluster.js';
import type { LabClusterView } from './cluster-view.js';
import { DualActiveSampler, type DualActiveReport } from './dual-active.js';
import { waitFor } from './wait.js';

/** One partition of the campaign, timed. */
export interface PartitionRun {
  /** The node cut off (the one running the services). */
  node: string;
  /** The node the services ran on afterwards. */
  survivor: string;
  /** Link cut → the fence request reached the switch: failure detection (token, consensus) and the fence delay. */
  detectMs: number;
  /** The switch's own time for the fence (the agent's round trip is this plus ~40 ms of process start). */
  fenceMs: number;
  /** Fence done → VirtualIP and WebServer both running on the survivor. */
  recoverMs: number;
  /** Link cut → services running on the survivor. */
  totalMs: number;
  /** Every node the switch powered off for a fence, from the cut until all were back (one, unless both lost). */
  fenced: string[];
  /** Fence requests the switch refused meanwhile, with its answer (a race's loser asking after its power went). */
  refused: string[];
}

/** What a campaign of partitions saw. */
export interface PartitionCampaign {
  /** Each partition, in order. */
  runs: PartitionRun[];
  /** The sampler's findings over the whole campaign (no breaches means no dual-active instant). */
  dualActive: DualActiveReport;
}

/** How a campaign runs. */
export interface PartitionCampaignOptions {
  /** Partitions to run (10 by default). */
  cycles?: number;
  /** The VIP the seed resources hold (default `10.213.0.100`). */
  vip?: string;
  /** Called after each partition, for progress lines. */
  onRun?: (run: PartitionRun, index: number) => void;
}

/**
 * Partitions the node that runs VirtualIP + WebServer, again and again: the
 * majority must fence it, then start both on a survivor; the link is healed and
 * the node rejoins before the next cut. A sampler reads every node's namespaces
 * every 100 ms throughout. Needs the seed resources (`createSeedResources`) on a
 * lab with fencing. With two nodes, `partition` cuts the one link between them
 * and the fencing race decides the survivor.
 */
export async function runPartitionCampaign(
  lab: LabCluster,
  options: PartitionCampaignOptions = {},
): Promise<PartitionCampaign> {
  const vip = options.vip ?? '10.213.0.100';
  const sampler = new DualActiveSampler(() => lab.nodeInits(), { vip, serviceCommand: lab.webServerPath });
  const runs: PartitionRun[] = [];
  sampler.start();
  try {
    for (let index = 0; index < (options.cycles ?? 10); index++) {
      const run = await partitionOnce(lab);
      runs.push(run);
      options.onRun?.(run, index);
    }
  } catch (error) {
    sampler.stop();
    throw error;
  }
  return { runs, dualActive: sampler.stop() };
}

async function partitionOnce(lab: LabCluster): Promise<PartitionRun> {
  // A node fenced by the last cut is back once its peers count it, before its own controller has joined.
  await lab.waitUntilWhole();
  const home = servicesHome(await settled(lab));
  if (home === undefined) throw new Error('VirtualIP and WebServer are not running together on one node');
  const logBefore = (await lab.powerLog()).length;
  const cutAt = Date.now();
  await lab.partition(home);
  const others = lab.nodeNames.filter((name) => name !== home);
  // With two nodes either side may win the race; with more, the majority fences the cut node.
  const fence = await waitFor(
    `a fence of a node after cutting ${home}'s link`,
    120_000,
    async () =>
      (await lab.powerLog())
        .slice(logBefore)
        .find((entry) => entry.via === 'node' && /^(reboot|off) /.test(entry.request) && entry.answer.startsWith('ok')),
    100,
  );
  const fenced = fence.request.split(' ')[1] as string;
  const survivors = [...others, home].filter((name) => name !== fenced);
  const running = await lab.waitForView(
    `VirtualIP and WebServer running on a survivor of ${fenced}'s fence`,
    (view) => {
      const where = servicesHome(view);
      return where !== undefined && survivors.includes(where);
    },
    { timeoutMs: 120_000, from: survivors.find((name) => lab.isPoweredOn(name)) as string },
  );
  const runningAt = Date.now();
  const fenceDone = Date.parse(fence.time);
  const fenceStart = fenceDone - fence.ms;
  await lab.heal(home);
  await waitAllOnline(lab);
  const fences = (await lab.powerLog())
    .slice(logBefore)
    .filter((entry) => entry.via === 'node' && /^(reboot|off) /.test(entry.request));
  return {
    fenced: [
      ...new Set(
        fences.filter((entry) => entry.answer.startsWith('ok')).map((entry) => entry.request.split(' ')[1] as string),
      ),
    ],
    refused: fences
      .filter((entry) => !entry.answer.startsWith('ok'))
      .map((entry) => `${entry.request}: ${entry.answer}`),
    node: home,
    survivor: servicesHome(running) as string,
    detectMs: fenceStart - cutAt,
    fenceMs: fence.ms,
    recoverMs: runningAt - fenceDone,
    totalMs: runningAt - cutAt,
  };
}

/** The node that runs both VirtualIP and WebServer, if one does. */
export function servicesHome(view: LabClusterView): string | undefined {
  const ip = view.resources.find((resource) => resource.id === 'VirtualIP');
  const web = view.resources.find((resource) => resource.id === 'WebServer');
  if (!ip?.active || !web?.active || ip.nodes.length !== 1 || web.nodes.length !== 1) return undefined;
  return ip.nodes[0] === web.nodes[0] ? ip.nodes[0] : undefined;
}

async function waitAllOnline(lab: LabCluster): Promise<LabClusterView> {
  return lab.waitForView(
    'every node online again',
    (view) =>
      lab.nodeNames.every((name) => view.nodes.some((node) => node.name === name && node.online && !node.unclean)),
    { timeoutMs: 120_000 },
  );
}

// A view that stays the same for a second: after a rejoin crm_mon can briefly show stale history.
async function settled(lab: LabCluster): Promise<LabClusterView> {
  let last = '';
  let since = Date.now();
  return waitFor(
    'the cluster to settle',
    120_000,
    async () => {
      const view = await lab.view().catch(() => undefined);
      const key = view && servicesHome(view) !== undefined ? JSON.stringify(view) : '';
      if (key !== last) {
        last = key;
        since = Date.now();
        return undefined;
      }
      return key !== '' && Date.now() - since >= 1_000 ? view : undefined;
    },
    250,
  );
}
