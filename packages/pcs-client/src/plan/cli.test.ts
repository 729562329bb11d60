import { defineCliCommand, runCliCaptured, UsageError } from '@ha/core';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/fixtures.js';
import { createPlanCommand, formatPlan, parsePlanWords } from './cli.js';
import type { ClusterChange } from './model.js';
import { readCibFacts } from './cib.js';
import { assemblePlan, type PlanOptions } from './plan.js';
import { parseSimulation } from './simulation.js';

const simulation = (name: string) =>
  parseSimulation(fixture(`crm_simulate/pacemaker-2.1/${name}.xml`), { simulated: true });

describe('parsePlanWords', () => {
  it('each change in the words an operator types, several joined by +', () => {
    expect(parsePlanWords(['standby', 'node1'])).toEqual([{ kind: 'standby', node: 'node1' }]);
    expect(parsePlanWords(['move', 'WebServer', 'node3'], { keepConstraint: true })).toEqual([
      { kind: 'move', resource: 'WebServer', node: 'node3', keepConstraint: true },
    ]);
    expect(parsePlanWords(['ban', 'DB-clone'], { promoted: true })).toEqual([
      { kind: 'ban', resource: 'DB-clone', promoted: true },
    ]);
    expect(
      parsePlanWords(['fail', 'WebServer', 'monitor', '+', 'down', 'node2'], {
        node: 'node1',
        exitCode: '7',
        interval: '10s',
      }),
    ).toEqual([
      { kind: 'fail', resource: 'WebServer', operation: 'monitor', node: 'node1', exitCode: 7, intervalMs: 10_000 },
      { kind: 'down', node: 'node2' },
    ]);
  });

  it('anything else is a usage error saying what to write', () => {
    const usage =
      (words: string[], flags = {}) =>
      () =>
        parsePlanWords(words, flags);
    expect(usage([])).toThrow(UsageError);
    expect(usage(['fly', 'x'])).toThrow(/'fly' is not a change/);
    expect(usage(['standby'])).toThrow(/write: standby NODE/);
    expect(usage(['standby', 'a', 'b'])).toThrow(/write: standby NODE/);
    expect(usage(['fail', 'WebServer', 'monitor'])).toThrow(/--node NODE/);
    expect(usage(['fail', 'WebServer', 'reboot'], { node: 'node1' })).toThrow(/one of monitor/);
    expect(usage(['fail', 'WebServer', 'start'], { node: 'node1', exitCode: '300' })).toThrow(/not an exit code/);
    expect(usage(['standby', 'node1', '+'])).toThrow(/say what to plan/);
  });
});

describe('formatPlan', () => {
  it('what moves, the actions in order, the verdict', () => {
    const plan = assemblePlan([{ kind: 'standby', node: 'node1' }], [simulation('standby-node1')], {
      facts: readCibFacts(fixture('crm_simulate/cib/seed.xml')),
    });
    expect(formatPlan(plan)).toBe(
      [
        'plan: standby node1',
        '  VirtualIP            node1 -> node2',
        '  WebServer            node1 -> node2',
        '  node node1: online -> online, standby',
        'actions:',
        '   1. stop WebServer on node1',
        '   2. stop VirtualIP on node1',
        '   3. start VirtualIP on node2',
        '   4. start WebServer on node2',
        'no loss of service',
        '',
      ].join('\n'),
    );
  });

  it('a fence and a loss of service are said', () => {
    const fenced = formatPlan(assemblePlan([{ kind: 'down', node: 'node1' }], [simulation('node-fail-fenced')]));
    expect(fenced).toMatch(/^ {3}2\. fence node1 \(reboot\)$/m);
    expect(fenced).toMatch(/^fences: node1$/m);
    const cts = formatPlan(
      assemblePlan([{ kind: 'standby', node: 'cluster02' }], [simulation('cts-standby-cluster02')]),
    );
    expect(cts).toMatch(/^LOSS OF SERVICE: .*dummy/m);
    expect(cts).toMatch(/^blocked: start httpd-bundle-2 on cluster01 \(unrunnable/m);
  });
});

describe('ha-pcs plan', () => {
  const root = (planOf: (changes: ClusterChange[], options: PlanOptions) => Promise<ReturnType<typeof assemblePlan>>) =>
    defineCliCommand({
      meta: { name: 'ha-pcs', description: 'test root' },
      subCommands: { plan: createPlanCommand(planOf) },
    });

  it('exit 0 with nothing lost, 1 with a loss, the source and options passed through, --json without the raw runs', async () => {
    const asked: { changes: ClusterChange[]; options: PlanOptions }[] = [];
    const cli = root(async (changes, options) => {
      asked.push({ changes, options });
      return assemblePlan(changes, [
        simulation(changes[0]?.kind === 'disable' ? 'cts-standby-cluster02' : 'standby-node1'),
      ]);
    });
    const ok = await runCliCaptured(cli, ['plan', 'standby', 'node1']);
    expect(ok).toMatchObject({ code: 0, err: '' });
    expect(asked[0]?.options.source).toEqual({ kind: 'live' });
    const lost = await runCliCaptured(cli, [
      'plan',
      'disable',
      'dummy',
      '--cib-file',
      '/tmp/cib.xml',
      '--json',
      '--scores',
    ]);
    expect(lost.code).toBe(1);
    expect(asked[1]?.options).toMatchObject({ source: { kind: 'cib-file', path: '/tmp/cib.xml' }, scores: true });
    const json = JSON.parse(lost.out) as { lossOfService: string[]; simulations?: unknown };
    expect(json.lossOfService).toContain('dummy');
    expect(json.simulations).toBeUndefined();
  });

  it('errors are one line and exit 2', async () => {
    const cli = root(async () => {
      throw new Error('unreachable');
    });
    const bad = await runCliCaptured(cli, ['plan', 'fly', 'away']);
    expect(bad.code).toBe(2);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
  });
});
