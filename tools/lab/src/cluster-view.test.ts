import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { parseClusterView } from './cluster-view.js';
import { sharedPath } from './shared.js';

// Real crm_mon XML outputs from Pacemaker's own regression suite (see shared/fixtures).
const fixtures = sharedPath('fixtures', 'pacemaker', 'crm_mon-3.x');

describe('parseClusterView', () => {
  it("reads DC, nodes and each primitive's location from Pacemaker's basic output", () => {
    const view = parseClusterView(readFileSync(join(fixtures, '01-basic-output-xml.xml'), 'utf8'));
    expect(view.dc).toBe('cluster02');
    expect(view.quorate).toBe(true);
    expect(view.nodes.map((node) => [node.name, node.online])).toContainEqual(['cluster01', true]);
    expect(view.resources.find((resource) => resource.id === 'Fencing')).toMatchObject({
      role: 'Started',
      nodes: ['cluster01'],
    });
    // Primitives inside groups and clones are found too.
    expect(view.resources.filter((resource) => resource.id === 'ping').length).toBeGreaterThan(1);
  });

  it('reads every real crm_mon XML output without throwing', () => {
    const files = readdirSync(fixtures).filter((name) => name.endsWith('.xml'));
    expect(files.length).toBeGreaterThan(20);
    for (const name of files) {
      const view = parseClusterView(readFileSync(join(fixtures, name), 'utf8'));
      expect(Array.isArray(view.nodes)).toBe(true);
    }
  });

  it('rejects output that is not crm_mon XML', () => {
    expect(() => parseClusterView('<html/>')).toThrow(/pacemaker-result/);
  });
});
