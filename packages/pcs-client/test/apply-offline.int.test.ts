// applySpec end to end without a cluster: the CIB manager is the real one in file mode (every tool with
// CIB_file=…, as `cibadmin --patch` against a saved CIB), crm_verify and crm_simulate run on the new CIB, the
// agents' metadata comes from crm_resource, all of this run's generation (Pacemaker 2.1 or 3.0). What the
// live suite shows on a lab cluster, shown here on the cases a lab cannot time: a status update or a
// configuration change landing exactly between the read and the push.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runner } from '@ha/core';
import { labTools } from '@ha/lab/vitest';
import { applySpec, cibVersion, diffSpec, exportSpec, SpecError, specFromCib, type ClusterSpec } from '../src/index.js';
import { fixture } from './fixtures.js';

let directory = '';
let tools: Runner;
let cibFile = '';

// The tools, each told the CIB is the file; `before` runs once just before the next `cibadmin --patch`.
function fileCluster(before?: () => Promise<unknown>): Runner {
  let pending = before;
  return Object.assign(Object.create(tools) as Runner, {
    run: async (file: string, args: readonly string[], options: Parameters<Runner['run']>[2] = {}) => {
      if (pending && file === 'cibadmin' && args[0] === '--patch') {
        const first = pending;
        pending = undefined;
        await first();
      }
      return tools.run(file, args, { ...options, env: { ...options.env, CIB_file: cibFile } });
    },
  });
}
const onFile = (file: string, args: string[]) => fileCluster().run(file, args);

beforeAll(async () => {
  tools = await labTools();
  directory = await mkdtemp(join(tmpdir(), 'ha-pcs-apply-'));
  cibFile = join(directory, 'cib.xml');
  await writeFile(cibFile, fixture('crm_simulate/cib/seed.xml'));
}, 60_000);
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const withDummy = (spec: ClusterSpec, id: string): ClusterSpec => ({
  ...spec,
  resources: [
    ...(spec.resources ?? []),
    {
      kind: 'primitive',
      id,
      class: 'ocf',
      provider: 'pacemaker',
      type: 'Dummy',
      operations: [{ name: 'monitor', interval: '10s' }],
    },
  ],
});

describe('exportSpec and diffSpec on a saved CIB', () => {
  it('read it through CIB_file, as specFromCib reads its text', async () => {
    const saved = join(directory, 'saved.xml');
    await writeFile(saved, fixture('crm_simulate/cib/seed.xml'));
    const spec = await exportSpec({ runner: tools, source: { kind: 'cib-file', path: saved } });
    expect(spec).toEqual(specFromCib(fixture('crm_simulate/cib/seed.xml')));
    expect(await diffSpec(spec, { runner: tools, source: { kind: 'cib-file', path: saved } })).toEqual([]);
    const changes = await diffSpec(withDummy(spec, 'More'), {
      runner: tools,
      source: { kind: 'xml', xml: await readFile(saved, 'utf8') },
    });
    expect(changes.map((change) => `${change.op} ${change.id}`)).toEqual(['add More']);
  });
});

describe('applySpec on a CIB file, with the real tools', () => {
  it('adds a resource in one patch; the plan starts it; the same spec again changes nothing', async () => {
    const spec = withDummy(await exportSpec({ runner: fileCluster() }), 'Extra');
    const before = cibVersion(await readFile(cibFile, 'utf8'));
    const report = await applySpec(spec, { runner: fileCluster() });
    expect(report).toMatchObject({ outcome: 'applied', attempts: 1 });
    expect(report.changes.map((change) => `${change.op} ${change.kind} ${change.id}`)).toEqual(['add primitive Extra']);
    expect(report.plan?.resources.find((resource) => resource.resource === 'Extra')?.after).toHaveLength(1);
    const after = await readFile(cibFile, 'utf8');
    expect(cibVersion(after).epoch).toBeGreaterThan(before.epoch);
    expect(specFromCib(after).resources?.map((resource) => resource.id)).toContain('Extra');
    expect((await applySpec(spec, { runner: fileCluster() })).outcome).toBe('unchanged');
  });

  it('a status update between the read and the push: the patch is made again against the new read', async () => {
    const spec = withDummy(await exportSpec({ runner: fileCluster() }), 'Extra2');
    // A transient node attribute changes the status only: num_updates moves, epoch does not.
    const statusMoved = fileCluster(() =>
      onFile('crm_attribute', ['--node', 'node1', '--lifetime', 'reboot', '--name', 'probe', '--update', '1']),
    );
    const report = await applySpec(spec, { runner: statusMoved });
    expect(report).toMatchObject({ outcome: 'applied', attempts: 2 });
    expect(specFromCib(await readFile(cibFile, 'utf8')).resources?.map((resource) => resource.id)).toContain('Extra2');
  });

  it('a configuration change between the read and the push: refused, nothing pushed, the other change kept', async () => {
    const spec = withDummy(await exportSpec({ runner: fileCluster() }), 'Extra3');
    const configChanged = fileCluster(() =>
      onFile('crm_attribute', ['--type', 'crm_config', '--name', 'batch-limit', '--update', '7']),
    );
    const report = await applySpec(spec, { runner: configChanged });
    expect(report.outcome).toBe('refused');
    expect(report.refused?.reason).toBe('CONCURRENT_CHANGE');
    const now = specFromCib(await readFile(cibFile, 'utf8'));
    expect(now.resources?.map((resource) => resource.id)).not.toContain('Extra3');
    expect(now.properties?.['batch-limit']).toBe('7');
  });

  it('a spec crm_verify or an agent refuses pushes nothing', async () => {
    const before = await readFile(cibFile, 'utf8');
    const spec = await exportSpec({ runner: fileCluster() });
    const unknownAgent = withDummy(spec, 'Extra4');
    const last = unknownAgent.resources?.at(-1);
    if (last?.kind === 'primitive') last.params = { fake: 'x', bogus: '1' };
    const error = await applySpec(unknownAgent, { runner: fileCluster() }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).problems.map((problem) => problem.path)).toEqual([
      `resources[${(unknownAgent.resources?.length ?? 0) - 1}].params.bogus`,
    ]);
    // A colocation naming a resource that is not there: the spec's own check says so before any tool runs.
    const dangling: ClusterSpec = {
      ...spec,
      constraints: [
        ...(spec.constraints ?? []),
        { type: 'colocation', id: 'with-nothing', rsc: 'WebServer', withRsc: 'Nothing', score: 'INFINITY' },
      ],
    };
    const refused = await applySpec(dangling, { runner: fileCluster() }).catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(SpecError);
    expect((refused as SpecError).problems[0]?.path).toMatch(/^constraints\[\d+\]\.withRsc$/);
    expect(await readFile(cibFile, 'utf8')).toBe(before);
  });
});
