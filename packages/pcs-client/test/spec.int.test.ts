// The cluster as code on a real 3-node lab cluster (this run's generation): the configuration exported as a
// spec, the seed added to it and applied in one CIB update, a second apply that changes nothing, one parameter
// changed (the plan's restarts are then the start counts' own), and every refusal pushing nothing: a change
// someone made meanwhile, a parameter the agent does not have, a plan that loses service.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CommandError, type Runner } from '@ha/core';
import { useLabCluster } from '@ha/lab/vitest';
import {
  applySpec,
  cibVersion,
  diffSpec,
  exportSpec,
  PcsClient,
  resourceLocations,
  SpecError,
  specToYaml,
  type ClusterSpec,
  type SpecPrimitive,
  type SpecResource,
} from '../src/index.js';
import { settledStatus, startCounts, startedBetween } from './lab-cluster.js';

const lab = useLabCluster({ nodes: 3 });
const bin = fileURLToPath(new URL('../bin/ha-pcs.js', import.meta.url));
const runner = () => lab().runner('node1');
const cib = async () => (await lab().exec('node1', 'cibadmin', ['--query'])).stdout;

function seedResources(webServerPath: string, port = '80'): SpecResource[] {
  return [
    {
      kind: 'primitive',
      id: 'VirtualIP',
      class: 'ocf',
      provider: 'heartbeat',
      type: 'IPaddr2',
      params: { ip: '10.213.0.100', cidr_netmask: '24' },
      operations: [{ name: 'monitor', interval: '10s' }],
    },
    {
      kind: 'primitive',
      id: 'WebServer',
      class: 'ocf',
      provider: 'heartbeat',
      type: 'anything',
      params: { binfile: webServerPath, cmdline_options: port },
      operations: [{ name: 'monitor', interval: '10s' }],
    },
  ];
}

function withSeed(base: ClusterSpec, resources: SpecResource[]): ClusterSpec {
  return {
    ...base,
    resources: [...(base.resources ?? []), ...resources],
    constraints: [
      ...(base.constraints ?? []),
      {
        type: 'colocation',
        id: 'colocation-WebServer-VirtualIP-INFINITY',
        rsc: 'WebServer',
        withRsc: 'VirtualIP',
        score: 'INFINITY',
      },
      {
        type: 'order',
        id: 'order-VirtualIP-WebServer-mandatory',
        first: 'VirtualIP',
        then: 'WebServer',
        firstAction: 'start',
        thenAction: 'start',
      },
    ],
  };
}

// The commands a runner ran that change the CIB (cibadmin other than --query, and every other tool that can).
const changesMade: string[] = [];
function counting(base: Runner): Runner {
  return Object.assign(Object.create(base) as Runner, {
    run: async (file: string, args: readonly string[], options?: Parameters<Runner['run']>[2]) => {
      const changing =
        (file === 'cibadmin' && args[0] !== '--query') || ['pcs', 'crm_attribute', 'crm_resource'].includes(file);
      if (changing && !args.includes('--show-metadata') && !args.includes('--list-ocf-alternatives'))
        changesMade.push([file, ...args].join(' '));
      return base.run(file, args, options);
    },
  });
}

// About thirty resources of every kind the spec types, on top of what the cluster has (its nodes, the lab's
// fence device): plain primitives, two groups, a clone of a group, a promotable clone, location rules on a node
// attribute, colocation and order sets, a ticket, fencing levels, node attributes and utilization, a tag.
function dummyPrimitive(id: string): SpecPrimitive {
  return {
    kind: 'primitive',
    id,
    class: 'ocf',
    provider: 'pacemaker',
    type: 'Dummy',
    operations: [{ name: 'monitor', interval: '30s', timeout: '20s' }],
  };
}

function largeSpec(base: ClusterSpec): ClusterSpec {
  const dummy = dummyPrimitive;
  const plain = Array.from({ length: 12 }, (_, index) => dummy(`App${index + 1}`));
  const resources: SpecResource[] = [
    ...plain,
    { kind: 'group', id: 'WebGroup', members: [dummy('WebAddr'), dummy('WebFiles'), dummy('WebDaemon')] },
    {
      kind: 'group',
      id: 'MailGroup',
      members: [dummy('MailAddr'), dummy('MailQueue')],
      meta: { 'resource-stickiness': '100' },
    },
    {
      kind: 'clone',
      id: 'Base-clone',
      promotable: false,
      resource: { kind: 'group', id: 'Base', members: [dummy('BaseA'), dummy('BaseB')] },
      meta: { interleave: 'true' },
    },
    {
      kind: 'clone',
      id: 'DB-clone',
      promotable: true,
      resource: {
        kind: 'primitive',
        id: 'DB',
        class: 'ocf',
        provider: 'pacemaker',
        type: 'Stateful',
        operations: [
          { name: 'monitor', interval: '10s', role: 'Promoted', timeout: '20s' },
          { name: 'monitor', interval: '11s', role: 'Unpromoted', timeout: '20s' },
        ],
      },
      meta: { 'promoted-max': '1', 'clone-max': '3' },
    },
    ...Array.from({ length: 5 }, (_, index) => dummy(`Batch${index + 1}`)),
  ];
  return {
    ...base,
    nodes: (base.nodes ?? []).map((node) => ({
      ...node,
      attributes: { ...node.attributes, rack: node.uname === 'node3' ? 'r2' : 'r1' },
      utilization: { cpu: '4', memory: '2048' },
    })),
    resources: [...(base.resources ?? []), ...resources],
    constraints: [
      ...(base.constraints ?? []),
      { type: 'location', id: 'App1-prefers-node2', rsc: 'App1', node: 'node2', score: '50' },
      {
        type: 'location',
        id: 'Batch-in-rack-r1',
        rscPattern: '^Batch',
        rules: [{ score: '-INFINITY', expressions: [{ attribute: 'rack', operation: 'ne', value: 'r1' }] }],
      },
      { type: 'colocation', id: 'mail-with-web', rsc: 'MailGroup', withRsc: 'WebGroup', score: '-100' },
      {
        type: 'colocation',
        id: 'web-with-db',
        rsc: 'WebGroup',
        withRsc: 'DB-clone',
        withRscRole: 'Promoted',
        score: 'INFINITY',
      },
      {
        type: 'order',
        id: 'db-then-web',
        first: 'DB-clone',
        firstAction: 'promote',
        then: 'WebGroup',
        thenAction: 'start',
      },
      {
        type: 'order',
        id: 'apps-in-order',
        sets: [{ resources: ['App2', 'App3', 'App4'] }, { resources: ['App5', 'App6'] }],
      },
      { type: 'colocation', id: 'apps-together', score: 'INFINITY', sets: [{ resources: ['App7', 'App8'] }] },
      { type: 'ticket', id: 'batch-needs-ticket', ticket: 'batch', rsc: 'Batch5', lossPolicy: 'stop' },
    ],
    fencingLevels: [
      ...(base.fencingLevels ?? []),
      ...['node1', 'node2', 'node3'].map((node) => ({ index: 1, target: node, devices: ['lab-fence'] })),
    ],
    tags: [{ id: 'apps', refs: ['App1', 'App2', 'App3'] }],
  };
}

let empty: ClusterSpec;
let seed: ClusterSpec;

describe('the cluster as code', () => {
  it('applies the seed to an empty cluster in one CIB update, then a second apply changes nothing', async () => {
    empty = await exportSpec({ runner: runner() });
    seed = withSeed(empty, seedResources(lab().webServerPath));
    const before = cibVersion(await cib());
    const report = await applySpec(seed, { runner: counting(runner()) });
    expect(report.outcome).toBe('applied');
    // One patch of the CIB (sent again only if the status moved on meanwhile: a refused patch changes
    // nothing), and no tool that changes it besides.
    expect(changesMade).toEqual(Array.from({ length: report.attempts ?? 0 }, () => 'cibadmin --patch --xml-pipe'));
    expect(report.attempts).toBeGreaterThanOrEqual(1);
    expect(report.changes.map((change) => `${change.op} ${change.kind} ${change.id}`)).toEqual([
      'add primitive VirtualIP',
      'add primitive WebServer',
      'add colocation colocation-WebServer-VirtualIP-INFINITY',
      'add order order-VirtualIP-WebServer-mandatory',
    ]);
    // The plan said both start, together.
    const planned = report.plan?.resources.filter((resource) => resource.after.length > 0) ?? [];
    expect(planned.map((resource) => resource.resource).sort()).toEqual(['VirtualIP', 'WebServer', 'lab-fence']);
    expect(report.versionAfter?.epoch).toBeGreaterThan(before.epoch);
    const status = await settledStatus(lab());
    const where = resourceLocations(status);
    expect(where.get('WebServer')?.[0]?.node).toBe(where.get('VirtualIP')?.[0]?.node);
    expect(where.get('WebServer')?.[0]?.node).toBe(
      report.plan?.resources.find((resource) => resource.resource === 'WebServer')?.after[0]?.node,
    );
    // What pcs would have made (its ids too): the export is the spec.
    expect(await diffSpec(seed, { runner: runner() })).toEqual([]);
    const again = await applySpec(seed, { runner: runner() });
    expect(again.outcome).toBe('unchanged');
    expect(cibVersion(await cib()).epoch).toBe(report.versionAfter?.epoch);
  });

  it('changing one parameter restarts only that resource: the plan says so, the start counts agree', async () => {
    const changed = withSeed(empty, seedResources(lab().webServerPath, '8080'));
    const dry = await applySpec(changed, { runner: runner(), dryRun: true });
    expect(dry.outcome).toBe('planned');
    expect(dry.changes).toMatchObject([
      {
        op: 'update',
        kind: 'primitive',
        id: 'WebServer',
        field: 'params.cmdline_options',
        before: '80',
        after: '8080',
      },
    ]);
    expect(dry.plan?.restarted).toEqual(['WebServer']);
    const startsBefore = await startCounts(lab());
    const report = await applySpec(changed, { runner: runner() });
    expect(report.outcome).toBe('applied');
    await settledStatus(lab());
    expect(startedBetween(startsBefore, await startCounts(lab()))).toEqual(['WebServer']);
    seed = changed;
  });

  it('adding and removing a constraint moves exactly what each plan said', async () => {
    const home = resourceLocations(await settledStatus(lab())).get('WebServer')?.[0]?.node ?? '';
    const away = lab().nodeNames.find((node) => node !== home) ?? '';
    const preferring: ClusterSpec = {
      ...seed,
      constraints: [
        ...(seed.constraints ?? []),
        { type: 'location', id: 'web-prefers', rsc: 'WebServer', node: away, score: '500' },
      ],
    };
    for (const spec of [preferring, seed]) {
      const report = await applySpec(spec, { runner: runner() });
      expect(report.outcome).toBe('applied');
      const where = resourceLocations(await settledStatus(lab()));
      for (const planned of report.plan?.resources ?? [])
        expect(`${planned.resource}: ${(where.get(planned.resource) ?? []).map((place) => place.node).join(',')}`).toBe(
          `${planned.resource}: ${planned.after.map((place) => place.node).join(',')}`,
        );
      // The preference moves both (colocated) to the other node; its removal goes where the plan says.
      if (spec === preferring) expect(where.get('VirtualIP')?.[0]?.node).toBe(away);
    }
  });

  it('typed edits: a meta attribute, operations, a node attribute and a default, as one guarded apply', async () => {
    const cluster = new PcsClient({ runner: runner() });
    const report = await cluster.edit([
      { kind: 'update-resource', id: 'WebServer', meta: { 'resource-stickiness': '10' } },
      { kind: 'add-operation', id: 'VirtualIP', operation: { name: 'monitor', interval: '20s', timeout: '15s' } },
      { kind: 'remove-operation', id: 'VirtualIP', name: 'monitor', interval: '10s' },
      { kind: 'node-attributes', node: 'node2', values: { rack: 'r2' } },
      { kind: 'set-defaults', of: 'operations', values: { timeout: '40s' } },
    ]);
    expect(report.outcome).toBe('applied');
    expect(report.changes.map((change) => `${change.op} ${change.id} ${change.field ?? ''}`.trim()).sort()).toEqual(
      [
        'add WebServer meta.resource-stickiness',
        'add VirtualIP operations[monitor 20s]',
        'remove VirtualIP operations[monitor 10s]',
        'add timeout',
        'add node2 rack',
      ].sort(),
    );
    const now = await exportSpec({ runner: runner() });
    expect(now.nodes?.find((node) => node.uname === 'node2')?.attributes).toMatchObject({ rack: 'r2' });
    // Back to the seed: the same edits undone are one more apply.
    expect((await applySpec(seed, { runner: runner() })).outcome).toBe('applied');
    await settledStatus(lab());
  });

  it('refuses, pushing nothing, when someone changed the configuration between its read and its push', async () => {
    const desired = { ...seed, properties: { ...seed.properties, 'batch-limit': '30' } };
    // Just before the patch goes in, pcs changes the configuration: the patch was made from the version before.
    const base = runner();
    let interference: string[] | undefined = ['property', 'set', 'node-health-strategy=none'];
    const racing: Runner = Object.assign(Object.create(base) as Runner, {
      run: async (file: string, args: readonly string[], options?: Parameters<Runner['run']>[2]) => {
        if (interference && file === 'cibadmin' && args[0] === '--patch') {
          const pcsArgs = interference;
          interference = undefined;
          await lab().exec('node1', 'pcs', pcsArgs);
        }
        return base.run(file, args, options);
      },
    });
    const report = await applySpec(desired, { runner: racing });
    expect(interference).toBeUndefined();
    expect(report.outcome).toBe('refused');
    expect(report.refused?.reason).toBe('CONCURRENT_CHANGE');
    const now = await exportSpec({ runner: runner() });
    expect(now.properties?.['batch-limit']).toBeUndefined();
    expect(now.properties?.['node-health-strategy']).toBe('none');
    // With force, the same race: it reads again, diffs and plans again, and pushes the spec, which names
    // neither property pcs set: both go, as the new diff says.
    interference = ['property', 'set', 'cluster-recheck-interval=5min'];
    const forced = await applySpec(desired, { runner: racing, force: true });
    expect(interference).toBeUndefined();
    expect(forced.outcome).toBe('applied');
    expect(forced.changes.map((change) => `${change.op} ${change.id}`)).toEqual(
      expect.arrayContaining(['add batch-limit', 'remove node-health-strategy', 'remove cluster-recheck-interval']),
    );
    seed = await exportSpec({ runner: runner() });
    expect(seed.properties?.['batch-limit']).toBe('30');
    expect(seed.properties?.['cluster-recheck-interval']).toBeUndefined();
    expect(await diffSpec(desired, { runner: runner() })).toEqual([]);
  });

  it('refuses a parameter the agent does not have, with its path and a close name, before anything runs', async () => {
    const before = cibVersion(await cib());
    const bad = structuredClone(seed);
    const ip = bad.resources?.find((resource) => resource.id === 'VirtualIP');
    if (ip?.kind !== 'primitive') throw new Error('the seed has no VirtualIP primitive');
    ip.params = { ipp: '10.213.0.100', cidr_netmask: '24' };
    const error = await applySpec(bad, { runner: runner() }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SpecError);
    const paths = (error as SpecError).problems.map((problem) => problem.path);
    const index = bad.resources?.indexOf(ip) ?? -1;
    expect(paths).toEqual(expect.arrayContaining([`resources[${index}].params.ipp`, `resources[${index}].params.ip`]));
    expect((error as SpecError).message).toMatch(/did you mean 'ip'/);
    expect(cibVersion(await cib()).epoch).toBe(before.epoch);
  });

  it('refuses, pushing nothing, a spec that only crm_verify finds wrong: fencing on, and no fence device', async () => {
    const before = cibVersion(await cib());
    // Well-formed, every reference resolves, every agent parameter is known: only the real crm_verify
    // knows that a cluster with stonith-enabled and no device will start nothing.
    const unfenced = { ...seed, resources: seed.resources?.filter((resource) => resource.id !== 'lab-fence') };
    expect(unfenced.resources?.length).toBe((seed.resources?.length ?? 0) - 1);
    await lab().exec('node1', 'dd', ['of=/tmp/ha-spec-unfenced.yaml', 'status=none'], {
      input: specToYaml(unfenced),
    });
    const result = await lab()
      .exec('node1', process.execPath, [bin, 'apply', '/tmp/ha-spec-unfenced.yaml'])
      .catch((error: unknown) => error as CommandError);
    expect(result).toBeInstanceOf(CommandError);
    const failed = result as CommandError;
    expect(failed.exitCode).toBe(2);
    expect(failed.stderr).toMatch(/crm_verify/);
    expect(failed.stderr).toMatch(/STONITH/i);
    expect(failed.stderr).not.toMatch(/\n\s+at /);
    expect(cibVersion(await cib()).epoch).toBe(before.epoch);
    await lab().exec('node1', 'rm', ['-f', '/tmp/ha-spec-unfenced.yaml']);
  });

  it('the named edits: group, clone with meta, a typed location, utilization, unmanage, unclone: each one apply', async () => {
    const cluster = new PcsClient({ runner: runner() });
    const dummy = dummyPrimitive;
    expect(
      (
        await applySpec(
          { ...seed, resources: [...(seed.resources ?? []), dummy('Extra1'), dummy('Extra2')] },
          { runner: runner() },
        )
      ).outcome,
    ).toBe('applied');
    const outcomes = [
      await cluster.addToGroup('ExtraGroup', ['Extra1', 'Extra2']),
      await cluster.cloneResource('ExtraGroup', { meta: { interleave: 'true' } }),
      await cluster.addConstraint({
        type: 'location',
        id: 'extra-clone-avoids-node1',
        rsc: 'ExtraGroup-clone',
        node: 'node1',
        score: '-INFINITY',
      }),
      await cluster.setNodeUtilization('node3', { cpu: '4' }),
      await cluster.unmanageResource('ExtraGroup-clone'),
    ].map((report) => report.outcome);
    expect(outcomes).toEqual(['applied', 'applied', 'applied', 'applied', 'applied']);
    let now = await exportSpec({ runner: runner() });
    const clone = now.resources?.find((resource) => resource.id === 'ExtraGroup-clone');
    expect(clone).toMatchObject({ kind: 'clone', meta: { interleave: 'true', 'is-managed': 'false' } });
    expect(clone?.kind === 'clone' && clone.resource).toMatchObject({
      kind: 'group',
      id: 'ExtraGroup',
      members: [{ id: 'Extra1' }, { id: 'Extra2' }],
    });
    expect(now.constraints?.find((constraint) => constraint.id === 'extra-clone-avoids-node1')).toBeDefined();
    expect(now.nodes?.find((node) => node.uname === 'node3')?.utilization).toMatchObject({ cpu: '4' });
    // Undone the same way: the constraint removed by id, managed again, unclone, the group emptied (and gone).
    await cluster.removeConstraint('extra-clone-avoids-node1');
    const undone = [
      await cluster.manageResource('ExtraGroup-clone'),
      await cluster.uncloneResource('ExtraGroup-clone'),
      await cluster.removeFromGroup('ExtraGroup', ['Extra1', 'Extra2']),
    ].map((report) => report.outcome);
    expect(undone).toEqual(['applied', 'applied', 'applied']);
    now = await exportSpec({ runner: runner() });
    expect(now.resources?.map((resource) => resource.id)).toEqual(expect.arrayContaining(['Extra1', 'Extra2']));
    expect(now.resources?.some((resource) => resource.id === 'ExtraGroup' || resource.id === 'ExtraGroup-clone')).toBe(
      false,
    );
    expect((await applySpec(seed, { runner: runner(), allowServiceLoss: true })).outcome).toBe('applied');
    await settledStatus(lab());
  });

  it('refuses a plan that loses service unless allowed; the live cluster keeps running the seed', async () => {
    const before = cibVersion(await cib());
    const nowhere = {
      ...seed,
      constraints: [
        ...(seed.constraints ?? []),
        ...lab().nodeNames.map((node) => ({
          type: 'location' as const,
          id: `ban-WebServer-${node}`,
          rsc: 'WebServer',
          node,
          score: '-INFINITY',
        })),
      ],
    };
    const report = await applySpec(nowhere, { runner: runner() });
    expect(report.outcome).toBe('refused');
    expect(report.refused?.reason).toBe('SERVICE_LOSS');
    expect(report.plan?.lossOfService).toContain('WebServer');
    expect(cibVersion(await cib()).epoch).toBe(before.epoch);
    // Removing a resource stops it on purpose: not a loss of service.
    const withoutWeb = {
      ...seed,
      resources: seed.resources?.filter((resource) => resource.id !== 'WebServer'),
      constraints: seed.constraints?.filter((constraint) => !JSON.stringify(constraint).includes('WebServer')),
    };
    const removal = await applySpec(withoutWeb, { runner: runner(), dryRun: true });
    expect(removal.plan?.lossOfService).toContain('WebServer');
    expect(removal.outcome).toBe('planned');
    const status = await new PcsClient({ runner: runner() }).status();
    expect(resourceLocations(status).get('WebServer')?.length).toBe(1);
  });
  it('applies about thirty resources of every kind from empty: crm_verify clean, the export equals the spec', async () => {
    const large = largeSpec(empty);
    const count = (large.resources ?? []).length - (empty.resources ?? []).length;
    expect(count).toBeGreaterThanOrEqual(20);
    const report = await applySpec(large, { runner: runner(), allowServiceLoss: false });
    expect(report.outcome).toBe('applied');
    expect(report.verify?.errors).toBe(0);
    expect(await diffSpec(large, { runner: runner() })).toEqual([]);
    const verified = await new PcsClient({ runner: runner() }).verify();
    expect(verified.errors).toBe(0);
    // Back to the seed in one more apply: everything the large spec added goes, the seed stays where it runs.
    const back = await applySpec(seed, { runner: runner(), allowServiceLoss: false });
    expect(back.outcome).toBe('applied');
    expect(await diffSpec(seed, { runner: runner() })).toEqual([]);
    await settledStatus(lab());
  });
  it('a kill of the applying process at any moment leaves the CIB as it was or as the spec says, never between', async () => {
    const before = await exportSpec({ runner: runner() });
    const after: ClusterSpec = {
      ...before,
      properties: { ...before.properties, 'batch-limit': '25' },
      resources: [...(before.resources ?? []), ...['K1', 'K2', 'K3'].map((id) => dummyPrimitive(id))],
      constraints: [
        ...(before.constraints ?? []),
        { type: 'location', id: 'K1-on-node3', rsc: 'K1', node: 'node3', score: '10' },
      ],
    };
    const files = { before: '/tmp/ha-spec-before.yaml', after: '/tmp/ha-spec-after.yaml' };
    await runner().run('dd', [`of=${files.before}`, 'status=none'], { input: specToYaml(before) });
    await runner().run('dd', [`of=${files.after}`, 'status=none'], { input: specToYaml(after) });
    const seen: string[] = [];
    const apply = (file: string) =>
      lab().exec('node1', process.execPath, [bin, 'apply', file, '--allow-service-loss'], { timeoutMs: 60_000 });
    try {
      // How long a whole apply takes here: the kills are spread over it, and one lands after it.
      const started = Date.now();
      await apply(files.after);
      const wholeMs = Date.now() - started;
      await apply(files.before);
      const delays = [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95, 1.5].map((share) => Math.round(share * wholeMs));
      let state = 'before';
      for (const delayMs of delays) {
        // Each kill interrupts a change: towards the spec the CIB is not.
        const file = state === 'before' ? files.after : files.before;
        // SIGKILL after delayMs, wherever the apply is: reading, checking, planning, patching.
        // timeout kills its own process group: the apply, what it runs, and timeout itself.
        await lab()
          .exec(
            'node1',
            'timeout',
            ['-s', 'KILL', `${delayMs / 1000}`, process.execPath, bin, 'apply', file, '--allow-service-loss'],
            {
              allowExitCodes: [0, 1],
              timeoutMs: 60_000,
            },
          )
          .catch((error: unknown) => {
            if (!(error instanceof CommandError) || !/SIGKILL/.test(error.message)) throw error;
          });
        const asBefore = (await diffSpec(before, { runner: runner() })).length === 0;
        const asAfter = (await diffSpec(after, { runner: runner() })).length === 0;
        expect(asBefore || asAfter).toBe(true);
        state = asBefore ? 'before' : 'after';
        seen.push(state);
      }
    } finally {
      await runner().run('rm', ['-f', files.before, files.after]);
    }
    // The kills landed on both sides of a push: the test saw both outcomes (the last kill comes after a whole apply).
    expect(new Set(seen).size).toBe(2);
    await applySpec(before, { runner: runner(), allowServiceLoss: true });
  });
});
