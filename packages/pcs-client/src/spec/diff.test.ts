import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corpusCibs } from '../../test/spec-corpus.js';
import { applySpecChanges, diffSpecs, formatSpecDiff, withoutOmittedIds } from './diff.js';
import { flattenSpec, unflattenSpec } from './flatten.js';
import { specFromCib } from './from-cib.js';
import type { ClusterSpec, SpecPrimitive } from './model.js';
import { clusterSpecArbitrary } from '../../test/spec-arbitrary.js';
import { configurationFromSpec } from './to-cib.js';

/** The spec with its order-insensitive lists sorted: top-level lists by id, a primitive's operations by action. */
function ordered(spec: ClusterSpec): unknown {
  const byId = <T extends { id?: string; uname?: string; index?: number; target?: string }>(list: T[] | undefined) =>
    list &&
    [...list].sort((a, b) =>
      `${a.uname ?? a.id ?? `${a.target} ${a.index}`}`.localeCompare(`${b.uname ?? b.id ?? `${b.target} ${b.index}`}`),
    );
  // An empty list or map writes the same configuration as none, and the diff reads them the same.
  const isEmpty = (value: unknown) =>
    value === undefined || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
  const sortOps = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sortOps);
    if (typeof value !== 'object' || value === null) return value;
    const record = Object.fromEntries(
      Object.entries(value)
        .filter(([key, inner]) => !isEmpty(inner) || key === 'members' || key === 'expressions')
        .map(([key, inner]) => [key, sortOps(inner)]),
    );
    if (Array.isArray(record.operations))
      record.operations = [...(record.operations as { name: string; interval: string }[])].sort((a, b) =>
        `${a.name} ${a.interval}`.localeCompare(`${b.name} ${b.interval}`),
      );
    return record;
  };
  return sortOps({
    ...spec,
    nodes: byId(spec.nodes),
    resources: byId(spec.resources),
    constraints: byId(spec.constraints),
    fencingLevels: byId(spec.fencingLevels),
    tags: byId(spec.tags),
  });
}

const web: SpecPrimitive = {
  kind: 'primitive',
  id: 'Web',
  class: 'ocf',
  provider: 'heartbeat',
  type: 'apache',
  params: { configfile: '/etc/apache2/apache2.conf' },
  operations: [{ name: 'monitor', interval: '10s', timeout: '20s' }],
};
const vip: SpecPrimitive = {
  kind: 'primitive',
  id: 'VirtualIP',
  class: 'ocf',
  provider: 'heartbeat',
  type: 'IPaddr2',
  params: { ip: '10.0.0.1' },
};
const base: ClusterSpec = {
  properties: { 'stonith-enabled': 'false' },
  nodes: [{ id: '1', uname: 'node1' }],
  resources: [vip, web],
  constraints: [
    { type: 'colocation', id: 'web-with-ip', rsc: 'Web', withRsc: 'VirtualIP', score: 'INFINITY' },
    { type: 'location', id: 'ban-web', rsc: 'Web', node: 'node1', score: '-INFINITY' },
  ],
};

describe('diffSpecs on real CIBs', () => {
  for (const cib of corpusCibs()) {
    it(`${cib.name}: no change against itself, its regenerated configuration, or its entities`, () => {
      const spec = specFromCib(cib.xml);
      expect(diffSpecs(spec, spec)).toEqual([]);
      expect(diffSpecs(spec, specFromCib(configurationFromSpec(spec)))).toEqual([]);
      expect(unflattenSpec(flattenSpec(spec))).toEqual(spec);
    });
  }
});

describe('diffSpecs, each kind of change', () => {
  const change = (desired: ClusterSpec) => formatSpecDiff(diffSpecs(base, desired));

  it('adds, removes and updates objects and fields, and says so one line each', () => {
    const apache: SpecPrimitive = { ...web, id: 'Web2' };
    expect(change({ ...base, resources: [vip, web, apache] })).toEqual(['+ primitive Web2 (ocf:heartbeat:apache)']);
    expect(change({ ...base, resources: [{ ...vip, params: { ip: '10.0.0.2' } }, web] })).toEqual([
      '~ primitive VirtualIP params.ip: 10.0.0.1 → 10.0.0.2',
    ]);
    expect(change({ ...base, constraints: base.constraints?.slice(0, 1) })).toEqual(['- location ban-web']);
    expect(change({ ...base, resources: [vip, { ...web, meta: { 'target-role': 'Stopped' } }] })).toEqual([
      '+ primitive Web meta.target-role=Stopped',
    ]);
    expect(
      change({
        ...base,
        resources: [vip, { ...web, operations: [{ name: 'monitor', interval: '10s', timeout: '30s' }] }],
      }),
    ).toEqual(['~ primitive Web operations[monitor 10s].timeout: 20s → 30s']);
    expect(
      change({ ...base, resources: [vip, { ...web, operations: [{ name: 'monitor', interval: '20s' }] }] }),
    ).toEqual(['- primitive Web operations[monitor 10s]', '+ primitive Web operations[monitor 20s]']);
    expect(change({ ...base, properties: { 'stonith-enabled': 'true', 'no-quorum-policy': 'stop' } })).toEqual([
      '~ property stonith-enabled: false → true',
      '+ property no-quorum-policy=stop',
    ]);
    expect(change({ ...base, nodes: [{ id: '1', uname: 'node1', attributes: { standby: 'on' } }] })).toEqual([
      '+ node-attribute node1 standby=on',
    ]);
  });

  it('a node attribute, a group member order, a meta key of an existing map', () => {
    const withStandby: ClusterSpec = { ...base, nodes: [{ id: '1', uname: 'node1', attributes: { standby: 'off' } }] };
    expect(
      formatSpecDiff(
        diffSpecs(withStandby, { ...base, nodes: [{ id: '1', uname: 'node1', attributes: { standby: 'on' } }] }),
      ),
    ).toEqual(['~ node-attribute node1 standby: off → on']);
    const grouped: ClusterSpec = { resources: [{ kind: 'group', id: 'G', members: [vip, web] }] };
    const [reordered] = diffSpecs(grouped, { resources: [{ kind: 'group', id: 'G', members: [web, vip] }] });
    expect(reordered).toMatchObject({
      op: 'update',
      kind: 'group',
      id: 'G',
      field: 'members',
      before: ['VirtualIP', 'Web'],
      after: ['Web', 'VirtualIP'],
    });
    const stopped: ClusterSpec = {
      resources: [{ ...web, meta: { 'target-role': 'Stopped', 'resource-stickiness': '1' } }],
    };
    expect(
      formatSpecDiff(
        diffSpecs(stopped, { resources: [{ ...web, meta: { 'resource-stickiness': '1', 'target-role': 'Started' } }] }),
      ),
    ).toEqual(['~ primitive Web meta.target-role: Stopped → Started']);
  });

  it('moving a primitive into a group changes the group only; a clone made promotable is one field', () => {
    expect(change({ ...base, resources: [{ kind: 'group', id: 'G', members: [vip, web] }] })).toEqual([
      '+ group G [VirtualIP, Web]',
    ]);
    const clone: ClusterSpec = { resources: [{ kind: 'clone', id: 'C', promotable: false, resource: vip }] };
    expect(
      formatSpecDiff(diffSpecs(clone, { resources: [{ kind: 'clone', id: 'C', promotable: true, resource: vip }] })),
    ).toEqual(['~ clone C promotable: false → true']);
  });

  it('ids the desired spec omits are not differences; ids it names are', () => {
    const withIds: ClusterSpec = {
      resources: [
        { ...vip, ids: { params: 'vip-params' }, operations: [{ name: 'start', interval: '0s', id: 'vip-start' }] },
      ],
    };
    const plain: ClusterSpec = { resources: [{ ...vip, operations: [{ name: 'start', interval: '0s' }] }] };
    expect(diffSpecs(withIds, plain)).toEqual([]);
    expect(formatSpecDiff(diffSpecs(plain, withIds))).toEqual([
      '+ primitive VirtualIP ids.params=vip-params',
      '+ primitive VirtualIP operations[start 0s].id=vip-start',
    ]);
  });
});

describe('diffSpecs, properties', () => {
  it('a spec has no change against itself', () => {
    fc.assert(fc.property(clusterSpecArbitrary, (spec) => diffSpecs(spec, spec).length === 0));
  });

  it('applying the changes of current → desired gives desired (up to list order and omitted ids)', () => {
    fc.assert(
      fc.property(clusterSpecArbitrary, clusterSpecArbitrary, (current, desired) => {
        const applied = applySpecChanges(current, diffSpecs(current, desired));
        expect(withoutOmittedIds(ordered(applied), ordered(desired))).toEqual(ordered(desired));
        expect(diffSpecs(applied, desired)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
