// The plan is what then happens: on a real 3-node lab cluster (this run's generation), each change is planned,
// then made for real; once the cluster has settled, where every resource runs and in which role must be the
// plan's, and the resources the plan said would restart in place must be exactly those whose start count went
// up on a node where they ran before and after (counted from each node's own Pacemaker log).
//
// Three topologies side by side: the seed (VirtualIP + WebServer, colocated and ordered); a Dummy clone plus a
// group (an address and a Dummy) that prefers node2; a promotable Stateful clone with an address colocated
// with its promoted instance. And one resource that may only run on node2, for the plan of a loss of service.
// Fencing is `off`, so a node lost stays down until the test powers it on.
import { describe, expect, it } from 'vitest';
import { resourceLocations, type ClusterChange, type ClusterStatus, type Plan } from '../src/index.js';
import { PcsClient, PlanChangeError } from '../src/index.js';
import { useLabCluster } from '@ha/lab/vitest';
import { settledStatus, startCounts } from './lab-cluster.js';

const lab = useLabCluster({ nodes: 3, stonithAction: 'off' });
const client = () => new PcsClient({ runner: lab().runner('node1') });
const pcs = (...args: string[]) => lab().exec('node1', 'pcs', args, { timeoutMs: 120_000 });

const placementWords = (places: readonly { node: string; role: string }[]) =>
  [...places]
    .map((place) => `${place.node}:${place.role}`)
    .sort()
    .join(',');

function observedPlacement(status: ClusterStatus): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [id, places] of resourceLocations(status)) result[id] = placementWords(places);
  return result;
}

function plannedPlacement(plan: Plan): Record<string, string> {
  const result: Record<string, string> = {};
  for (const resource of plan.resources) result[resource.resource] = placementWords(resource.after);
  return result;
}

const outcomes: { change: string; restarted: string[]; lost: string[] }[] = [];

// Plans `change`, makes it with `act`, and checks the settled cluster against the plan.
// The settled status the last check ended with: where the next plan starts from (unless a test moved on since).
let lastSettled: ClusterStatus | undefined;

async function planThenDo(change: ClusterChange | ClusterChange[], act: () => Promise<unknown>): Promise<Plan> {
  const before = lastSettled ?? (await settledStatus(lab()));
  lastSettled = undefined;
  const plan = await client().plan(change);
  const startsBefore = await startCounts(lab());
  await act();
  const after = await settledStatus(lab());
  expect(observedPlacement(after)).toEqual(plannedPlacement(plan));
  lastSettled = after;
  const startsAfter = await startCounts(lab());
  const ranOn = (status: ClusterStatus, id: string, node: string) =>
    (resourceLocations(status).get(id) ?? []).some((place) => place.node === node);
  const restartedInPlace = new Set<string>();
  for (const [key, count] of startsAfter) {
    const [id = '', node = ''] = key.split('@');
    if (count > (startsBefore.get(key) ?? 0) && ranOn(before, id, node) && ranOn(after, id, node))
      restartedInPlace.add(id);
  }
  expect({ restarted: [...restartedInPlace].sort(), counts: Object.fromEntries(startsAfter) }).toEqual({
    restarted: [...plan.restarted].sort(),
    counts: Object.fromEntries(startsAfter),
  });
  if (process.env.HA_PLAN_DEBUG)
    console.log(JSON.stringify(change), Object.fromEntries(startsBefore), Object.fromEntries(startsAfter));
  outcomes.push({
    change: JSON.stringify(change),
    restarted: plan.restarted,
    lost: plan.lossOfService,
  });
  return plan;
}

const home = async (id: string) => (resourceLocations(await client().status()).get(id) ?? [])[0]?.node ?? '';
const promotedHome = async () =>
  (resourceLocations(await client().status()).get('DB') ?? []).find((place) => place.role === 'Promoted')?.node ?? '';

describe('plan: what the scheduler plans is what then happens', () => {
  it('sets up three topologies and a resource only node2 may run', async () => {
    await lab().createSeedResources();
    await pcs('resource', 'create', 'D', 'ocf:pacemaker:Dummy', 'op', 'monitor', 'interval=10s', 'clone');
    await pcs(
      'resource',
      'create',
      'G-ip',
      'ocf:heartbeat:IPaddr2',
      'ip=10.213.0.101',
      'cidr_netmask=24',
      '--group',
      'G',
    );
    await pcs('resource', 'create', 'G-app', 'ocf:pacemaker:Dummy', 'op', 'monitor', 'interval=10s', '--group', 'G');
    await pcs('constraint', 'location', 'G', 'prefers', 'node2=50');
    await pcs(
      'resource',
      'create',
      'DB',
      'ocf:pacemaker:Stateful',
      'op',
      'monitor',
      'interval=10s',
      'role=Promoted',
      'op',
      'monitor',
      'interval=11s',
      'role=Unpromoted',
      'promotable',
      'promoted-max=1',
    );
    await pcs('resource', 'create', 'DB-ip', 'ocf:heartbeat:IPaddr2', 'ip=10.213.0.102', 'cidr_netmask=24');
    await pcs('constraint', 'colocation', 'add', 'DB-ip', 'with', 'Promoted', 'DB-clone', 'INFINITY');
    await pcs('resource', 'create', 'Solo', 'ocf:pacemaker:Dummy');
    await pcs('constraint', 'location', 'Solo', 'avoids', 'node1', 'node3');
    const status = await settledStatus(lab());
    expect((resourceLocations(status).get('DB') ?? []).filter((place) => place.role === 'Promoted')).toHaveLength(1);
    expect(resourceLocations(status).get('Solo')).toEqual([{ node: 'node2', role: 'Started' }]);
  }, 240_000);

  it('standby (by failover, which plans it too), then online, of the node the seed runs on', async () => {
    const node = await home('VirtualIP');
    // Through failover, which plans the standby itself and says where what happened differs from its plan.
    let differences: string[] | undefined;
    const plan = await planThenDo({ kind: 'standby', node }, async () => {
      differences = (await client().failover(node)).differences;
    });
    expect(differences).toEqual([]);
    expect(plan.resources.find((r) => r.resource === 'VirtualIP')?.after.map((p) => p.node)).not.toContain(node);
    await planThenDo({ kind: 'online', node }, () => client().unstandby(node));
  }, 240_000);

  it('move (its constraint removed after, as ha-pcs move does), ban, clear', async () => {
    const to = (await home('WebServer')) === 'node3' ? 'node2' : 'node3';
    const moved = await planThenDo({ kind: 'move', resource: 'WebServer', node: to }, () =>
      client().moveResource('WebServer', to, { waitSeconds: 60 }),
    );
    expect(moved.phases).toBe(2);
    const from = await home('VirtualIP');
    await planThenDo({ kind: 'ban', resource: 'VirtualIP', node: from }, () => client().banResource('VirtualIP', from));
    await planThenDo({ kind: 'clear', resource: 'VirtualIP' }, () => client().clearResource('VirtualIP'));
  }, 240_000);

  it('disable a group (a loss of service, said as such), enable it, restart the seed address with what needs it', async () => {
    const disabled = await planThenDo({ kind: 'disable', resource: 'G' }, () => client().disableResource('G'));
    expect(disabled.lossOfService.sort()).toEqual(['G-app', 'G-ip']);
    await planThenDo({ kind: 'enable', resource: 'G' }, () => client().enableResource('G'));
    const restarted = await planThenDo({ kind: 'restart', resource: 'VirtualIP' }, () =>
      client().restartResource('VirtualIP', { waitSeconds: 60 }),
    );
    // Both stop and start again, with what needs the address; in place, or where the scheduler now prefers.
    for (const id of ['VirtualIP', 'WebServer'])
      expect(
        ['stop', 'start'].map((action) =>
          restarted.actions.some(
            (entry) => entry.kind === 'resource' && entry.resource === id && entry.action === action,
          ),
        ),
      ).toEqual([true, true]);
  }, 240_000);

  it('failed monitors: the web server killed, a clone instance lost its state', async () => {
    const web = await home('WebServer');
    const failed = await planThenDo(
      // ocf:heartbeat:anything answers a dead process with a generic error (1), the default.
      { kind: 'fail', resource: 'WebServer', operation: 'monitor', node: web },
      async () => {
        await lab().exec(web, 'pkill', ['-f', 'socat TCP-LISTEN:80']);
        // The monitor runs every 10 s: wait until it has seen it and recovered.
        await client().waitFor((status) => status.failures.some((f) => f.resource === 'WebServer'), {
          timeoutMs: 30_000,
        });
      },
    );
    expect(failed.restarted).toContain('WebServer');
    await pcs('resource', 'cleanup', 'WebServer');
    lastSettled = undefined;
    await planThenDo({ kind: 'fail', resource: 'D', operation: 'monitor', node: 'node2', exitCode: 7 }, async () => {
      // Dummy's monitor finds it not running (7) without its state file, ${HA_VARRUN}/Dummy-D.state.
      await lab().exec('node2', 'find', ['/run', '/var/run', '-maxdepth', '2', '-name', 'Dummy-D*.state', '-delete']);
      await client().waitFor((status) => status.failures.some((f) => f.resource.startsWith('D')), {
        timeoutMs: 30_000,
      });
    });
    await pcs('resource', 'cleanup', 'D');
    lastSettled = undefined;
  }, 240_000);

  it('the promoted role moved, and banned then cleared', async () => {
    const promoted = await promotedHome();
    const to = promoted === 'node3' ? 'node2' : 'node3';
    const plan = await planThenDo(
      { kind: 'move', resource: 'DB-clone', node: to, promoted: true, keepConstraint: true },
      () => client().moveResource('DB-clone', to, { promoted: true, keepConstraint: true }),
    );
    expect(plan.resources.find((r) => r.resource === 'DB-ip')?.after.map((p) => p.node)).toEqual([to]);
    await planThenDo({ kind: 'clear', resource: 'DB-clone' }, () => client().clearResource('DB-clone'));
  }, 240_000);

  it('node maintenance: nothing moves; and its end', async () => {
    const plan = await planThenDo({ kind: 'maintenance', node: 'node2' }, () => client().maintenance('node2'));
    expect(plan.actions.filter((action) => ['start', 'stop', 'promote', 'demote'].includes(action.action))).toEqual([]);
    await planThenDo({ kind: 'unmaintenance', node: 'node2' }, () => client().unmaintenance('node2'));
  }, 240_000);

  it('node loss: planned as fenced, then the node is killed and the cluster fences it', async () => {
    const victim = (await home('WebServer')) === 'node1' ? 'node3' : ((await home('WebServer')) as string);
    const plan = await planThenDo({ kind: 'down', node: victim }, async () => {
      await lab().kill(victim);
      await client().waitFor(
        (status) => status.nodes.some((node) => node.name === victim && !node.online && !node.unclean),
        {
          timeoutMs: 90_000,
        },
      );
    });
    expect(plan.fenced).toEqual([victim]);
    await lab().start(victim);
    lastSettled = undefined;
  }, 300_000);

  it('standby of the last node a resource may run on: the plan says it loses service, and it does', async () => {
    const plan = await planThenDo({ kind: 'standby', node: 'node2' }, () => client().standby('node2'));
    expect(plan.lossOfService).toContain('Solo');
    await client().unstandby('node2');
    lastSettled = undefined;
    expect(outcomes.length).toBeGreaterThanOrEqual(15);
  }, 240_000);

  it('refuses what makes no sense, naming it, before anything runs', async () => {
    const refused = async (change: ClusterChange) =>
      client()
        .plan(change)
        .then(
          () => undefined,
          (error: unknown) => error,
        );
    expect(await refused({ kind: 'standby', node: 'node9' })).toMatchObject({ reason: 'NO_SUCH_NODE' });
    expect(await refused({ kind: 'move', resource: 'Nope', node: 'node2' })).toMatchObject({
      reason: 'NO_SUCH_RESOURCE',
    });
    expect(await refused({ kind: 'online', node: 'node1' })).toBeInstanceOf(PlanChangeError);
    const web = await home('WebServer');
    expect(await refused({ kind: 'move', resource: 'WebServer', node: web })).toMatchObject({ reason: 'NO_EFFECT' });
    const clone = await refused({ kind: 'move', resource: 'D-clone', node: 'node1' });
    expect(clone).toBeInstanceOf(PlanChangeError);
  }, 60_000);

  it('verify: the live CIB is valid; history: the DC saved the transitions just made, with their triggers', async () => {
    expect(await client().verify()).toMatchObject({ valid: true, errors: 0 });
    const dc = (await client().status()).summary.dc.name ?? 'node1';
    const history = await new PcsClient({ runner: lab().runner(dc) }).transitions({ limit: 40, resource: 'Solo' });
    expect(history.length).toBeGreaterThan(0);
    expect(history.some((transition) => transition.triggers.some((t) => t.detail === 'standby=on on node2'))).toBe(
      true,
    );
  }, 120_000);
});
