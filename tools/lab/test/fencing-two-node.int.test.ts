import { describe, expect, it } from 'vitest';
import { runPartitionCampaign } from '../src/index.js';
import { useLabCluster } from '../src/vitest.js';

// Two nodes (two_node: 1) and a random fencing delay: a cut link starts a fencing race that one side must win.
// A 1 s token, as the three-node campaign: the campaign waits before each cut until both nodes' controllers
// have joined (a cut while the fenced node's Pacemaker was still starting let both run the services unfenced).
const lab = useLabCluster({ nodes: 2, fenceDelayMax: '3s', corosyncTokenMs: 1000 });

describe('a two-node cluster with fencing', () => {
  it('survives 10 cut links with exactly one node fenced each time and the services run once', async () => {
    await lab().createSeedResources();
    const campaign = await runPartitionCampaign(lab(), { cycles: 10 });
    // Each cut: one node fenced (Pacemaker may fence that same node twice, never the other one too); the
    // loser's own request, if it got one out, refused as coming from a node that lost its power.
    for (const run of campaign.runs) {
      expect(run.fenced).toHaveLength(1);
      expect(run.fenced).not.toContain(run.survivor);
      for (const refused of run.refused) expect(refused).toMatch(/is powered off/);
    }
    expect(campaign.dualActive.breaches).toEqual([]);
    expect(campaign.dualActive.longestGapMs).toBeLessThan(1_000);
  }, 600_000);
});
