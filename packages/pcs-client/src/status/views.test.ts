import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, pacemakerOutputs } from '../../test/fixtures.js';
import { parseClusterStatus } from './parse.js';
import { evaluateHealth, failCounts, failuresByNode, listInstances, nodesRunning, resourceLocations, stoppedThatShouldRun } from './views.js';

const lab = (state: string) => parseClusterStatus(fixture(`crm_mon/2.1.5/${state}.xml`));
const pacemaker = (prefix: string) => parseClusterStatus(readFileSync((pacemakerOutputs.find((entry) => entry.name.startsWith(prefix)) as { path: string }).path, 'utf8'));

describe('where things run', () => {
  it('lists instances with their parents, and locations by resource', () => {
    const status = pacemaker('01-');
    const mysql = listInstances(status).filter((instance) => instance.id === 'mysql-proxy');
    expect(mysql[0]).toMatchObject({ parents: ['mysql-clone-group', 'mysql-group:0'], top: 'mysql-clone-group', nodes: ['cluster02'] });
    expect(resourceLocations(status).get('promotable-rsc')).toEqual([
      { node: 'cluster02', role: 'Promoted' },
      { node: 'cluster01', role: 'Unpromoted' },
    ]);
    expect(nodesRunning(status, 'exim-group')).toEqual(['cluster02']);
    expect(nodesRunning(status, 'ping-clone').sort()).toEqual(['cluster01', 'cluster02']);
  });
});

describe('health verdicts', () => {
  it('a healthy lab cluster is healthy', () => {
    expect(evaluateHealth(lab('healthy'))).toEqual({ healthy: true, reasons: [] });
  });

  it('standby, a failed monitor, a dead node, a partition: degraded, and why', () => {
    expect(evaluateHealth(lab('standby')).reasons).toEqual(['node node1 is standby']);
    expect(evaluateHealth(lab('failed-monitor')).reasons).toEqual(['failed action monitor of WebServer on node2: error']);
    expect(evaluateHealth(lab('node-killed')).reasons).toEqual(['node node2 is offline']);
    expect(evaluateHealth(lab('partitioned-minority')).reasons).toEqual([
      'quorum is lost',
      'node node1 is offline',
      'node node3 is offline',
      'resource VirtualIP is stopped but should run',
      'resource WebServer is stopped but should run',
    ]);
  });

  it('maintenance mode, partially active resources and disabled ones', () => {
    expect(evaluateHealth(pacemaker('28-')).reasons).toContain('the cluster is in maintenance mode');
    // Disabled (target-role Stopped) resources are stopped on purpose.
    expect(stoppedThatShouldRun(pacemaker('01-'))).toEqual([]);
    const partial = pacemaker('25-');
    expect(evaluateHealth(partial).healthy).toBe(false);
    expect(failuresByNode(partial).size).toBe(1);
  });

  it('reads fail counts from the history', () => {
    expect(failCounts(lab('failed-monitor'))).toEqual([{ resource: 'WebServer', node: 'node2', count: 1, lastFailure: expect.any(String) }]);
    expect(failCounts(lab('healthy'))).toEqual([]);
  });
});
