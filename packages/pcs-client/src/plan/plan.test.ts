import { ParseError, UnsafeArgumentError } from '@ha/core';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/fixtures.js';
import { checkAgainstState, checkChanges, editsOf } from './changes.js';
import { primitivesOf, readCibFacts } from './cib.js';
import { PlanChangeError } from './errors.js';
import type { ClusterChange } from './model.js';
import { assemblePlan } from './plan.js';
import { parseSimulation } from './simulation.js';

const seed = readCibFacts(fixture('crm_simulate/cib/seed.xml'));
const promotable = readCibFacts(fixture('crm_simulate/cib/promotable.xml'));
const cts = readCibFacts(fixture('crm_simulate/cib/cts-standby-cluster02.xml'));
const simulation = (generation: string, name: string) =>
  parseSimulation(fixture(`crm_simulate/${generation}/${name}.xml`), { simulated: true });

const refused = (changes: ClusterChange[], facts = seed) => {
  try {
    checkChanges(changes, facts);
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('readCibFacts', () => {
  it('nodes with their attributes, resources with kind, parent, meta and operations, constraints, ids', () => {
    expect([...seed.nodes.keys()]).toEqual(['node1', 'node2', 'node3']);
    expect(seed.resources.get('WebServer')).toMatchObject({
      kind: 'primitive',
      parent: undefined,
      operations: [{ name: 'monitor', intervalMs: 10_000, role: undefined }],
    });
    expect([...seed.constraints]).toEqual(['col', 'ord']);
    expect(promotable.resources.get('DB')).toMatchObject({ parent: 'DB-clone', promotable: true });
    expect(promotable.resources.get('DB')?.operations.map((op) => [op.intervalMs, op.role])).toEqual([
      [10_000, 'Promoted'],
      [11_000, 'Unpromoted'],
    ]);
    expect(cts.nodes.get('cluster02')?.attributes.standby).toBe('on');
    expect(cts.nodes.get('cluster01')?.attributes.location).toBe('office');
    expect(primitivesOf(cts, 'exim-group')).toEqual(['Public-IP', 'Email']);
    // The monitors the status records running on each node: what a failed monitor is injected as.
    expect(promotable.recurringMonitors.get('node2 DB')).toEqual([11_000]);
  });

  it('refuses what is not a CIB, with file, line and column', () => {
    expect(() => readCibFacts('<pacemaker-result/>', { file: 'x.xml' })).toThrow(ParseError);
    expect(() => readCibFacts('<pacemaker-result/>', { file: 'x.xml' })).toThrow(/x.xml is not a CIB/);
    expect(() => readCibFacts('<cib><configuration>', { file: 'x.xml' })).toThrow(ParseError);
  });
});

describe('checkChanges', () => {
  it('names a missing node or resource, with what there is', () => {
    const node = refused([{ kind: 'standby', node: 'node9' }]) as PlanChangeError;
    expect(node).toBeInstanceOf(PlanChangeError);
    expect(node.reason).toBe('NO_SUCH_NODE');
    expect(node.code).toBe('NOT_FOUND');
    expect(node.message).toMatch(/no node 'node9'.*node1, node2, node3/);
    const resource = refused([{ kind: 'move', resource: 'WebSever', node: 'node2' }]) as PlanChangeError;
    expect(resource.reason).toBe('NO_SUCH_RESOURCE');
    expect(resource.message).toMatch(/did you mean WebServer/);
  });

  it('refuses changes that change nothing: standby twice, online of a node not in standby, enable of a running one', () => {
    expect((refused([{ kind: 'standby', node: 'cluster02' }], cts) as PlanChangeError).reason).toBe('NO_EFFECT');
    expect((refused([{ kind: 'online', node: 'node1' }]) as PlanChangeError).message).toMatch(/not in standby/);
    expect((refused([{ kind: 'enable', resource: 'WebServer' }]) as PlanChangeError).message).toMatch(/not disabled/);
    expect((refused([{ kind: 'clear', resource: 'WebServer' }]) as PlanChangeError).message).toMatch(/nothing|no move/);
    expect(refused([{ kind: 'enable', resource: 'inactive-group' }], cts)).toBeUndefined();
  });

  it('a failed operation must be of a primitive, a promote of a promotable one', () => {
    expect(
      (
        refused(
          [{ kind: 'fail', resource: 'exim-group', operation: 'monitor', node: 'cluster01' }],
          cts,
        ) as PlanChangeError
      ).message,
    ).toMatch(/Public-IP, Email/);
    expect(
      (refused([{ kind: 'fail', resource: 'WebServer', operation: 'promote', node: 'node1' }]) as PlanChangeError)
        .reason,
    ).toBe('NOT_APPLICABLE');
  });

  it('refuses unsafe names before anything runs', () => {
    expect(refused([{ kind: 'standby', node: '--all' }])).toBeInstanceOf(UnsafeArgumentError);
    expect(refused([{ kind: 'disable', resource: 'a;b' }])).toBeInstanceOf(UnsafeArgumentError);
  });
});

describe('checkAgainstState', () => {
  const before = simulation('pacemaker-2.1', 'node-fail-fenced').after;
  it('a node already down, a failure where the resource does not run, a restart of what does not run', () => {
    if (!before) throw new Error('fixture without a revised state');
    expect(() => checkAgainstState([{ kind: 'down', node: 'node1' }], before)).toThrow(/already offline/);
    expect(() =>
      checkAgainstState([{ kind: 'fail', resource: 'WebServer', operation: 'monitor', node: 'node3' }], before),
    ).toThrow(/does not run on node3 \(it runs on node2\)/);
    expect(() => checkAgainstState([{ kind: 'down', node: 'node3' }], before)).not.toThrow();
  });
});

describe('editsOf', () => {
  it('the real tools on the copy for CIB changes, crm_simulate injections for a lost node and a failure', () => {
    const { first, second } = editsOf(
      [
        { kind: 'standby', node: 'node1' },
        { kind: 'ban', resource: 'WebServer', node: 'node2' },
        { kind: 'disable', resource: 'VirtualIP' },
        { kind: 'down', node: 'node3' },
        { kind: 'fail', resource: 'WebServer', operation: 'monitor', node: 'node1', exitCode: 7 },
      ],
      seed,
    );
    expect(first.edits).toEqual([
      { file: 'crm_attribute', args: ['--node', 'node1', '--name', 'standby', '--update', 'on'] },
      { file: 'crm_resource', args: ['--ban', '--resource', 'WebServer', '--node', 'node2'] },
      {
        file: 'crm_resource',
        args: ['--resource', 'VirtualIP', '--meta', '--set-parameter', 'target-role', '--parameter-value', 'Stopped'],
      },
    ]);
    expect(first.inject).toEqual(['--node-fail', 'node3', '--op-inject', 'WebServer_monitor_10000@node1=7']);
    expect(second).toBeUndefined();
  });

  it("a failed monitor of a promotable clone's instance is the monitor running on that node", () => {
    const { first } = editsOf([{ kind: 'fail', resource: 'DB', operation: 'monitor', node: 'node2' }], promotable);
    expect(first.inject).toEqual(['--op-inject', 'DB_monitor_11000@node2=1']);
  });

  it('a move that does not keep its constraint removes that one constraint in a second phase; a restart starts again', () => {
    const before = simulation('pacemaker-2.1', 'standby-node1').before;
    const moved = editsOf([{ kind: 'move', resource: 'WebServer' }], seed);
    expect(moved.first.edits).toEqual([{ file: 'crm_resource', args: ['--move', '--resource', 'WebServer'] }]);
    expect(moved.second?.(before)).toEqual([
      { file: 'cibadmin', args: ['--delete', '--xml-text', '<rsc_location id="cli-ban-WebServer-on-node1"/>'] },
    ]);
    const kept = editsOf([{ kind: 'move', resource: 'WebServer', node: 'node3', keepConstraint: true }], seed);
    expect(kept.second).toBeUndefined();
    const restarted = editsOf([{ kind: 'restart', resource: 'WebServer' }], seed);
    expect(restarted.second?.(before)).toEqual([
      { file: 'crm_resource', args: ['--resource', 'WebServer', '--meta', '--delete-parameter', 'target-role'] },
    ]);
  });
});

describe('assemblePlan', () => {
  for (const generation of ['pacemaker-2.1', 'pacemaker-3.0']) {
    it(`${generation}: standby moves both, restarts nothing, loses nothing; the node's state before is the CIB's`, () => {
      const plan = assemblePlan([{ kind: 'standby', node: 'node1' }], [simulation(generation, 'standby-node1')], {
        facts: seed,
      });
      expect(plan.resources.map((r) => [r.resource, r.before, r.after])).toEqual([
        ['VirtualIP', [{ node: 'node1', role: 'Started' }], [{ node: 'node2', role: 'Started' }]],
        ['WebServer', [{ node: 'node1', role: 'Started' }], [{ node: 'node2', role: 'Started' }]],
      ]);
      expect(plan.lossOfService).toEqual([]);
      expect(plan.restarted).toEqual([]);
      expect(plan.nodes[0]).toEqual({
        name: 'node1',
        before: { online: true, standby: false, maintenance: false },
        after: { online: true, standby: true, maintenance: false },
      });
    });

    it(`${generation}: a failed monitor restarts WebServer in place; a lost node is fenced`, () => {
      const failed = assemblePlan([], [simulation(generation, 'monitor-failed')]);
      expect(failed.restarted).toEqual(['WebServer']);
      expect(failed.resources.find((r) => r.resource === 'WebServer')?.restartedOn).toEqual(['node1']);
      const lost = assemblePlan([], [simulation(generation, 'node-fail-fenced')]);
      expect(lost.fenced).toEqual(['node1']);
      expect(lost.lossOfService).toEqual([]);
    });

    it(`${generation}: a standby that stops one clone instance is no loss of service; blocked starts are listed`, () => {
      const plan = assemblePlan([], [simulation(generation, 'cts-standby-cluster02')]);
      const ping = plan.resources.find((r) => r.resource === 'ping');
      expect(ping?.stoppedOn).toEqual(['cluster02']);
      expect(ping?.lost).toBe(false);
      expect(plan.lossOfService).toEqual(expect.arrayContaining(['dummy']));
      expect(plan.blocked.map((entry) => entry.resource)).toEqual(['httpd-bundle-2', 'httpd:2']);
    });
  }

  it('two phases: the actions of both, the state of the last', () => {
    const one = simulation('pacemaker-2.1', 'standby-node1');
    const two = simulation('pacemaker-2.1', 'move-webserver-node3');
    const plan = assemblePlan([], [one, two]);
    expect(plan.phases).toBe(2);
    expect(plan.actions).toEqual([...one.actions, ...two.actions]);
    expect(plan.resources.find((r) => r.resource === 'WebServer')?.after).toEqual([{ node: 'node3', role: 'Started' }]);
  });
});
