import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, pacemakerOutputs } from '../../test/fixtures.js';
import type { ClusterNode, ClusterStatus, PrimitiveResource } from './model.js';
import { parseClusterStatus } from './parse.js';
import {
  evaluateHealth,
  fencingFindings,
  failCounts,
  failuresByNode,
  listInstances,
  nodeProblems,
  nodesRunning,
  resourceLocations,
  stoppedThatShouldRun,
} from './views.js';

const recorded = (state: string) => parseClusterStatus(fixture(`crm_mon/2.1.5/${state}.xml`));

// These states were recorded with stonith-enabled=false: each with fencing on and one fence device running on
// node1 (a copy of its VirtualIP primitive), so each verdict is about its own problem.
function withFencing(status: ClusterStatus): ClusterStatus {
  const copy = structuredClone(status);
  copy.summary.options.stonithEnabled = true;
  const ip = listInstances(copy).find((instance) => instance.id === 'VirtualIP')?.resource as PrimitiveResource;
  copy.resources.push({
    ...structuredClone(ip),
    id: 'lab-fence',
    agent: 'stonith:fence_ha_lab',
    role: 'Started',
    active: true,
    nodes: [{ name: 'node1', id: '1', cached: true }],
  });
  return copy;
}
const lab = (state: string) => withFencing(recorded(state));
const pacemaker = (prefix: string) =>
  parseClusterStatus(
    readFileSync((pacemakerOutputs.find((entry) => entry.name.startsWith(prefix)) as { path: string }).path, 'utf8'),
  );

describe('where things run', () => {
  it('lists instances with their parents, and locations by resource', () => {
    const status = pacemaker('01-');
    const mysql = listInstances(status).filter((instance) => instance.id === 'mysql-proxy');
    expect(mysql[0]).toMatchObject({
      parents: ['mysql-clone-group', 'mysql-group:0'],
      top: 'mysql-clone-group',
      nodes: ['cluster02'],
    });
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
    expect(evaluateHealth(lab('healthy'))).toEqual({ healthy: true, state: 'healthy', reasons: [] });
  });

  it('standby, a failed monitor, a dead node: degraded, each reason with its code and what it is about', () => {
    expect(evaluateHealth(lab('standby'))).toEqual({
      healthy: false,
      state: 'degraded',
      reasons: [{ code: 'NODE_STANDBY', message: 'node node1 is standby', subject: 'node1' }],
    });
    expect(evaluateHealth(lab('failed-monitor')).reasons).toEqual([
      { code: 'FAILED_ACTION', message: 'failed action monitor of WebServer on node2: error', subject: 'WebServer' },
    ]);
    expect(evaluateHealth(lab('node-killed'))).toMatchObject({
      state: 'degraded',
      reasons: [{ code: 'NODE_OFFLINE', message: 'node node2 is offline', subject: 'node2' }],
    });
  });

  it('the minority of a partition: no quorum, the worst state, with everything else it sees', () => {
    const verdict = evaluateHealth(lab('partitioned-minority'));
    expect(verdict.state).toBe('no-quorum');
    expect(verdict.reasons.map((reason) => [reason.code, reason.subject, reason.message])).toEqual([
      ['NO_QUORUM', undefined, 'quorum is lost'],
      ['NODE_OFFLINE', 'node1', 'node node1 is offline'],
      ['NODE_OFFLINE', 'node3', 'node node3 is offline'],
      ['RESOURCE_STOPPED', 'VirtualIP', 'resource VirtualIP is stopped but should run'],
      ['RESOURCE_STOPPED', 'WebServer', 'resource WebServer is stopped but should run'],
    ]);
  });

  it('each problem alone: its code, its subject and the state it puts the cluster in', () => {
    const changed = (change: (status: ClusterStatus) => void) => {
      const status = structuredClone(lab('healthy'));
      change(status);
      const verdict = evaluateHealth(status);
      return [
        verdict.state,
        ...verdict.reasons.map((reason) => `${reason.code} ${reason.subject ?? '-'}: ${reason.message}`),
      ];
    };
    const node = (status: ClusterStatus) => status.nodes[1] as ClusterNode;
    const web = (status: ClusterStatus) =>
      listInstances(status).find((instance) => instance.id === 'WebServer')?.resource as PrimitiveResource;
    const fencing = (status: ClusterStatus, state: string) =>
      status.fenceHistory.push({
        status: state,
        extendedStatus: undefined,
        exitReason: undefined,
        delegate: undefined,
        action: 'reboot',
        target: 'node2',
        client: 'x',
        origin: 'node1',
        completed: undefined,
        extra: {},
      });
    expect(changed((status) => (status.summary.dc.present = false))).toEqual([
      'no-quorum',
      'NO_DC -: no DC is elected',
    ]);
    expect(changed((status) => (status.summary.options.maintenanceMode = true))).toEqual([
      'degraded',
      'MAINTENANCE_MODE -: the cluster is in maintenance mode',
    ]);
    expect(changed((status) => (status.summary.options.stopAllResources = true))).toEqual([
      'degraded',
      'STOP_ALL -: stop-all-resources is set',
    ]);
    expect(changed((status) => Object.assign(node(status), { unclean: true }))).toEqual([
      'failed',
      'NODE_UNCLEAN node2: node node2 is unclean',
    ]);
    expect(changed((status) => Object.assign(node(status), { online: false, unclean: true }))).toEqual([
      'failed',
      'NODE_OFFLINE node2: node node2 is offline',
      'NODE_UNCLEAN node2: node node2 is unclean',
    ]);
    expect(changed((status) => Object.assign(node(status), { standby: true, standbyOnFail: true }))).toEqual([
      'degraded',
      'NODE_STANDBY node2: node node2 is standby (on-fail)',
    ]);
    expect(changed((status) => Object.assign(node(status), { maintenance: true }))).toEqual([
      'degraded',
      'NODE_MAINTENANCE node2: node node2 is maintenance',
    ]);
    expect(changed((status) => Object.assign(node(status), { online: false, pending: true }))).toEqual([
      'degraded',
      'NODE_PENDING node2: node node2 is pending (joining)',
    ]);
    expect(changed((status) => Object.assign(node(status), { shutdown: true }))).toEqual([
      'degraded',
      'NODE_SHUTDOWN node2: node node2 is shutting down',
    ]);
    expect(changed((status) => Object.assign(node(status), { health: 'red' }))).toEqual([
      'degraded',
      'NODE_HEALTH_RED node2: node node2 is health red',
    ]);
    expect(
      changed((status) => Object.assign(web(status), { active: false, role: 'Stopped', failed: true, nodes: [] })),
    ).toEqual(['failed', 'RESOURCE_STOPPED WebServer: resource WebServer is failed']);
    expect(changed((status) => Object.assign(web(status), { nodes: [{ name: 'node1' }, { name: 'node2' }] }))).toEqual([
      'failed',
      'RESOURCE_MULTI_ACTIVE WebServer: resource WebServer is active on 2 nodes (node1, node2)',
    ]);
    expect(changed((status) => fencing(status, 'failed'))).toEqual([
      'failed',
      'FENCING_FAILED node2: fencing (reboot) of node2 failed',
    ]);
    expect(changed((status) => fencing(status, 'pending'))).toEqual([
      'degraded',
      'FENCING_PENDING node2: fencing (reboot) of node2 is pending',
    ]);
    // The worst state wins, whatever the order the reasons come in.
    expect(
      changed(
        (status) => (
          fencing(status, 'pending'),
          fencing(status, 'failed'),
          (status.summary.options.maintenanceMode = true)
        ),
      )[0],
    ).toBe('failed');
  });

  it('node problems are codes with the words the CLI lists', () => {
    const node = lab('standby').nodes.find((entry) => entry.name === 'node1') as ClusterNode;
    expect(nodeProblems(node)).toEqual([{ code: 'NODE_STANDBY', label: 'standby' }]);
    expect(nodeProblems({ ...node, standby: false })).toEqual([]);
  });

  it('maintenance mode, partially active resources and disabled ones', () => {
    expect(evaluateHealth(pacemaker('28-')).reasons).toContainEqual({
      code: 'MAINTENANCE_MODE',
      message: 'the cluster is in maintenance mode',
    });
    // Disabled (target-role Stopped) resources are stopped on purpose.
    expect(stoppedThatShouldRun(pacemaker('01-'))).toEqual([]);
    const partial = pacemaker('25-');
    expect(evaluateHealth(partial).healthy).toBe(false);
    expect(failuresByNode(partial).size).toBe(1);
  });

  it('reads fail counts from the history', () => {
    expect(failCounts(lab('failed-monitor'))).toEqual([
      { resource: 'WebServer', node: 'node2', count: 1, lastFailure: expect.any(String) },
    ]);
    expect(failCounts(lab('healthy'))).toEqual([]);
  });
});

describe('health verdicts on fencing', () => {
  const codes = (status: ClusterStatus, fencing?: Record<string, string[]>) =>
    evaluateHealth(status, { fencing }).reasons.map(
      (reason) => `${reason.code} ${reason.subject ?? '-'}: ${reason.message}`,
    );
  const device = (status: ClusterStatus) =>
    listInstances(status).find((instance) => instance.id === 'lab-fence')?.resource as PrimitiveResource;

  it('a recording with stonith-enabled=false: degraded by that alone, and nothing else about fencing', () => {
    const verdict = evaluateHealth(recorded('healthy'));
    expect(verdict).toEqual({
      healthy: false,
      state: 'degraded',
      reasons: [
        { code: 'FENCING_DISABLED', message: 'fencing is disabled (stonith-enabled=false)', subject: undefined },
      ],
    });
    // Nothing to ask the fencer about when fencing is off: the targets change nothing.
    expect(codes(recorded('healthy'), { node1: [], node2: [], node3: [] })).toEqual([
      'FENCING_DISABLED -: fencing is disabled (stonith-enabled=false)',
    ]);
  });

  it('enabled without a device; a device failed, blocked, stopped, or with a failed monitor', () => {
    const noDevice = structuredClone(recorded('healthy'));
    noDevice.summary.options.stonithEnabled = true;
    expect(codes(noDevice)).toEqual(['NO_FENCE_DEVICE -: fencing is enabled but no fence device is configured']);
    expect(fencingFindings(lab('healthy'))).toEqual([]);

    const changed = (change: (status: ClusterStatus) => void) => {
      const status = lab('healthy');
      change(status);
      return codes(status);
    };
    expect(changed((status) => Object.assign(device(status), { failed: true }))).toEqual([
      'FENCE_DEVICE_FAILED lab-fence: fence device lab-fence has failed',
    ]);
    expect(changed((status) => Object.assign(device(status), { blocked: true }))).toEqual([
      'FENCE_DEVICE_FAILED lab-fence: fence device lab-fence is blocked',
    ]);
    // Stopped though nothing asked it to stop (a resource stopped, as any other): the only device, so no node can be fenced either.
    expect(changed((status) => Object.assign(device(status), { active: false, role: 'Stopped', nodes: [] }))).toEqual([
      'RESOURCE_STOPPED lab-fence: resource lab-fence is stopped but should run',
      'FENCE_DEVICE_FAILED lab-fence: fence device lab-fence is stopped',
      'NODE_UNFENCEABLE node1: no fence device is active: node node1 cannot be fenced',
      'NODE_UNFENCEABLE node2: no fence device is active: node node2 cannot be fenced',
      'NODE_UNFENCEABLE node3: no fence device is active: node node3 cannot be fenced',
    ]);
    const monitorFailed = lab('failed-monitor');
    (monitorFailed.failures[0] as { resource: string }).resource = 'lab-fence';
    expect(codes(monitorFailed)).toContain('FENCE_DEVICE_FAILED lab-fence: fence device lab-fence failed its monitor');
  });

  it('a disabled device is no failure of its own; the nodes it leaves unfenceable are', () => {
    const disabled = lab('healthy');
    Object.assign(device(disabled), { active: false, role: 'Stopped', nodes: [], targetRole: 'Stopped' });
    expect(codes(disabled).map((line) => line.split(':')[0])).toEqual([
      'NODE_UNFENCEABLE node1',
      'NODE_UNFENCEABLE node2',
      'NODE_UNFENCEABLE node3',
    ]);
  });

  it("with the fencer's targets: each node no device can fence, and only those asked about", () => {
    expect(codes(lab('healthy'), { node1: ['lab-fence'], node2: [], node3: ['lab-fence'] })).toEqual([
      'NODE_UNFENCEABLE node2: no fence device can fence node node2',
    ]);
    expect(codes(lab('healthy'), { node1: ['lab-fence'] })).toEqual([]);
    // The targets are the fencer's word: an inactive device it still lists for a node does not make that node unfenceable.
    const stopped = lab('healthy');
    Object.assign(device(stopped), { active: false, role: 'Stopped', nodes: [], targetRole: 'Stopped' });
    expect(codes(stopped, { node1: ['lab-fence'], node2: ['lab-fence'], node3: ['lab-fence'] })).toEqual([]);
  });
});
