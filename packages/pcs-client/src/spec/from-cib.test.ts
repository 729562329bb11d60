import fc from 'fast-check';
import { ParseError } from '@ha/core';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/fixtures.js';
import { corpusCibs } from '../../test/spec-corpus.js';
import { specFromCib } from './from-cib.js';
import type { SpecClone, SpecConstraint } from './model.js';
import { clusterSpecSchema } from './model.js';

const scheduler = (name: string) => fixture(`spec/pacemaker-scheduler/${name}`);

describe('specFromCib', () => {
  it('the seed: maps of params, the ids pcs would not generate kept, nothing raw', () => {
    const spec = specFromCib(fixture('crm_simulate/cib/seed.xml'));
    expect(spec.properties).toEqual({ 'stonith-enabled': 'false' });
    expect(spec.nodes?.map((node) => node.uname)).toEqual(['node1', 'node2', 'node3']);
    expect(spec.resources?.[0]).toEqual({
      kind: 'primitive',
      id: 'VirtualIP',
      class: 'ocf',
      provider: 'heartbeat',
      type: 'IPaddr2',
      params: { ip: '10.213.0.100' },
      operations: [{ name: 'monitor', interval: '10s', id: 'vip-mon' }],
      ids: { params: 'vip-ia', 'params.ip': 'vip-ip' },
    });
    expect(spec.constraints).toEqual([
      { type: 'colocation', id: 'col', rsc: 'WebServer', withRsc: 'VirtualIP', score: 'INFINITY' },
      { type: 'order', id: 'ord', first: 'VirtualIP', then: 'WebServer' },
    ]);
    expect(spec.raw).toBeUndefined();
  });

  it('every real CIB gives a spec the schema accepts', () => {
    for (const cib of corpusCibs())
      expect(clusterSpecSchema.safeParse(specFromCib(cib.xml)).error, cib.name).toBeUndefined();
  });

  it('promotable clones, bundles kept raw, tickets on tags, fencing levels', () => {
    const promoted = specFromCib(scheduler('promoted-0.xml'));
    const clones = (promoted.resources ?? []).filter((resource): resource is SpecClone => resource.kind === 'clone');
    expect(clones.some((clone) => clone.promotable && clone.meta?.promotable === undefined)).toBe(true);
    const bundles =
      specFromCib(scheduler('bundle-probe-remotes.xml')).resources?.filter((resource) => resource.kind === 'bundle') ??
      [];
    expect(bundles.length).toBeGreaterThan(0);
    for (const bundle of bundles)
      expect('xml' in bundle && bundle.xml.startsWith(`<bundle id="${bundle.id}"`)).toBe(true);
    const tickets = (specFromCib(scheduler('tags-ticket.xml')).constraints ?? []).filter(
      (constraint): constraint is Extract<SpecConstraint, { type: 'ticket' }> => constraint.type === 'ticket',
    );
    expect(tickets.find((ticket) => ticket.id === 'tag1-req-ticketA')).toEqual({
      type: 'ticket',
      id: 'tag1-req-ticketA',
      rsc: 'tag1',
      ticket: 'ticketA',
      lossPolicy: 'stop',
    });
    const levels = specFromCib(scheduler('clone-requires-quorum.xml')).fencingLevels ?? [];
    expect(levels).toContainEqual({ index: 1, target: 'rhel7-2', devices: ['FencingFail'], id: 'cts-rhel7-2.1' });
  });

  it('a nested rule with a date expression stays raw, in its place among the expressions', () => {
    const spec = specFromCib(scheduler('location-date-rules-1.xml'));
    const rules = (spec.constraints ?? []).flatMap((constraint) =>
      constraint.type === 'location' ? (constraint.rules ?? []) : [],
    );
    expect(
      rules.some((rule) =>
        rule.expressions.some(
          (expression) =>
            'xml' in expression && expression.xml.startsWith('<rule') && expression.xml.includes('<date_expression'),
        ),
      ),
    ).toBe(true);
  });

  it('what is not a CIB is a ParseError', () => {
    expect(() => specFromCib('<crm_mon/>')).toThrow(ParseError);
    expect(() => specFromCib('<cib/>')).toThrow(/no <configuration>/);
    expect(() => specFromCib('')).toThrow(ParseError);
  });

  it('random truncations of a CIB: a spec or a ParseError, nothing else', () => {
    const xml = fixture('crm_simulate/cib/seed.xml');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: xml.length }), (end) => {
        try {
          specFromCib(xml.slice(0, end));
        } catch (error) {
          return error instanceof ParseError;
        }
        return true;
      }),
    );
  });
});
