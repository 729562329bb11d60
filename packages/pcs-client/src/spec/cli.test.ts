import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defineCliCommand, runCliCaptured } from '@ha/core';
import type { Plan } from '../plan/model.js';
import { SpecError, type SpecApplyReport } from './apply.js';
import { createSpecCommands, type SpecCommandActions } from './cli.js';
import type { SpecChange } from './diff.js';
import type { ClusterSpec } from './model.js';

const scratch = await mkdtemp(join(tmpdir(), 'ha-spec-cli-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const exported: ClusterSpec = {
  properties: { 'stonith-enabled': 'true' },
  resources: [
    {
      kind: 'primitive',
      id: 'VirtualIP',
      class: 'ocf',
      provider: 'heartbeat',
      type: 'IPaddr2',
      params: { ip: '10.0.0.1' },
    },
  ],
};
const change: SpecChange = {
  op: 'update',
  kind: 'primitive',
  id: 'VirtualIP',
  field: 'params.ip',
  path: ['params', 'ip'],
  before: '10.0.0.1',
  after: '10.0.0.2',
};
const version = { adminEpoch: 0, epoch: 7, numUpdates: 3 };
const emptyPlan: Plan = {
  changes: [],
  resources: [],
  nodes: [],
  actions: [],
  summary: [],
  lossOfService: [],
  restarted: [],
  fenced: [],
  blocked: [],
  phases: 1,
  simulations: [],
};

// The commands over stand-ins that record what they were asked.
function haPcs(answers: { changes?: SpecChange[]; report?: SpecApplyReport | Error } = {}) {
  const asked: { what: string; spec?: unknown; options?: unknown }[] = [];
  const actions: SpecCommandActions = {
    exportSpec: (options) => {
      asked.push({ what: 'export', options: { ...options, runner: undefined } });
      return Promise.resolve(exported);
    },
    diffSpec: (spec, options) => {
      asked.push({ what: 'diff', spec, ...(options.source ? { options: { source: options.source } } : {}) });
      return Promise.resolve(answers.changes ?? []);
    },
    applySpec: (spec, options) => {
      asked.push({ what: 'apply', spec, options: { ...options, runner: undefined } });
      const report = answers.report ?? { outcome: 'unchanged', changes: [], versionBefore: version };
      return report instanceof Error ? Promise.reject(report) : Promise.resolve(report);
    },
    settle: () => Promise.resolve(['VirtualIP: node1 (Started)']),
  };
  const root = defineCliCommand({
    meta: { name: 'ha-pcs', description: 'test root' },
    subCommands: createSpecCommands(actions),
  });
  return { run: (argv: string[]) => runCliCaptured(root, argv), asked };
}

async function specFile(name: string, text: string): Promise<string> {
  const path = join(scratch, name);
  await writeFile(path, text);
  return path;
}

describe('ha-pcs export', () => {
  it('prints YAML by default, JSON on request, and writes into a file keeping its comments', async () => {
    const yaml = await haPcs().run(['export']);
    expect(yaml).toMatchObject({ code: 0, err: '' });
    expect(yaml.out).toContain('id: VirtualIP');
    expect(JSON.parse((await haPcs().run(['export', '--format', 'json'])).out)).toEqual(exported);
    const into = await specFile(
      'kept.yaml',
      '# our cluster\nproperties:\n  stonith-enabled: "false" # it was off once\n',
    );
    expect((await haPcs().run(['export', '--into', into])).code).toBe(0);
    const written = await readFile(into, 'utf8');
    expect(written).toContain('# our cluster');
    expect(written).toMatch(/stonith-enabled: "?true"? # it was off once/);
    expect((await haPcs().run(['export', '--format', 'xml'])).code).toBe(2);
    const saved = haPcs();
    await saved.run(['export', '--cib-file', 'cib.xml']);
    expect(saved.asked).toEqual([
      { what: 'export', options: { runner: undefined, source: { kind: 'cib-file', path: 'cib.xml' } } },
    ]);
  });
});

describe('ha-pcs diff', () => {
  it('one line a change, exit 1; exit 0 when nothing changes', async () => {
    const file = await specFile('cluster.yaml', 'resources: []\n');
    const { run, asked } = haPcs({ changes: [change] });
    expect(await run(['diff', file])).toEqual({
      code: 1,
      err: '',
      out: '~ primitive VirtualIP params.ip: 10.0.0.1 → 10.0.0.2\n',
    });
    expect(asked).toEqual([{ what: 'diff', spec: { resources: [] } }]);
    expect(await haPcs().run(['diff', file])).toMatchObject({ code: 0, out: 'no change: the cluster is the spec\n' });
    const saved = haPcs();
    await saved.run(['diff', file, '--cib-file', 'cib.xml']);
    expect(saved.asked).toEqual([
      { what: 'diff', spec: { resources: [] }, options: { source: { kind: 'cib-file', path: 'cib.xml' } } },
    ]);
  });

  it('a YAML syntax error: one line with the file, line and column, exit 2', async () => {
    const file = await specFile('broken.yaml', 'resources:\n  - id: a\n   kind: [primitive\n');
    const result = await haPcs().run(['diff', file]);
    expect(result.code).toBe(2);
    expect(result.err.trim().split('\n')).toHaveLength(1);
    expect(result.err).toContain(`${file}:3:`);
  });
});

describe('ha-pcs apply', () => {
  const applied: SpecApplyReport = {
    outcome: 'applied',
    changes: [change],
    plan: emptyPlan,
    versionBefore: version,
    versionAfter: { ...version, epoch: 9, numUpdates: 0 },
  };

  it('prints the changes, the plan and the update; --wait says where things run; the options go through', async () => {
    const file = await specFile('apply.yaml', 'resources: []\n');
    const { run, asked } = haPcs({ report: applied });
    const result = await run(['apply', file, '--wait', '--force', '--allow-service-loss']);
    expect(result.code).toBe(0);
    expect(result.out).toBe(
      '~ primitive VirtualIP params.ip: 10.0.0.1 → 10.0.0.2\nplan:\n  nothing moves, restarts or stops\nno loss of service\n' +
        'applied in one CIB update (epoch 7 → 9)\nsettled:\n  VirtualIP: node1 (Started)\n',
    );
    expect(asked[0]?.options).toEqual({
      runner: undefined,
      dryRun: false,
      allowServiceLoss: true,
      force: true,
      checkAgents: true,
    });
  });

  it('exit 1 when refused; exit 0 when there is nothing to do', async () => {
    const file = await specFile('refused.yaml', 'resources: []\n');
    const refused: SpecApplyReport = {
      ...applied,
      outcome: 'refused',
      versionAfter: undefined,
      refused: { reason: 'CONCURRENT_CHANGE', message: 'the configuration changed since it was read' },
    };
    const result = await haPcs({ report: refused }).run(['apply', file]);
    expect(result.code).toBe(1);
    expect(result.out).toContain('refused: the configuration changed since it was read\n');
    expect(await haPcs().run(['apply', file, '--dry-run'])).toMatchObject({
      code: 0,
      out: 'no change: the cluster is the spec\n',
    });
  });

  it('a spec with several problems: each on its own line, exit 2', async () => {
    const file = await specFile('bad.yaml', 'resources: []\n');
    const error = new SpecError(
      [
        { code: 'DUPLICATE_ID', path: 'resources[1].id', message: "id 'Web' is used twice" },
        { code: 'UNKNOWN_REFERENCE', path: 'constraints[0].rsc', message: "no resource 'Wbe' (did you mean 'Web'?)" },
      ],
      [],
    );
    const result = await haPcs({ report: error }).run(['apply', file]);
    expect(result.code).toBe(2);
    expect(result.err.trim().split('\n')).toEqual([
      "constraints[0].rsc: no resource 'Wbe' (did you mean 'Web'?)",
      expect.stringContaining("resources[1].id: id 'Web' is used twice (and 1 more)"),
    ]);
  });
});
