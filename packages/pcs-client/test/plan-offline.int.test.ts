// Plans on saved CIBs with this run's generation of the real tools (Pacemaker 2.1 on debian12, 3.0 on
// debian13): crm_attribute, crm_resource and cibadmin edit a private copy, crm_simulate plans on it. No
// cluster and no lab: everything runs offline, and the CIB given is never touched.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParseError, type Runner } from '@ha/core';
import { labTools } from '@ha/lab/vitest';
import { planChanges, PlanChangeError, type ClusterChange, type Plan } from '../src/index.js';
import { fixture } from './fixtures.js';

let directory = '';
let tools: Runner;
const paths: Record<string, string> = {};

beforeAll(async () => {
  tools = await labTools();
  directory = await mkdtemp(join(tmpdir(), 'ha-pcs-plan-'));
  for (const name of ['seed', 'seed-fencing', 'promotable', 'cts-standby-cluster02']) {
    paths[name] = join(directory, `${name}.xml`);
    await writeFile(paths[name], fixture(`crm_simulate/cib/${name}.xml`));
  }
}, 60_000);
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const plan = (changes: ClusterChange | ClusterChange[], cib = 'seed', scores = false) =>
  planChanges(changes, { runner: tools, source: { kind: 'cib-file', path: paths[cib] as string }, scores });
const where = (result: Plan, id: string) => result.resources.find((r) => r.resource === id)?.after.map((p) => p.node);

describe('plan on a saved CIB, with the real tools of this generation', () => {
  it('standby: both move together, in the order the constraints say; the file is left as it was', async () => {
    const before = await readFile(paths.seed as string, 'utf8');
    const result = await plan({ kind: 'standby', node: 'node1' });
    expect(where(result, 'VirtualIP')).toEqual(where(result, 'WebServer'));
    expect(where(result, 'VirtualIP')).not.toContain('node1');
    const order = result.actions
      .filter((a) => a.action !== 'monitor')
      .map((a) => `${a.action} ${'resource' in a ? a.resource : ''}`);
    expect(order).toEqual(['stop WebServer', 'stop VirtualIP', 'start VirtualIP', 'start WebServer']);
    expect(result.nodes.find((n) => n.name === 'node1')).toMatchObject({
      before: { standby: false },
      after: { standby: true },
    });
    expect(await readFile(paths.seed as string, 'utf8')).toBe(before);
  });

  it('a lost node is fenced and its resources recover (injected in two steps on every generation)', async () => {
    const result = await plan({ kind: 'down', node: 'node1' }, 'seed-fencing');
    expect(result.fenced).toEqual(['node1']);
    expect(result.actions.findIndex((a) => a.kind === 'fence')).toBeLessThan(
      result.actions.findIndex((a) => a.kind === 'resource' && a.action === 'start' && a.resource === 'VirtualIP'),
    );
    expect(result.nodes.find((n) => n.name === 'node1')?.after.online).toBe(false);
    expect(result.lossOfService).toEqual([]);
  });

  it('a failed monitor restarts in place; a failed start moves it; together with a standby, in one plan', async () => {
    const monitor = await plan({
      kind: 'fail',
      resource: 'WebServer',
      operation: 'monitor',
      node: 'node1',
      exitCode: 7,
    });
    expect(monitor.restarted).toEqual(['WebServer']);
    const start = await plan({ kind: 'fail', resource: 'VirtualIP', operation: 'start', node: 'node1' });
    expect(where(start, 'VirtualIP')).not.toContain('node1');
    const both = await plan([
      { kind: 'standby', node: 'node2' },
      { kind: 'fail', resource: 'WebServer', operation: 'monitor', node: 'node1' },
    ]);
    expect(both.changes).toHaveLength(2);
    expect(both.restarted).toEqual(['WebServer']);
  });

  it('move: with its constraint, then without (two phases); kept, one; restart: stop, then start in place', async () => {
    const moved = await plan({ kind: 'move', resource: 'WebServer', node: 'node3' });
    expect(moved.phases).toBe(2);
    expect(where(moved, 'WebServer')).toEqual(['node3']);
    const kept = await plan({ kind: 'move', resource: 'WebServer', node: 'node3', keepConstraint: true });
    expect(kept.phases).toBe(1);
    const restarted = await plan({ kind: 'restart', resource: 'VirtualIP' });
    expect(restarted.restarted.sort()).toEqual(['VirtualIP', 'WebServer']);
    expect(where(restarted, 'VirtualIP')).toEqual(['node1']);
  });

  it('disable stops what depends on it too: a loss of service; ban keeps it off a node', async () => {
    const disabled = await plan({ kind: 'disable', resource: 'VirtualIP' });
    expect(disabled.lossOfService.sort()).toEqual(['VirtualIP', 'WebServer']);
    const banned = await plan({ kind: 'ban', resource: 'WebServer', node: 'node1' });
    expect(where(banned, 'WebServer')).not.toContain('node1');
  });

  it("Pacemaker's CTS cluster: blocked starts, clone instances stopping, scores on request", async () => {
    const result = await plan({ kind: 'online', node: 'cluster02' }, 'cts-standby-cluster02', true);
    expect(result.scores?.length).toBeGreaterThan(0);
    const promotable = await plan({ kind: 'standby', node: 'node2' }, 'promotable');
    expect(promotable.resources.find((r) => r.resource === 'DB')?.stoppedOn).toEqual(['node2']);
    expect(promotable.lossOfService).not.toContain('DB');
  });

  it('a CIB held in memory plans the same as its file', async () => {
    const xml = await readFile(paths.seed as string, 'utf8');
    const fromMemory = await planChanges(
      { kind: 'standby', node: 'node1' },
      { runner: tools, source: { kind: 'xml', xml } },
    );
    const fromFile = await plan({ kind: 'standby', node: 'node1' });
    expect(fromMemory.resources).toEqual(fromFile.resources);
    expect(fromMemory.actions).toEqual(fromFile.actions);
  });

  it('refuses what is not there or changes nothing, and a file that is not a CIB', async () => {
    const refusal = (changes: ClusterChange, cib?: string) =>
      plan(changes, cib).then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(await refusal({ kind: 'standby', node: 'node7' })).toMatchObject({ reason: 'NO_SUCH_NODE' });
    expect(await refusal({ kind: 'move', resource: 'WebServer', node: 'node1' })).toMatchObject({
      reason: 'NO_EFFECT',
    });
    expect(await refusal({ kind: 'down', node: 'node1' }, 'seed')).toBeUndefined();
    expect(await refusal({ kind: 'fail', resource: 'WebServer', operation: 'monitor', node: 'node2' })).toBeInstanceOf(
      PlanChangeError,
    );
    const notCib = join(directory, 'not-a-cib.xml');
    await writeFile(notCib, '<pacemaker-result/>');
    const error = await planChanges(
      { kind: 'standby', node: 'node1' },
      { runner: tools, source: { kind: 'cib-file', path: notCib } },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).message).toContain(notCib);
  });
});
