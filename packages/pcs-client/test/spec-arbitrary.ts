// fast-check specs for the diff's properties: small id pools, so two specs share ids and differ in fields.
import fc from 'fast-check';
import type {
  ClusterSpec,
  SpecConstraint,
  SpecFencingLevel,
  SpecOperation,
  SpecPrimitive,
  SpecResource,
} from '../src/spec/model.js';

const word = fc.constantFrom('a', 'b', 'true', 'false', '10', 'INFINITY', '10.0.0.1', 'x y');
const map = (keys: string[]) => fc.dictionary(fc.constantFrom(...keys), word, { maxKeys: 3 });
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const operation: fc.Arbitrary<SpecOperation> = fc
  .record({
    name: fc.constantFrom('monitor', 'start', 'stop'),
    interval: fc.constantFrom('0s', '10s', '20s'),
    timeout: maybe(fc.constantFrom('20s', '40s')),
    id: maybe(fc.constantFrom('op-x', 'op-y')),
  })
  .map(dropUndefined);

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as T;
}

const primitive = (id: string): fc.Arbitrary<SpecPrimitive> =>
  fc
    .record({
      type: fc.constantFrom('IPaddr2', 'apache', 'Dummy'),
      params: maybe(map(['ip', 'cidr_netmask', 'configfile'])),
      meta: maybe(map(['target-role', 'resource-stickiness'])),
      operations: maybe(fc.uniqueArray(operation, { selector: (op) => `${op.name} ${op.interval}`, maxLength: 3 })),
    })
    .map((fields) => dropUndefined({ kind: 'primitive' as const, id, class: 'ocf', provider: 'heartbeat', ...fields }));

const resource = (id: string): fc.Arbitrary<SpecResource> =>
  fc.oneof(
    primitive(id),
    fc
      .tuple(primitive(`${id}m1`), primitive(`${id}m2`), fc.boolean(), maybe(map(['target-role'])))
      .map(([first, second, both, meta]) =>
        dropUndefined({ kind: 'group' as const, id, members: both ? [first, second] : [second, first], meta }),
      ),
    fc
      .tuple(primitive(`${id}c`), fc.boolean(), maybe(map(['clone-max', 'interleave'])))
      .map(([child, promotable, meta]) =>
        dropUndefined({ kind: 'clone' as const, id, promotable, resource: child, meta }),
      ),
  );

const constraint = (id: string): fc.Arbitrary<SpecConstraint> =>
  fc.oneof(
    fc
      .record({
        rsc: fc.constantFrom('A', 'B'),
        node: fc.constantFrom('node1', 'node2'),
        score: fc.constantFrom('100', '-INFINITY'),
      })
      .map((fields) => ({ type: 'location' as const, id, ...fields })),
    fc
      .record({
        rsc: fc.constantFrom('A', 'B'),
        withRsc: fc.constantFrom('C', 'D'),
        score: fc.constantFrom('INFINITY', '100'),
      })
      .map((fields) => ({ type: 'colocation' as const, id, ...fields })),
    fc
      .array(fc.uniqueArray(fc.constantFrom('A', 'B', 'C'), { minLength: 1 }), { minLength: 1, maxLength: 2 })
      .map((sets) => ({ type: 'order' as const, id, sets: sets.map((resources) => ({ resources })) })),
  );

const level: fc.Arbitrary<SpecFencingLevel> = fc.record({
  index: fc.integer({ min: 1, max: 2 }),
  target: fc.constantFrom('node1', 'node2'),
  devices: fc.uniqueArray(fc.constantFrom('fence1', 'fence2'), { minLength: 1 }),
});

/** A spec with a few of everything the diff compares key by key or whole. */
export const clusterSpecArbitrary: fc.Arbitrary<ClusterSpec> = fc
  .record({
    properties: maybe(map(['stonith-enabled', 'no-quorum-policy', 'maintenance-mode'])),
    resourceDefaults: maybe(map(['resource-stickiness', 'migration-threshold'])),
    nodes: maybe(
      fc
        .uniqueArray(fc.constantFrom('node1', 'node2', 'node3'), { maxLength: 3 })
        .chain((names) =>
          fc.tuple(
            ...names.map((uname, index) =>
              maybe(map(['standby', 'datacenter'])).map((attributes) =>
                dropUndefined({ id: String(index + 1), uname, attributes }),
              ),
            ),
          ),
        ),
    ),
    resources: maybe(
      fc
        .uniqueArray(fc.constantFrom('A', 'B', 'C', 'D'), { maxLength: 4 })
        .chain((ids) => fc.tuple(...ids.map(resource))),
    ),
    constraints: maybe(
      fc
        .uniqueArray(fc.constantFrom('c1', 'c2', 'c3'), { maxLength: 3 })
        .chain((ids) => fc.tuple(...ids.map(constraint))),
    ),
    fencingLevels: maybe(
      fc.uniqueArray(level, { selector: (entry) => `${entry.target} ${entry.index}`, maxLength: 3 }),
    ),
    tags: maybe(
      fc
        .uniqueArray(fc.constantFrom('t1', 't2'), { maxLength: 2 })
        .map((ids) => ids.map((id) => ({ id, refs: ['A', id] }))),
    ),
  })
  .map((spec) => dropUndefined(spec) as ClusterSpec);
