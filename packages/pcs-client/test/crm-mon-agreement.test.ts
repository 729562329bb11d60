import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRunner } from '@ha/core';
import { listInstances, parseClusterStatus, readClusterStatus, type ClusterStatus } from '../src/index.js';
import { readCrmMonText, type CrmMonTextFacts } from './crm-mon-text.js';
import { fixturesDirectory, labStates, pacemakerCibs } from './fixtures.js';

// The same CIB rendered twice by the real crm_mon: as text for humans and as XML for us.
// Our model of the XML must say what the text says.
const cibs = [
  ...pacemakerCibs,
  ...labStates.map((state) => ({
    name: `lab ${state}`,
    path: join(fixturesDirectory, 'crm_mon/2.1.5', `${state}.cib.xml`),
  })),
];

function factsOf(status: ClusterStatus): CrmMonTextFacts {
  const primitives = new Map<string, string>();
  const clones = new Map<string, string[]>();
  const visitTop = (id: string, kind: string) => {
    const instances = listInstances(status).filter((instance) => instance.top === id);
    if (kind === 'clone') {
      clones.set(
        id,
        [
          ...new Set(
            instances.filter((instance) => instance.active && !instance.failed).flatMap((instance) => instance.nodes),
          ),
        ].sort(),
      );
    } else if (kind !== 'bundle') {
      for (const instance of instances) {
        const state = instance.failed ? 'FAILED' : instance.role;
        primitives.set(instance.id, `${state}${instance.nodes.length > 0 ? ` ${instance.nodes.join(',')}` : ''}`);
      }
    }
  };
  for (const resource of status.resources) visitTop(resource.id, resource.kind);
  return {
    // crm_mon lists offline members and remote nodes (a joining node is "pending"); an offline guest node is its container's story.
    offline: status.nodes
      .filter((node) => !node.online && !node.pending && (node.type !== 'guest' || node.unclean))
      .map((node) => node.name)
      .sort(),
    // crm_mon's text shows one state a node: a joining node is "pending", whatever else it is.
    standby: status.nodes
      .filter((node) => node.standby && !node.pending)
      .map((node) => node.name)
      .sort(),
    primitives,
    clones,
    failures: status.failures.map((failure) => `${failure.resource}@${failure.node}`).sort(),
  };
}

describe('the model agrees with the real crm_mon text for the same CIB', () => {
  it.each(cibs)('$name', async ({ path }) => {
    const env = { CIB_file: path };
    const text = (await defaultRunner.run('crm_mon', ['--one-shot', '--inactive'], { env })).stdout;
    const status = await readClusterStatus({ source: { kind: 'cib-file', path } });
    const fromText = readCrmMonText(text);
    const fromModel = factsOf(status);
    expect(fromModel.offline).toEqual(fromText.offline);
    expect(fromModel.standby).toEqual(fromText.standby);
    expect(fromModel.failures).toEqual(fromText.failures);
    expect(Object.fromEntries(fromModel.clones)).toEqual(Object.fromEntries(fromText.clones));
    // Every primitive line of the text has the same state and node in the model.
    for (const [id, state] of fromText.primitives)
      expect(`${id}: ${fromModel.primitives.get(id)}`).toBe(`${id}: ${state}`);
  });

  it('reads a CIB through crm_mon as the XML of the live cluster was read', async () => {
    const recorded = parseClusterStatus(
      (await import('node:fs')).readFileSync(join(fixturesDirectory, 'crm_mon/2.1.5/failed-monitor.xml'), 'utf8'),
    );
    const rendered = await readClusterStatus({
      source: { kind: 'cib-file', path: join(fixturesDirectory, 'crm_mon/2.1.5/failed-monitor.cib.xml') },
    });
    expect(listInstances(rendered).map((instance) => [instance.id, instance.role, instance.nodes])).toEqual(
      listInstances(recorded).map((instance) => [instance.id, instance.role, instance.nodes]),
    );
    expect(rendered.failures.map((failure) => failure.opKey)).toEqual(
      recorded.failures.map((failure) => failure.opKey),
    );
  });
});
