import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterSpecArbitrary } from '../../test/spec-arbitrary.js';
import { specProblems } from './check.js';
import { diffSpecs } from './diff.js';
import { applyEdits, SpecEditError, type SpecEdit } from './edits.js';
import type { ClusterSpec, SpecPrimitive } from './model.js';

const dummy = (id: string): SpecPrimitive => ({
  kind: 'primitive',
  id,
  class: 'ocf',
  provider: 'pacemaker',
  type: 'Dummy',
  operations: [{ name: 'monitor', interval: '10s' }],
});

const seed: ClusterSpec = {
  properties: { 'stonith-enabled': 'true' },
  nodes: [
    { id: '1', uname: 'node1' },
    { id: '2', uname: 'node2' },
  ],
  resources: [
    { ...dummy('Web'), params: { fake: 'a' } },
    dummy('Db'),
    { kind: 'group', id: 'Mail', members: [dummy('MailAddr'), dummy('MailQueue')] },
    { kind: 'clone', id: 'Base-clone', promotable: false, resource: dummy('Base') },
  ],
  constraints: [{ type: 'location', id: 'web-on-node1', rsc: 'Web', node: 'node1', score: '100' }],
};

const changesOf = (edits: SpecEdit[]) =>
  diffSpecs(seed, applyEdits(seed, edits)).map(
    (change) => `${change.op} ${change.kind} ${change.id}${change.field ? ` ${change.field}` : ''}`,
  );

describe('applyEdits', () => {
  it('each edit is the one change it names, and the spec stays valid', () => {
    const cases: [SpecEdit, string[]][] = [
      [{ kind: 'update-resource', id: 'Web', params: { fake: 'b' } }, ['update primitive Web params.fake']],
      [
        { kind: 'update-resource', id: 'MailQueue', meta: { 'target-role': 'Stopped' } },
        ['add primitive MailQueue meta.target-role'],
      ],
      [{ kind: 'update-resource', id: 'Web', params: { fake: null } }, ['remove primitive Web params.fake']],
      [{ kind: 'unmanage', id: 'Base' }, ['add primitive Base meta.is-managed']],
      [
        { kind: 'update-resource', id: 'Mail', meta: { 'resource-stickiness': '100' } },
        ['add group Mail meta.resource-stickiness'],
      ],
      [
        { kind: 'add-operation', id: 'Db', operation: { name: 'start', interval: '0s', timeout: '60s' } },
        ['add primitive Db operations[start 0s]'],
      ],
      [
        { kind: 'add-operation', id: 'Db', operation: { name: 'monitor', interval: '10s', timeout: '30s' } },
        ['add primitive Db operations[monitor 10s].timeout'],
      ],
      [
        { kind: 'remove-operation', id: 'Db', name: 'monitor', interval: '10s' },
        ['remove primitive Db operations[monitor 10s]'],
      ],
      [
        { kind: 'set-defaults', of: 'resources', values: { 'resource-stickiness': '1' } },
        ['add resource-default resource-stickiness'],
      ],
      [{ kind: 'set-defaults', of: 'operations', values: { timeout: '30s' } }, ['add operation-default timeout']],
      [{ kind: 'set-properties', values: { 'stonith-enabled': null } }, ['remove property stonith-enabled']],
      [{ kind: 'remove-constraint', id: 'web-on-node1' }, ['remove location web-on-node1']],
      [{ kind: 'node-attributes', node: 'node2', values: { rack: 'r2' } }, ['add node-attribute node2 rack']],
      [{ kind: 'node-utilization', node: 'node1', values: { cpu: '4' } }, ['add node-utilization node1 cpu']],
    ];
    for (const [edit, expected] of cases) {
      expect(
        changesOf([edit]).map((line) => line.replace(/ (attributes|utilization)\./, ' ')),
        edit.kind,
      ).toEqual(expected.map((line) => line.replace(/ (attributes|utilization)\./, ' ')));
      expect(specProblems(applyEdits(seed, [edit])), edit.kind).toEqual([]);
    }
  });

  it('groups: members moved in (a new group where its first member was) and out (an empty group goes)', () => {
    const grouped = applyEdits(seed, [{ kind: 'group-add', group: 'Pair', members: ['Web', 'Db'] }]);
    expect(grouped.resources?.map((resource) => resource.id)).toEqual(['Pair', 'Mail', 'Base-clone']);
    const pair = grouped.resources?.[0];
    expect(pair?.kind === 'group' && pair.members.map((member) => member.id)).toEqual(['Web', 'Db']);
    const before = applyEdits(grouped, [{ kind: 'group-add', group: 'Mail', members: ['Db'], before: 'MailQueue' }]);
    const mail = before.resources?.find((resource) => resource.id === 'Mail');
    expect(mail?.kind === 'group' && mail.members.map((member) => member.id)).toEqual(['MailAddr', 'Db', 'MailQueue']);
    const out = applyEdits(seed, [{ kind: 'group-remove', group: 'Mail', members: ['MailAddr', 'MailQueue'] }]);
    expect(out.resources?.map((resource) => resource.id)).toEqual(['Web', 'Db', 'MailAddr', 'MailQueue', 'Base-clone']);
    expect(specProblems(grouped)).toEqual([]);
    expect(specProblems(out)).toEqual([]);
  });

  it('clone and unclone give back what they took', () => {
    const cloned = applyEdits(seed, [{ kind: 'clone', id: 'Db', promotable: true, meta: { 'promoted-max': '1' } }]);
    expect(cloned.resources?.[1]).toMatchObject({
      kind: 'clone',
      id: 'Db-clone',
      promotable: true,
      resource: { id: 'Db' },
    });
    expect(applyEdits(cloned, [{ kind: 'unclone', id: 'Db-clone' }])).toEqual(seed);
    expect(applyEdits(seed, [{ kind: 'unclone', id: 'Base' }]).resources?.[3]).toEqual(dummy('Base'));
  });

  it('add-constraint adds, or replaces one with the same id', () => {
    const moved = applyEdits(seed, [
      {
        kind: 'add-constraint',
        constraint: { type: 'location', id: 'web-on-node1', rsc: 'Web', node: 'node2', score: '100' },
      },
    ]);
    expect(moved.constraints).toEqual([
      { type: 'location', id: 'web-on-node1', rsc: 'Web', node: 'node2', score: '100' },
    ]);
    expect(
      changesOf([
        { kind: 'add-constraint', constraint: { type: 'order', id: 'db-then-web', first: 'Db', then: 'Web' } },
      ]),
    ).toEqual(['add order db-then-web']);
  });

  it('refuses what the spec lacks, naming a close id; the spec given is never changed', () => {
    const before = structuredClone(seed);
    const refusals: [SpecEdit, RegExp][] = [
      [{ kind: 'update-resource', id: 'Wbe', params: { fake: 'x' } }, /no resource 'Wbe' \(did you mean 'Web'\?\)/],
      [{ kind: 'update-resource', id: 'Mail', params: { fake: 'x' } }, /Mail is a group: only a primitive has params/],
      [
        { kind: 'remove-operation', id: 'Db', name: 'monitor', interval: '20s' },
        /Db has no monitor operation every 20s/,
      ],
      [{ kind: 'group-add', group: 'Mail', members: ['Base'] }, /no primitive \(top level, or in a group\) 'Base'/],
      [{ kind: 'group-remove', group: 'Mail', members: ['MailQ'] }, /Mail has no member 'MailQ'/],
      [{ kind: 'clone', id: 'Base-clone' }, /Base-clone is a clone: only a primitive or a group is cloned/],
      [{ kind: 'unclone', id: 'Db' }, /no clone 'Db'/],
      [
        { kind: 'remove-constraint', id: 'web-on-node2' },
        /no constraint 'web-on-node2' \(did you mean 'web-on-node1'\?\)/,
      ],
      [{ kind: 'node-attributes', node: 'node3', values: { a: 'b' } }, /no node 'node3'/],
    ];
    for (const [edit, message] of refusals) {
      expect(() => applyEdits(seed, [edit]), edit.kind).toThrow(SpecEditError);
      expect(() => applyEdits(seed, [edit]), edit.kind).toThrow(message);
    }
    expect(seed).toEqual(before);
  });

  it('property: setting a property and removing it again leaves any spec as it was', () => {
    fc.assert(
      fc.property(clusterSpecArbitrary, fc.constantFrom('batch-limit', 'no-quorum-policy'), (spec, name) => {
        const stripped = applyEdits(spec, [{ kind: 'set-properties', values: { [name]: null } }]);
        const round = applyEdits(stripped, [
          { kind: 'set-properties', values: { [name]: '7' } },
          { kind: 'set-properties', values: { [name]: null } },
        ]);
        expect(diffSpecs(stripped, round)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});
