import { ParseError } from '@ha/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/fixtures.js';
import { PacemakerToolError, UnsupportedApiVersionError } from '../errors.js';
import { parseSimulation } from './simulation.js';

const generations = ['pacemaker-2.1', 'pacemaker-3.0'] as const;
const read = (generation: string, name: string) =>
  parseSimulation(fixture(`crm_simulate/${generation}/${name}.xml`), { simulated: true });

describe('parseSimulation', () => {
  for (const generation of generations) {
    describe(generation, () => {
      it('standby: both resources move in order, the summary says move, the revised state has them on node2', () => {
        const simulation = read(generation, 'standby-node1');
        expect(simulation.summary).toEqual([
          { action: 'move', resource: 'VirtualIP', from: 'node1', to: 'node2', blocked: false },
          { action: 'move', resource: 'WebServer', from: 'node1', to: 'node2', blocked: false },
        ]);
        expect(simulation.actions.filter((action) => action.action !== 'monitor')).toEqual([
          { kind: 'resource', action: 'stop', resource: 'WebServer', node: 'node1' },
          { kind: 'resource', action: 'stop', resource: 'VirtualIP', node: 'node1' },
          { kind: 'resource', action: 'start', resource: 'VirtualIP', node: 'node2' },
          { kind: 'resource', action: 'start', resource: 'WebServer', node: 'node2' },
        ]);
        expect(simulation.actions.filter((action) => action.action === 'monitor')).toEqual([
          { kind: 'resource', action: 'monitor', resource: 'VirtualIP', node: 'node2', intervalMs: 10_000 },
          { kind: 'resource', action: 'monitor', resource: 'WebServer', node: 'node2', intervalMs: 10_000 },
        ]);
        const where = (state: typeof simulation.before) =>
          state.resources.map((resource) => (resource.kind === 'primitive' ? resource.nodes.map((n) => n.name) : []));
        expect(where(simulation.before)).toEqual([['node1'], ['node1']]);
        expect(where(simulation.after ?? simulation.before)).toEqual([['node2'], ['node2']]);
        expect(simulation.before.nodes.find((node) => node.name === 'node1')?.standby).toBe(true);
      });

      it('a failing node is fenced first, then its resources start elsewhere', () => {
        const simulation = read(generation, 'node-fail-fenced');
        expect(simulation.summary[0]).toEqual({
          action: 'fence',
          node: 'node1',
          fenceAction: 'reboot',
          reason: 'peer is no longer part of the cluster',
          blocked: false,
        });
        const order = simulation.actions.map((action) => `${action.kind}:${action.action}:${action.node}`);
        expect(order.indexOf('fence:reboot:node1')).toBeLessThan(order.indexOf('resource:start:node2'));
        expect(simulation.after?.nodes.find((node) => node.name === 'node1')?.online).toBe(false);
      });

      it('a failed monitor is a recovery: stop and start in place, with the cluster action that clears the count', () => {
        const simulation = read(generation, 'monitor-failed');
        expect(simulation.summary).toEqual([
          { action: 'recover', resource: 'WebServer', node: 'node1', blocked: false },
        ]);
        expect(simulation.actions).toContainEqual({
          kind: 'cluster',
          action: 'clear_failcount',
          node: 'node1',
          resource: 'WebServer',
        });
      });

      it('scores: every assignment step of each instance, -INFINITY as Pacemaker counts it, and promotion scores', () => {
        const simulation = read(generation, 'promotable-scores-node-fail');
        expect(simulation.scores.length).toBeGreaterThan(10);
        expect(simulation.scores).toContainEqual({
          resource: 'VirtualIP',
          node: 'node1',
          score: -1_000_000,
          step: expect.stringMatching(/assign/) as unknown as string,
        });
        expect(simulation.promotionScores.map((entry) => entry.resource)).toEqual(
          expect.arrayContaining(['DB:0', 'DB:1']),
        );
      });

      it("Pacemaker's own CTS cluster: clones, groups, bundles and blocked starts read", () => {
        const simulation = read(generation, 'cts-standby-cluster02');
        expect(simulation.summary.filter((entry) => entry.blocked).map((entry) => entry.resource)).toEqual([
          'httpd-bundle-2',
          'httpd:2',
        ]);
        expect(simulation.summary).toContainEqual({
          action: 'stop',
          resource: 'promotable-rsc:0',
          node: 'cluster02',
          role: 'Promoted',
          reason: 'node availability',
          blocked: false,
        });
        expect(simulation.after?.resources.map((resource) => resource.kind)).toEqual(
          simulation.before.resources.map((resource) => resource.kind),
        );
      });
    });
  }

  it("refuses Pacemaker 3.0.0's output of a run that injected: it has no transition (a plan must not read it as 'nothing')", () => {
    const text = fixture('crm_simulate/pacemaker-3.0/broken-inject-output.xml');
    expect(() => parseSimulation(text, { simulated: true })).toThrow(/no <revised_cluster_status>/);
    expect(parseSimulation(text).after).toBeUndefined();
  });

  it('bad input: not XML, another document, a failure the tool reports, a future API', () => {
    expect(() => parseSimulation('')).toThrow(ParseError);
    expect(() => parseSimulation('<cib/>')).toThrow(/not crm_simulate output/);
    expect(() => parseSimulation('<pacemaker-result api-version="2.25"><status code="0"/></pacemaker-result>')).toThrow(
      /no <cluster_status>/,
    );
    expect(() =>
      parseSimulation(
        '<pacemaker-result api-version="2.25"><status code="105" message="No such object">' +
          '<errors><error>Could not read</error></errors></status></pacemaker-result>',
      ),
    ).toThrow(PacemakerToolError);
    expect(() => parseSimulation('<pacemaker-result api-version="3.1"><cluster_status/></pacemaker-result>')).toThrow(
      UnsupportedApiVersionError,
    );
  });

  it('random damage to a real output only ever throws typed errors (property)', () => {
    const good = fixture('crm_simulate/pacemaker-2.1/standby-node1.xml');
    fc.assert(
      fc.property(fc.nat(good.length - 1), fc.nat(100), fc.string({ maxLength: 8 }), (at, cut, insert) => {
        const damaged = good.slice(0, at) + insert + good.slice(Math.min(good.length, at + cut));
        try {
          parseSimulation(damaged);
        } catch (error) {
          expect(
            [ParseError, PacemakerToolError, UnsupportedApiVersionError].some((type) => error instanceof type),
          ).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
