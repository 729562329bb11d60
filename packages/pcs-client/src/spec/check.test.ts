import { describe, expect, it } from 'vitest';
import { corpusCibs } from '../../test/spec-corpus.js';
import { specProblems } from './check.js';
import { specFromCib } from './from-cib.js';
import type { ClusterSpec, SpecPrimitive } from './model.js';

const dummy = (id: string, extra: Partial<SpecPrimitive> = {}): SpecPrimitive => ({
  kind: 'primitive',
  id,
  class: 'ocf',
  provider: 'pacemaker',
  type: 'Dummy',
  ...extra,
});

describe('specProblems', () => {
  it('finds nothing in the spec of a real, valid CIB', () => {
    const seed = corpusCibs().find((cib) => cib.name === 'crm_simulate/seed.xml');
    expect(specProblems(specFromCib(seed?.xml ?? ''))).toEqual([]);
  });

  it('maps zod failures to the path of the field', () => {
    const bad = {
      resources: [dummy('A'), dummy('B'), dummy('C'), { ...dummy('D'), operations: [{ name: 'monitor' }] }],
    };
    expect(specProblems(bad)).toEqual([
      {
        code: 'INVALID',
        path: 'resources[3].operations[0].interval',
        message: expect.stringMatching(/string/) as unknown,
      },
    ]);
  });

  it('a rule expression missing its attribute: the path of the attribute', () => {
    const spec = {
      resources: [dummy('A')],
      constraints: [
        {
          type: 'location',
          id: 'l',
          rsc: 'A',
          rules: [{ score: '100', expressions: [{ operation: 'eq', value: 'x' }] }],
        },
      ],
    };
    expect(specProblems(spec).map((problem) => problem.path)).toEqual([
      'constraints[0].rules[0].expressions[0].attribute',
    ]);
  });

  it('duplicate ids anywhere: resource and constraint, a generated one, one inside raw XML', () => {
    const spec: ClusterSpec = {
      resources: [
        dummy('A'),
        dummy('A-meta_attributes'),
        { kind: 'raw', id: 'T', xml: '<template id="l" class="ocf" provider="pacemaker" type="Dummy"/>' },
      ],
      constraints: [{ type: 'location', id: 'A', rsc: 'A', node: 'node1', score: '100' }],
    };
    spec.resources?.splice(0, 1, dummy('A', { meta: { 'target-role': 'Stopped' } }));
    const problems = specProblems(spec);
    expect(problems).toContainEqual({
      code: 'DUPLICATE_ID',
      path: 'constraints[0].id',
      message: "id 'A' is already used at resources[0].id",
    });
    expect(problems.filter((problem) => problem.code === 'DUPLICATE_ID').map((problem) => problem.message)).toEqual([
      "id 'A' is already used at resources[0].id",
      "id 'A-meta_attributes' would be written twice (generated ids, or ids in raw XML)",
    ]);
    const raw: ClusterSpec = {
      ...spec,
      resources: [dummy('B'), { kind: 'raw', id: 'T', xml: '<template id="B" class="ocf" type="x"/>' }],
      constraints: [],
    };
    expect(specProblems(raw).map((problem) => problem.message)).toEqual([
      "id 'B' would be written twice (generated ids, or ids in raw XML)",
    ]);
  });

  it('a constraint naming a resource that does not exist, a level naming no fence device, a tag naming nothing', () => {
    const spec: ClusterSpec = {
      resources: [dummy('A'), dummy('fence1', { class: 'stonith', type: 'fence_dummy' })],
      constraints: [
        { type: 'colocation', id: 'c', rsc: 'A', withRsc: 'Nope', score: 'INFINITY' },
        { type: 'order', id: 'o', sets: [{ resources: ['A', 'Gone'] }] },
      ],
      fencingLevels: [{ index: 1, target: 'node1', devices: ['fence1', 'A'] }],
      tags: [{ id: 't', refs: ['A', 'missing'] }],
    };
    expect(specProblems(spec).map(({ code, path }) => `${code} ${path}`)).toEqual([
      'UNKNOWN_REFERENCE constraints[0].withRsc',
      'UNKNOWN_REFERENCE constraints[1].sets[0].resources[1]',
      'UNKNOWN_REFERENCE fencingLevels[0].devices[1]',
      'UNKNOWN_REFERENCE tags[0].refs[1]',
    ]);
  });

  it('a group member that is also top level; an operation twice; a name unlike cluster-name', () => {
    const spec: ClusterSpec = {
      name: 'alpha',
      properties: { 'cluster-name': 'beta' },
      resources: [
        { kind: 'group', id: 'G', members: [dummy('A'), dummy('B')] },
        dummy('B', {
          operations: [
            { name: 'monitor', interval: '10s' },
            { name: 'monitor', interval: '10s', timeout: '5s' },
          ],
        }),
      ],
    };
    expect(specProblems(spec)).toEqual([
      {
        code: 'MEMBER_ALSO_TOP_LEVEL',
        path: 'resources[0].members[1]',
        message: 'B is a member of group G and also a resource of its own (resources[1])',
      },
      {
        code: 'DUPLICATE_OPERATION',
        path: 'resources[1].operations[1]',
        message: "B has operation 'monitor 10s' twice (also resources[1].operations[0])",
      },
      {
        code: 'NAME_MISMATCH',
        path: 'name',
        message: "name 'alpha' is not the cluster-name property 'beta' (properties.cluster-name)",
      },
      // The same operation twice gets the same generated id twice: Pacemaker would refuse that too.
      {
        code: 'DUPLICATE_ID',
        path: '',
        message: "id 'B-monitor-interval-10s' would be written twice (generated ids, or ids in raw XML)",
      },
    ]);
  });
});
