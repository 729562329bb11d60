import { describe, expect, it } from 'vitest';
import { childNamed, parseXmlTree } from '../xml/tree.js';
import { comparable, comparableUnordered, corpusCibs } from '../../test/spec-corpus.js';
import { specFromCib } from './from-cib.js';
import type { ClusterSpec } from './model.js';
import { cibWithConfiguration, configurationFromSpec } from './to-cib.js';

/** Whether anything of the spec is raw (then only the spec round trip is promised, not the XML's). */
function hasRaw(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasRaw);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(
    ([key, inner]) => ['raw', 'xml', 'propertySets', 'defaultSets', 'acls', 'select'].includes(key) || hasRaw(inner),
  );
}

const cibs = corpusCibs();

describe('CIB → spec → <configuration> → spec, on every real CIB of the fixtures', () => {
  it('reads enough CIBs to mean something, most of them typed completely', () => {
    expect(cibs.length).toBeGreaterThan(80);
    // Bundles, templates and second property sets stay raw; the rest of the corpus is typed through and through.
    expect(cibs.filter((cib) => !hasRaw(specFromCib(cib.xml))).length).toBeGreaterThanOrEqual(40);
  });

  for (const cib of cibs) {
    it(cib.name, () => {
      const spec = specFromCib(cib.xml);
      const written = configurationFromSpec(spec);
      expect(specFromCib(written)).toEqual(spec);
      const original = childNamed(parseXmlTree(cib.xml), 'configuration');
      if (!original) throw new Error('no configuration');
      const again = parseXmlTree(written);
      // Raw parts come back in their place but after the typed ones: the same elements, in some order.
      if (hasRaw(spec)) expect(comparableUnordered(again)).toEqual(comparableUnordered(original));
      else expect(comparable(again)).toEqual(comparable(original));
    });
  }
});

describe('cibWithConfiguration', () => {
  const seed = cibs.find((cib) => cib.name === 'crm_simulate/seed.xml');
  if (!seed) throw new Error('seed CIB missing');

  it('keeps the <cib> attributes and <status> as written, byte for byte', () => {
    const spec = specFromCib(seed.xml);
    const changed: ClusterSpec = { ...spec, properties: { ...spec.properties, 'stonith-enabled': 'true' } };
    const result = cibWithConfiguration(seed.xml, changed);
    const cutBefore = (text: string) => text.slice(0, text.indexOf('<configuration'));
    const cutAfter = (text: string) => text.slice(text.indexOf('</configuration>'));
    expect(cutBefore(result)).toBe(cutBefore(seed.xml));
    expect(cutAfter(result)).toBe(cutAfter(seed.xml));
    expect(specFromCib(result)).toEqual(changed);
  });

  it('refuses what is not a CIB', () => {
    expect(() => cibWithConfiguration('<cib_not/>', {})).toThrow(/not a CIB/);
  });
});

describe('configurationFromSpec', () => {
  it('generates the ids pcs 0.11 makes, and writes sections in Pacemaker order', () => {
    const xml = configurationFromSpec({
      resourceDefaults: { 'resource-stickiness': '100' },
      operationDefaults: { timeout: '30s' },
      properties: { 'stonith-enabled': 'false' },
      resources: [
        {
          kind: 'primitive',
          id: 'VIP',
          class: 'ocf',
          provider: 'heartbeat',
          type: 'IPaddr2',
          params: { ip: '10.0.0.1' },
          meta: { 'target-role': 'Stopped' },
          operations: [{ name: 'monitor', interval: '10s', timeout: '20s' }],
          utilization: { cpu: '1' },
        },
      ],
      constraints: [
        {
          type: 'location',
          id: 'location-VIP',
          rsc: 'VIP',
          rules: [{ score: '100', expressions: [{ attribute: '#uname', operation: 'eq', value: 'node1' }] }],
        },
      ],
    });
    // What `pcs -f` wrote on this host for the same commands (see test/fixtures/spec/INDEX.md).
    for (const id of [
      'cib-bootstrap-options-stonith-enabled',
      'VIP-instance_attributes-ip',
      'VIP-meta_attributes-target-role',
      'VIP-monitor-interval-10s',
      'VIP-utilization-cpu',
      'location-VIP-rule-expr',
      'rsc_defaults-meta_attributes-resource-stickiness',
      'op_defaults-meta_attributes-timeout',
    ])
      expect(xml).toContain(`id="${id}"`);
    const sections = parseXmlTree(xml).children.map((section) => section.name);
    expect(sections).toEqual(['crm_config', 'nodes', 'resources', 'constraints', 'op_defaults', 'rsc_defaults']);
  });

  it('escapes attribute values so they read back unchanged, and refuses what XML cannot hold', () => {
    const value = 'a&b<c>"d"\te\nf\r';
    const spec: ClusterSpec = { properties: { odd: value } };
    expect(specFromCib(configurationFromSpec(spec)).properties).toEqual({ odd: value });
    expect(() => configurationFromSpec({ properties: { bad: 'x\u0001' } })).toThrow(TypeError);
  });
});
