import { describe, expect, it } from 'vitest';
import { runPartitionCampaign } from '../src/index.js';
import { useLabCluster } from '../src/vitest.js';

// Two nodes (two_node: 1) and a random fencing delay: a cut link starts a fencing race that one side must win.
// corosync's token is 1 s, as in fencing.int.test.ts.
const lab = useLabCluster({ nodes: 2, fenceDelayMax: '3s', corosyncTokenMs: 1000 });

describe('a two-node cluster with fencing', () => {
  it('survives 10 cut links with exactly one node fenced each time and the services run once', async () => {
    await lab().createSeedResources();
    const campaign = await runPartitionCampaign(lab(), { cycles: 10 });
    const log = await lab().powerLog();
    const fences = log.filter((entry) => entry.via === 'node' && /^(reboot|off) /.test(entry.request));
    // Each cut: one fence done; the loser's own request, if it got one out, refused as from a powered-off node.
    expect(fences.filter((entry) => entry.answer.startsWith('ok'))).toHaveLength(10);
    for (const refused of fences.filter((entry) => !entry.answer.startsWith('ok')))
      expect(refused.answer).toMatch(/is powered off/);
    for (const run of campaign.runs) expect(run.survivor).not.toBe(undefined);
    expect(campaign.dualActive.breaches).toEqual([]);
    expect(campaign.dualActive.longestGapMs).toBeLessThan(1_000);
  }, 600_000);
});
