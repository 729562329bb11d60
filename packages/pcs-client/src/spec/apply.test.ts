import { describe, expect, it } from 'vitest';
import { ParseError } from '@ha/core';
import type { Plan, PlannedResource } from '../plan/model.js';
import { cibVersion, primitivesWithPaths, SpecError, unintendedLoss } from './apply.js';
import type { SpecChange } from './diff.js';
import type { ClusterSpec, SpecPrimitive } from './model.js';

const dummy = (id: string, meta?: Record<string, string>): SpecPrimitive => ({
  kind: 'primitive',
  id,
  class: 'ocf',
  provider: 'pacemaker',
  type: 'Dummy',
  ...(meta ? { meta } : {}),
});

const spec: ClusterSpec = {
  resources: [
    dummy('A'),
    { kind: 'group', id: 'G', members: [dummy('G1'), dummy('G2')], meta: { 'target-role': 'Stopped' } },
    { kind: 'clone', id: 'C-clone', promotable: false, resource: { kind: 'group', id: 'C', members: [dummy('C1')] } },
    { kind: 'clone', id: 'P-clone', promotable: true, resource: dummy('P', { 'target-role': 'stopped' }) },
    { kind: 'bundle', id: 'B', xml: '<bundle id="B"/>' },
  ],
};

function planLosing(lost: { id: string; parents?: string[]; top?: string }[]): Plan {
  const resources = lost.map((entry): PlannedResource => ({
    resource: entry.id,
    top: entry.top ?? entry.id,
    parents: entry.parents ?? [],
    before: [{ node: 'node1', role: 'Started' }],
    after: [],
    restartedOn: [],
    stoppedOn: ['node1'],
    lost: true,
  }));
  return {
    changes: [],
    resources,
    nodes: [],
    actions: [],
    summary: [],
    lossOfService: lost.map((entry) => entry.id),
    restarted: [],
    fenced: [],
    blocked: [],
    phases: 1,
    simulations: [],
  };
}

describe('primitivesWithPaths', () => {
  it('finds every primitive, in groups and clones too, at the path of its field', () => {
    expect(primitivesWithPaths(spec).map(({ primitive, path }) => `${primitive.id}@${path}`)).toEqual([
      'A@resources[0]',
      'G1@resources[1].members[0]',
      'G2@resources[1].members[1]',
      'C1@resources[2].resource.members[0]',
      'P@resources[3].resource',
    ]);
  });
});

describe('unintendedLoss', () => {
  it('a resource the spec removes, or stops on purpose (itself or what holds it), is no loss; anything else is', () => {
    const removal: SpecChange[] = [
      { op: 'remove', kind: 'primitive', id: 'Gone' },
      // A field removed from a resource does not remove the resource.
      { op: 'remove', kind: 'primitive', id: 'A', field: 'meta.is-managed' },
    ];
    const plan = planLosing([
      { id: 'Gone' },
      { id: 'A' },
      { id: 'G1', parents: ['G'], top: 'G' },
      { id: 'P', parents: ['P-clone'], top: 'P-clone' },
      { id: 'C1', parents: ['C', 'C-clone'], top: 'C-clone' },
    ]);
    expect(unintendedLoss(plan, spec, removal)).toEqual(['A', 'C1']);
    expect(unintendedLoss(plan, spec, [...removal, { op: 'remove', kind: 'clone', id: 'C-clone' }])).toEqual(['A']);
  });
});

describe('cibVersion', () => {
  it("reads the version from the CIB's root; a document that is not a CIB is an error", () => {
    expect(cibVersion('<cib admin_epoch="1" epoch="42" num_updates="7"><configuration/></cib>')).toEqual({
      adminEpoch: 1,
      epoch: 42,
      numUpdates: 7,
    });
    expect(() => cibVersion('<pacemaker-result/>')).toThrow(/not a CIB/);
    expect(() => cibVersion('<pacemaker-result/>')).toThrow(ParseError);
  });
});

describe('SpecError', () => {
  it('names the first problem with its path, counts the rest, and keeps the agents’ errors as problems', () => {
    const error = new SpecError(
      [{ code: 'DUPLICATE_ID', path: 'resources[1].id', message: "id 'A' is used twice" }],
      [
        {
          severity: 'error',
          code: 'UNKNOWN_PARAMETER',
          path: 'resources[0].params.ipp',
          parameter: 'ipp',
          message: "no parameter 'ipp' (did you mean 'ip'?)",
        },
        {
          severity: 'warning',
          code: 'DEPRECATED_PARAMETER',
          path: 'resources[0].params.old',
          parameter: 'old',
          message: 'deprecated',
        },
      ],
    );
    expect(error.message).toBe("resources[1].id: id 'A' is used twice (and 1 more)");
    expect(error.problems.map((problem) => problem.path)).toEqual(['resources[1].id', 'resources[0].params.ipp']);
    expect(error.issues.map((issue) => issue.path)).toEqual([
      ['resources', 1, 'id'],
      ['resources', 0, 'params', 'ipp'],
    ]);
    expect(error.agentFindings).toHaveLength(2);
  });
});
