import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedPath } from '@ha/lab';
import { parseClusterStatus } from '@ha/pcs-client';
import { parseStatCsv, summarizeStat } from '@ha/haproxy-runtime';
import { parseDrbdStatusText } from '@ha/drbd';
import { metricCatalog } from '../metrics/catalog.js';
import { MetricsExposition } from '../metrics/exposition.js';
import type { Condition } from '../model.js';
import { corosyncConditions, corosyncSamples } from './corosync.js';
import { drbdConditions, drbdSamples } from './drbd.js';
import {
  RuntimeCommandError,
  UnknownCommandError,
  type CertificateDetail,
  type CertificateList,
} from '@ha/haproxy-runtime';
import { CertificateWatch, certificateConditions, haproxyConditions, haproxySamples } from './haproxy.js';
import { pacemakerConditions, pacemakerSamples } from './pacemaker.js';

// Recorded from the lab by @ha/pcs-client (crm_mon 2.1.5), Pacemaker's own test outputs, and the other packages' fixtures.
const lab = (name: string) =>
  parseClusterStatus(
    readFileSync(new URL(`../../../pcs-client/test/fixtures/crm_mon/2.1.5/${name}.xml`, import.meta.url), 'utf8'),
  );
const upstream = (name: string) =>
  parseClusterStatus(readFileSync(sharedPath('fixtures', 'pacemaker', 'crm_mon-3.x', name), 'utf8'));
const drbd = (name: string) =>
  parseDrbdStatusText(readFileSync(new URL(`../../../drbd/test/fixtures/${name}`, import.meta.url), 'utf8'));
const haproxy = (name: string) =>
  summarizeStat(
    parseStatCsv(
      readFileSync(new URL(`../../../haproxy-runtime/test/fixtures/haproxy/2.6.12/${name}`, import.meta.url), 'utf8'),
    ),
  );
// The rules without the condition every lab recording has (stonith-enabled=false), tested once above.
const labRules = (...args: Parameters<typeof pacemakerConditions>) => {
  const result = pacemakerConditions(...args);
  const conditions = result.conditions.filter(
    (condition) =>
      !(condition.alertname === 'PacemakerCannotFence' && condition.labels['reason'] === 'FENCING_DISABLED'),
  );
  return { ...result, conditions };
};
const brief = (conditions: Condition[]) =>
  conditions.map(
    (condition) =>
      `${condition.severity} ${condition.alertname}${JSON.stringify(condition.labels)}${condition.event ? ' (event)' : ''}`,
  );

describe('Pacemaker rules', () => {
  it('the lab recorded these with fencing disabled: each has that PacemakerCannotFence, and only that one', () => {
    for (const name of ['healthy', 'standby', 'node-killed', 'failed-monitor', 'partitioned-minority'])
      expect(brief(pacemakerConditions(lab(name)).conditions).filter((line) => line.includes('Fence'))).toEqual([
        'critical PacemakerCannotFence{"reason":"FENCING_DISABLED"}',
      ]);
  });

  it('a healthy cluster has no condition', () => {
    expect(labRules(lab('healthy')).conditions).toEqual([]);
  });

  it('standby is info (on purpose), and the resources that left the node are moves', () => {
    const before = labRules(lab('healthy'));
    const { conditions } = labRules(lab('standby'), before.memory);
    expect(brief(conditions)).toEqual([
      'info PacemakerNodeStandby{"node":"node1"}',
      'info PacemakerResourceMoved{"resource":"VirtualIP"} (event)',
      'info PacemakerResourceMoved{"resource":"WebServer"} (event)',
    ]);
    expect(conditions[1]?.summary).toBe('resource VirtualIP moved from node1 to node2');
  });

  it('a killed node is critical and names what it ran; the failover that follows is an event', () => {
    const healthy = labRules(lab('failed-monitor'));
    const { conditions } = labRules(lab('node-killed'), healthy.memory);
    expect(brief(conditions.filter((condition) => !condition.event))).toEqual([
      'critical PacemakerNodeOffline{"node":"node2"}',
    ]);
    expect(conditions[0]?.summary).toBe('node node2 is offline (it ran VirtualIP, WebServer)');
    expect(conditions.filter((condition) => condition.event).map((condition) => condition.summary)).toEqual([
      'resource VirtualIP moved from node2 to node1',
      'resource WebServer moved from node2 to node1',
      'the DC moved from node2 to node1',
    ]);
  });

  it('a failed monitor is a failed action (warning) until cleanup', () => {
    const { conditions } = labRules(lab('failed-monitor'));
    expect(brief(conditions)).toEqual([
      'warning PacemakerFailedAction{"resource":"WebServer","node":"node2","operation":"monitor"}',
    ]);
    expect(conditions[0]?.summary).toMatch(/^monitor of WebServer on node2 failed: error/);
  });

  it('the minority of a partition: no quorum, two nodes offline, resources stopped; the majority: one node offline', () => {
    expect(brief(labRules(lab('partitioned-minority')).conditions)).toEqual([
      'critical PacemakerQuorumLost{}',
      'critical PacemakerNodeOffline{"node":"node1"}',
      // The minority never saw node3 come up: to it, node3 is not expected up.
      'warning PacemakerNodeOffline{"node":"node3"}',
      'critical PacemakerResourceStopped{"resource":"VirtualIP"}',
      'critical PacemakerResourceStopped{"resource":"WebServer"}',
    ]);
    expect(brief(labRules(lab('partitioned')).conditions)).toEqual(['critical PacemakerNodeOffline{"node":"node2"}']);
  });

  it("a DC change is an event; Pacemaker's own outputs: cluster and node maintenance", () => {
    const first = pacemakerConditions(lab('failed-monitor')); // DC node2
    expect(
      brief(
        pacemakerConditions(lab('node-killed'), first.memory).conditions.filter(
          (condition) => condition.alertname === 'PacemakerDCChanged',
        ),
      ),
    ).toEqual(['info PacemakerDCChanged{} (event)']);
    expect(
      brief(
        pacemakerConditions(upstream('28-output-of-all-resources-with-maintenance-mode-enabled-xml.xml')).conditions,
      ).filter((line) => !line.includes('FailedAction')),
    ).toEqual(['info PacemakerMaintenanceMode{}']);
    // A node in maintenance is info, and the resources it leaves unmanaged are its story, not alerts of their own.
    expect(
      brief(
        pacemakerConditions(upstream('29-output-of-all-resources-with-maintenance-enabled-for-a-node-.xml')).conditions,
      ),
    ).toEqual([
      'info PacemakerNodeMaintenance{"node":"cluster02"}',
      'info PacemakerNodeMaintenance{"node":"httpd-bundle-1"}',
    ]);
  });

  it('every Pacemaker test output gives conditions and metric samples without throwing, within the catalog', async () => {
    const exposition = new MetricsExposition();
    for (const name of readdirSync(sharedPath('fixtures', 'pacemaker', 'crm_mon-3.x')).filter((file) =>
      file.endsWith('.xml'),
    )) {
      const status = upstream(name);
      pacemakerConditions(status, pacemakerConditions(status).memory);
      const samples = pacemakerSamples(status);
      for (const sample of samples) expect(Object.keys(metricCatalog)).toContain(sample.name);
      await exposition.render(samples);
    }
  });

  it('ha_cluster_exporter series for nodes and resources', async () => {
    const text = await new MetricsExposition().render(pacemakerSamples(lab('failed-monitor')));
    expect(text).toContain('ha_cluster_pacemaker_nodes{node="node2",type="member",status="dc"} 1');
    expect(text).toContain(
      'ha_cluster_pacemaker_resources{node="node2",resource="WebServer",role="started",managed="true",' +
        'status="active",agent="ocf:heartbeat:anything",group="",clone=""} 1',
    );
    expect(text).toContain('ha_cluster_pacemaker_fail_count{node="node2",resource="WebServer"} 1');
    // No gauge named *_total: promtool check metrics rejects one.
    expect(text).not.toMatch(/^# TYPE \w+_total gauge$/m);
  });

  it('node attributes and cluster maintenance mode, as ha_cluster_exporter names them', async () => {
    const text = await new MetricsExposition().render(pacemakerSamples(upstream('01-basic-output-xml.xml')));
    expect(text).toContain('ha_cluster_pacemaker_node_attributes{node="cluster01",name="location",value="office"} 1');
    expect(text).toContain('ha_cluster_pacemaker_node_attributes{node="cluster02",name="pingd",value="1000"} 1');
    expect(text).toContain('ha_cluster_pacemaker_maintenance_mode_enabled 0');
    expect(text).toMatch(/^ha_cluster_pacemaker_nodes_configured 5$/m);
    expect(text).toMatch(/^ha_cluster_pacemaker_resources_configured \d+$/m);
  });
});

describe('HAProxy rules', () => {
  it('a recorded answer (srv2 draining, srv3 down) and its exporter series', async () => {
    const overview = haproxy('show-stat.csv');
    expect(brief(haproxyConditions(overview))).toEqual([
      'info HaproxyServerDrain{"proxy":"servers","server":"srv2"}',
      'warning HaproxyServerDown{"proxy":"servers","server":"srv3"}',
    ]);
    const text = await new MetricsExposition().render(haproxySamples(overview));
    expect(text).toMatch(/haproxy_server_status\{proxy="servers",server="srv1",state="UP"\} 1/);
    expect(text).toMatch(/haproxy_server_status\{proxy="servers",server="srv1",state="DOWN"\} 0/);
    expect(text).toMatch(/haproxy_server_status\{proxy="servers",server="srv3",state="DOWN"\} 1/);
  });

  it('DOWN, MAINT on purpose or forced, DRAIN, backend down, frontend stopped, sessions near the limit, queues', () => {
    const header = '# pxname,svname,qcur,scur,slim,status,weight,act,bck,check_status,type\n';
    const csv =
      header +
      'web,FRONTEND,,95,100,OPEN,,,,,0\n' +
      'admin,FRONTEND,,0,100,STOP,,,,,0\n' +
      'app,s1,0,0,,DOWN,1,1,0,L4CON,2\n' +
      'app,s2,0,0,,MAINT,1,1,0,,2\n' +
      'app,s3,0,0,,MAINT (via app/s1),1,1,0,,2\n' +
      'app,s4,3,10,10,DRAIN,0,1,0,L7OK,2\n' +
      'app,BACKEND,2,10,,UP,2,1,0,,1\n' +
      'db,d1,0,0,,DOWN,1,1,0,L4TOUT,2\n' +
      'db,BACKEND,0,0,,DOWN,0,0,0,,1\n';
    expect(brief(haproxyConditions(summarizeStat(parseStatCsv(csv))))).toEqual([
      'warning HaproxySessionsNearLimit{"proxy":"web"}',
      'critical HaproxyFrontendNotOpen{"proxy":"admin"}',
      'warning HaproxyQueueing{"proxy":"app"}',
      'warning HaproxyServerDown{"proxy":"app","server":"s1"}',
      'info HaproxyServerMaintenance{"proxy":"app","server":"s2"}',
      'warning HaproxyServerMaintenance{"proxy":"app","server":"s3"}',
      'info HaproxyServerDrain{"proxy":"app","server":"s4"}',
      'warning HaproxySessionsNearLimit{"proxy":"app","server":"s4"}',
      'critical HaproxyBackendDown{"proxy":"db"}',
      'warning HaproxyServerDown{"proxy":"db","server":"d1"}',
    ]);
  });
});

describe('HAProxy certificates', () => {
  const now = Date.parse('2026-12-02T12:00:00Z');
  const certificate = (file: string, daysLeft: number) => ({
    file,
    subject: `/CN=${file}`,
    serial: 'AB01',
    notAfter: new Date(now + daysLeft * 86_400_000).toISOString(),
  });
  const loaded = [
    certificate('/c/fine.pem', 90),
    certificate('/c/soon.pem', 13.5),
    certificate('/c/sooner.pem', 2.9),
    certificate('/c/gone.pem', -1),
    certificate('/c/edge.pem', 14),
  ];

  it('HaproxyCertificateExpiring: a warning below 14 days, critical below 3 and once expired', () => {
    const conditions = certificateConditions(loaded, now);
    expect(brief(conditions)).toEqual([
      'warning HaproxyCertificateExpiring{"file":"/c/soon.pem"}',
      'critical HaproxyCertificateExpiring{"file":"/c/sooner.pem"}',
      'critical HaproxyCertificateExpiring{"file":"/c/gone.pem"}',
    ]);
    expect(conditions[0]?.summary).toBe(
      'certificate /c/soon.pem (/CN=/c/soon.pem) expires in 13 day(s), on 2026-12-16T00:00:00.000Z',
    );
    expect(conditions[2]?.summary).toMatch(/expired on 2026-12-01T12:00:00.000Z$/);
    expect(conditions[0]?.annotations).toMatchObject({ serial: 'AB01', not_after: '2026-12-16T00:00:00.000Z' });
  });

  it('the thresholds are configurable', () => {
    expect(
      brief(certificateConditions(loaded, now, { certificateWarningDays: 100, certificateCriticalDays: 14 })),
    ).toEqual([
      'warning HaproxyCertificateExpiring{"file":"/c/fine.pem"}',
      'critical HaproxyCertificateExpiring{"file":"/c/soon.pem"}',
      'critical HaproxyCertificateExpiring{"file":"/c/sooner.pem"}',
      'critical HaproxyCertificateExpiring{"file":"/c/gone.pem"}',
      'warning HaproxyCertificateExpiring{"file":"/c/edge.pem"}',
    ]);
  });

  it('each certificate has its expiry as a series of the catalog', async () => {
    const overview = { ...haproxy('show-stat.csv'), certificates: [certificate('/c/fine.pem', 90)] };
    const text = await new MetricsExposition().render(haproxySamples(overview));
    expect(text).toContain(
      `haproxy_certificate_expiry_timestamp_seconds{file="/c/fine.pem"} ${(now + 90 * 86_400_000) / 1000}`,
    );
    expect(metricCatalog.haproxy_certificate_expiry_timestamp_seconds.labels).toEqual(['file']);
  });

  it("reads the list at most every interval, and a file's details once (all again every tenth read)", async () => {
    const calls: string[] = [];
    let files = ['/c/a.pem', '/c/b.pem'];
    const detail = (file: string): CertificateDetail => ({
      file,
      transaction: false,
      status: 'Used',
      serial: '01',
      notBefore: new Date(now - 86_400_000),
      notAfter: new Date(now + 86_400_000),
      subjectAltNames: [],
      algorithm: undefined,
      sha1Fingerprint: undefined,
      subject: `/CN=${file}`,
      issuer: '/CN=CA',
      chain: [],
      fields: {},
    });
    const runtime = {
      listCertificates: async (): Promise<CertificateList> => {
        calls.push('list');
        return { files, transactions: [] };
      },
      showCertificate: async (file: string) => {
        calls.push(file);
        if (file === '/c/bundle.pem') throw new RuntimeCommandError(`show ssl cert ${file}`, "Can't display");
        return detail(file);
      },
    };
    const watch = new CertificateWatch(runtime, 60_000);
    expect((await watch.read(now)).map((entry) => entry.file)).toEqual(['/c/a.pem', '/c/b.pem']);
    await watch.read(now + 1_000);
    expect(calls).toEqual(['list', '/c/a.pem', '/c/b.pem']);
    files = ['/c/b.pem', '/c/c.pem'];
    expect((await watch.read(now + 60_000)).map((entry) => entry.file)).toEqual(['/c/b.pem', '/c/c.pem']);
    expect(calls.slice(3)).toEqual(['list', '/c/c.pem']);
    for (let i = 2; i <= 10; i++) await watch.read(now + i * 60_000);
    files = ['/c/b.pem', '/c/c.pem', '/c/bundle.pem'];
    expect((await watch.read(now + 11 * 60_000)).map((entry) => entry.file)).toEqual(['/c/b.pem', '/c/c.pem']);
    // The tenth read after the first reads every file again.
    expect(calls.filter((call) => call === '/c/b.pem')).toHaveLength(2);
  });

  it('an HAProxy without SSL (Unknown command) has no certificates, and the probe goes on', async () => {
    const watch = new CertificateWatch({
      listCertificates: async () => {
        throw new UnknownCommandError('show ssl cert', 'Unknown command.');
      },
      showCertificate: async () => {
        throw new Error('not called');
      },
    });
    expect(await watch.read(now)).toEqual([]);
    expect(await watch.read(now + 3_600_000)).toEqual([]);
  });
});

describe('DRBD rules', () => {
  it.each([
    ['drbd-9/status-connected.json', []],
    ['drbd-9/status-3node-multivolume.json', []],
    ['drbd-9/status-sync-source.json', []],
    ['drbd-9/status-standalone.json', ['critical DrbdDisconnected{"resource":"r0","peer":"node2"}']],
    ['drbd-9/status-diskless.json', ['critical DrbdDiskless{"resource":"r0","volume":"0"}']],
    [
      'drbd-9/status-no-quorum.json',
      [
        'critical DrbdNoQuorum{"resource":"data"}',
        'warning DrbdDisconnected{"resource":"data","peer":"node2"}',
        'warning DrbdDisconnected{"resource":"data","peer":"node3"}',
      ],
    ],
    [
      'drbd-9/status-inconsistent-outdated.json',
      [
        'warning DrbdDegraded{"resource":"r0","volume":"0"}',
        'warning DrbdDisconnected{"resource":"r0","peer":"node1"}',
        'warning DrbdDegraded{"resource":"r1","volume":"0"}',
        'warning DrbdDisconnected{"resource":"r1","peer":"node1"}',
      ],
    ],
  ])('%s', (file, expected) => {
    expect(brief(drbdConditions(drbd(file), {}, 0).conditions)).toEqual(expected);
  });

  it('a split brain (from events2) is critical; a resync that stops moving is a stalled sync', () => {
    const status = drbd('drbd-9/status-standalone.json');
    (status.resources[0] as { splitBrain: boolean }).splitBrain = true;
    expect(brief(drbdConditions(status, {}, 0).conditions)[0]).toBe('critical DrbdSplitBrain{"resource":"r0"}');
    const syncing = drbd('drbd-9/status-sync-source.json');
    let memory = drbdConditions(syncing, {}, 0).memory;
    memory = drbdConditions(syncing, memory, 30_000).memory;
    expect(drbdConditions(syncing, memory, 59_000).conditions).toEqual([]);
    expect(brief(drbdConditions(syncing, memory, 60_000).conditions)).toEqual([
      'warning DrbdSyncStalled{"resource":"r0","peer":"node2","volume":"0"}',
    ]);
  });

  it('ha_cluster_exporter DRBD series, with counters beyond 2^53 as numbers', async () => {
    const text = await new MetricsExposition().render(drbdSamples(drbd('drbd-9/status-sync-source.json')));
    expect(text).toContain(
      'ha_cluster_drbd_resources{resource="r0",volume="0",role="primary",disk_state="uptodate"} 1',
    );
    expect(text).toContain('ha_cluster_drbd_connections_sync{resource="r0",peer_node_id="1",volume="0"} 42.7');
    await new MetricsExposition().render(drbdSamples(drbd('drbd-9/status-u64-underflow.json')));
  });
});

describe('Corosync rules', () => {
  it('links down, members gone and lost quorum', () => {
    const status = {
      localNodeId: 1,
      transport: 'knet',
      links: [
        { nodeid: 1, name: 'node1', link: 0, enabled: true, connected: true, local: true },
        { nodeid: 2, name: 'node2', link: 0, enabled: true, connected: true, local: false },
        { nodeid: 3, name: 'node3', link: 0, enabled: true, connected: false, local: false },
      ],
      members: [
        { nodeid: 1, name: 'node1', status: 'joined', addresses: [] },
        { nodeid: 3, name: 'node3', status: 'left', addresses: [] },
      ],
      quorum: {
        quorate: false,
        expectedVotes: 3,
        highestExpected: 3,
        totalVotes: 1,
        quorum: 2,
        activityBlocked: true,
        flags: [],
        members: [],
      },
      health: { healthy: false, state: 'no-quorum' as const, reasons: [] },
    };
    expect(brief(corosyncConditions(status))).toEqual([
      'critical CorosyncQuorumLost{}',
      'warning CorosyncLinkDown{"node":"node3","link":"0"}',
      'warning CorosyncMemberLeft{"node":"node3"}',
    ]);
    const samples = corosyncSamples(status);
    expect(samples).toContainEqual({ name: 'ha_cluster_corosync_ring_errors', value: 1 });
    expect(samples).toContainEqual({ name: 'ha_cluster_corosync_quorate', value: 0 });
  });

  it("member votes are votequorum's counts and each link carries the peer's address", () => {
    const samples = corosyncSamples({
      localNodeId: 1,
      transport: 'knet',
      links: [
        { nodeid: 1, name: 'node1', link: 0, enabled: true, connected: true, local: true },
        { nodeid: 2, name: 'node2', link: 0, enabled: true, connected: true, local: false },
        { nodeid: 2, name: 'node2', link: 1, enabled: true, connected: false, local: false },
      ],
      members: [
        { nodeid: 1, name: 'node1', status: 'joined', addresses: ['10.213.0.11', '10.214.0.11'] },
        { nodeid: 2, name: 'node2', status: 'joined', addresses: ['10.213.0.12', '10.214.0.12'] },
        { nodeid: 3, name: 'node3', status: 'left', addresses: ['10.213.0.13'] },
      ],
      quorum: {
        quorate: true,
        activityBlocked: false,
        flags: [],
        members: [
          { nodeid: 1, votes: 1, name: 'node1', local: true },
          { nodeid: 2, votes: 2, name: 'node2', local: false },
        ],
      },
      health: { healthy: false, state: 'degraded' as const, reasons: [] },
    });
    const votes = samples.filter((sample) => sample.name === 'ha_cluster_corosync_member_votes');
    expect(votes.map((sample) => [sample.labels?.node, sample.value])).toEqual([
      ['node1', 1],
      ['node2', 2],
      ['node3', 0],
    ]);
    expect(samples.filter((sample) => sample.name === 'ha_cluster_corosync_rings')).toEqual([
      {
        name: 'ha_cluster_corosync_rings',
        labels: { ring_id: '0', node_id: '2', node: 'node2', number: '0', address: '10.213.0.12' },
        value: 1,
      },
      {
        name: 'ha_cluster_corosync_rings',
        labels: { ring_id: '1', node_id: '2', node: 'node2', number: '1', address: '10.214.0.12' },
        value: 0,
      },
    ]);
  });
});
