import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError, ServiceUnavailableError } from '@ha/core';
import { fixture, labStates, pacemakerOutputs, thrown } from '../../test/fixtures.js';
import { PacemakerToolError, UnsupportedApiVersionError, type PcsParseReason } from '../errors.js';
import { normalizeRole, parseClusterStatus, splitOperationKey } from './parse.js';
import { evaluateHealth, listInstances } from './views.js';

describe('parseClusterStatus on Pacemaker 3.x regression outputs', () => {
  it.each(pacemakerOutputs)('parses $name', ({ name, path }) => {
    const status = parseClusterStatus(readFileSync(path, 'utf8'), { file: name });
    expect(status.format).toBe('pacemaker-result');
    expect(status.summary.dc.present).toBe(true);
  });

  it('reads the basic output whole: summary, nodes, every kind of resource, history, bans', () => {
    const basic = pacemakerOutputs.find((entry) => entry.name.startsWith('01-')) as { path: string };
    const status = parseClusterStatus(readFileSync(basic.path, 'utf8'));
    expect(status.apiVersion).toBe('X');
    expect(status.summary).toMatchObject({
      stack: 'corosync',
      quorate: true,
      nodesConfigured: 5,
      resourcesConfigured: 32,
      resourcesDisabled: 4,
      dc: { name: 'cluster02', id: '2', mixedVersion: false },
    });
    expect(status.summary.options).toMatchObject({
      stonithEnabled: true,
      noQuorumPolicy: 'stop',
      maintenanceMode: false,
      stonithTimeoutMs: 60000,
    });
    // Attributes of later versions are kept, not dropped.
    expect(status.summary.options.extra).toMatchObject({ 'fencing-enabled': 'true', 'fencing-timeout-ms': '60000' });
    expect(status.nodes.map((node) => `${node.name}:${node.type}:${node.online}`)).toEqual([
      'cluster01:member:true',
      'cluster02:member:true',
      'httpd-bundle-0:guest:true',
      'httpd-bundle-1:guest:true',
      'httpd-bundle-2:guest:false',
    ]);
    expect(status.nodes[2]?.resourceId).toBe('httpd-bundle-docker-0');
    expect(status.nodes[0]?.attributes).toEqual({ location: 'office', pingd: '1000' });
    expect(status.resources.map((resource) => `${resource.kind}:${resource.id}`)).toEqual([
      'clone:ping-clone',
      'primitive:Fencing',
      'primitive:dummy',
      'clone:inactive-clone',
      'group:inactive-group',
      'bundle:httpd-bundle',
      'group:exim-group',
      'clone:mysql-clone-group',
      'clone:promotable-clone',
    ]);
    const promotable = status.resources.find((resource) => resource.id === 'promotable-clone');
    expect(promotable).toMatchObject({ kind: 'clone', promotable: true });
    const roles = listInstances(status)
      .filter((instance) => instance.id === 'promotable-rsc')
      .map((instance) => `${instance.role}@${instance.nodes.join(',')}`);
    expect(roles).toEqual(['Promoted@cluster02', 'Unpromoted@cluster01', 'Stopped@', 'Stopped@', 'Stopped@']);
    const bundle = status.resources.find((resource) => resource.kind === 'bundle');
    expect(bundle).toMatchObject({
      type: 'docker',
      image: 'pcmk:http',
      replicas: [{ id: '0' }, { id: '1' }, { id: '2' }],
    });
    const ping = status.nodeHistory
      .find((history) => history.node === 'cluster02')
      ?.resources.find((resource) => resource.id === 'ping');
    expect(ping?.operations[1]).toMatchObject({
      task: 'monitor',
      intervalMs: 10000,
      execTimeMs: 2031,
      queueTimeMs: 0,
      rc: 0,
      rcText: 'OK',
    });
    expect(status.bans).toEqual([
      { id: 'not-on-cluster1', resource: 'dummy', node: 'cluster01', weight: -1000000, promotedOnly: false },
    ]);
  });

  it('reads a failed action and the partially active resources', () => {
    const partial = pacemakerOutputs.find((entry) => entry.name.startsWith('25-')) as { path: string };
    const status = parseClusterStatus(readFileSync(partial.path, 'utf8'));
    expect(status.failures).toHaveLength(1);
    expect(status.failures[0]).toMatchObject({
      resource: expect.any(String),
      node: expect.any(String),
      exitCode: expect.any(Number),
    });
  });

  it('reads maintenance mode', () => {
    const maintenance = pacemakerOutputs.find((entry) => entry.name.startsWith('28-')) as { path: string };
    expect(parseClusterStatus(readFileSync(maintenance.path, 'utf8')).summary.options.maintenanceMode).toBe(true);
  });
});

// Recorded from the lab on each generation (record-fixtures.mjs): Debian 12's Pacemaker 2.1.5 and Debian 13's 3.0.0.
describe.each([
  { pacemaker: '2.1.5', apiVersion: '2.25' },
  { pacemaker: '3.0.0', apiVersion: '2.38' },
])('parseClusterStatus on states recorded from the lab (Pacemaker $pacemaker)', ({ pacemaker, apiVersion }) => {
  const state = (name: string) => parseClusterStatus(fixture(`crm_mon/${pacemaker}/${name}.xml`));

  it.each(labStates)('parses %s', (name) => {
    const status = state(name);
    expect(status.apiVersion).toBe(apiVersion);
    expect(status.summary.pacemakerdState).toBe('running');
    expect(status.nodes.map((node) => node.name)).toEqual(['node1', 'node2', 'node3']);
  });

  it('sees health, standby, a failed monitor, a dead node and a partition', () => {
    const healthy = state('healthy');
    expect(healthy.nodes.every((node) => node.online && !node.standby)).toBe(true);
    expect(listInstances(healthy).map((instance) => `${instance.id}:${instance.active}`)).toEqual([
      'VirtualIP:true',
      'WebServer:true',
    ]);
    expect(state('standby').nodes.filter((node) => node.standby)).toHaveLength(1);
    // Pacemaker's words for it changed in 3.0; the code did not.
    expect(state('failed-monitor').failures[0]).toMatchObject({
      resource: 'WebServer',
      task: 'monitor',
      intervalMs: 10000,
      exitStatus: pacemaker.startsWith('2.') ? 'error' : 'Error occurred',
      status: pacemaker.startsWith('2.') ? 'complete' : 'Done',
      exitCode: 1,
    });
    expect(state('node-killed').nodes.filter((node) => !node.online)).toHaveLength(1);
    expect(state('partitioned').nodes.filter((node) => !node.online)).toHaveLength(1);
    expect(state('partitioned').summary.quorate).toBe(true);
    const minority = state('partitioned-minority');
    expect(minority.summary.quorate).toBe(false);
    expect(minority.summary.dc.present).toBe(true);
    expect(listInstances(minority).every((instance) => !instance.active)).toBe(true);
  });

  it('judges the health of each state', () => {
    // Recorded with stonith-enabled=false: that alone keeps it from healthy.
    expect(evaluateHealth(state('healthy')).reasons.map((reason) => reason.code)).toEqual(['FENCING_DISABLED']);
    expect(evaluateHealth(state('standby')).state).toBe('degraded');
    expect(evaluateHealth(state('node-killed')).state).not.toBe('healthy');
    expect(evaluateHealth(state('partitioned-minority')).state).toBe('no-quorum');
  });
});

describe('parseClusterStatus on the legacy Pacemaker 1.1 format', () => {
  const status = parseClusterStatus(fixture('crm_mon/1.1-format/master-slave.xml'));

  it('maps Master/Slave to Promoted/Unpromoted and keeps what was written', () => {
    expect(status.format).toBe('crm_mon-1.1');
    expect(status.apiVersion).toBe('1.1.23');
    const pgsql = listInstances(status).filter((instance) => instance.id === 'pgsql');
    expect(pgsql.map((instance) => [instance.role, instance.resource.rawRole])).toEqual([
      ['Promoted', 'Master'],
      ['Unpromoted', 'Slave'],
      ['Stopped', 'Stopped'],
    ]);
  });

  it('reads nodes, a failure, fail counts of INFINITY, and what it does not know as extra', () => {
    expect(status.nodes.map((node) => [node.name, node.online, node.standby, node.unclean])).toEqual([
      ['db1', true, false, false],
      ['db2', true, true, false],
      ['db3', false, false, true],
    ]);
    expect(status.failures[0]).toMatchObject({
      opKey: 'vip-rep_start_0',
      resource: 'vip-rep',
      task: 'start',
      exitReason: '[findif] failed',
      execMs: 61,
    });
    expect(status.nodeHistory[0]?.resources[1]).toMatchObject({ id: 'vip-rep', failCount: 1_000_000 });
    expect(status.summary.options).toMatchObject({
      stonithEnabled: true,
      maintenanceMode: false,
      stopAllResources: undefined,
    });
    expect(status.summary.quorate).toBe(true);
  });
});

describe('bad input', () => {
  const good = fixture('crm_mon/2.1.5/healthy.xml');

  it('malformed and truncated XML: ParseError with file, line and column', () => {
    const truncated = good.slice(0, good.indexOf('<nodes>') + 40);
    const error = (() => {
      try {
        parseClusterStatus(truncated, { file: 'status.xml' });
      } catch (caught) {
        return caught;
      }
    })() as ParseError;
    expect(error).toBeInstanceOf(ParseError);
    expect(error.file).toBe('status.xml');
    expect(error.line).toBeGreaterThan(1);
    expect(error.message).toMatch(/^status\.xml:\d+:\d+: /);
    expect(() =>
      parseClusterStatus('<pacemaker-result api-version="2.25"><summary></nodes></pacemaker-result>'),
    ).toThrow(ParseError);
    expect(() => parseClusterStatus('')).toThrow(ParseError);
    expect(() => parseClusterStatus('\0\0binary')).toThrow(ParseError);
  });

  it('an unknown API version, and XML that is not a status', () => {
    expect(() => parseClusterStatus(good.replace('api-version="2.25"', 'api-version="3.0"'))).toThrow(
      UnsupportedApiVersionError,
    );
    expect(() => parseClusterStatus('<crm_mon version="7.0"/>')).toThrow(UnsupportedApiVersionError);
    const notStatus = thrown(() => parseClusterStatus('<cib epoch="1"/>', { file: 'x.xml' }));
    expect(notStatus).toBeInstanceOf(ParseError);
    expect(notStatus).toMatchObject({ reason: 'NOT_STATUS_XML', file: 'x.xml', line: 1 });
    expect((notStatus as Error).message).toMatch(/^x\.xml:1:\d+: not Pacemaker status XML \(root element <cib>/);
  });

  it('a tool that reports its failure inside the XML, even with status 0: PacemakerToolError with its status and message, never a status', () => {
    // CIB_file=/nonexistent.xml crm_mon: exit status 0, <status code="0" message="OK"> and an <error>.
    const missing = thrown(() =>
      parseClusterStatus(fixture('crm_mon/2.1.5/failures/missing-cib-file.xml'), {
        file: 'crm_mon (CIB_file=/nonexistent.xml)',
      }),
    );
    expect(missing).toBeInstanceOf(PacemakerToolError);
    expect(missing).toMatchObject({
      code: 'COMMAND_FAILED',
      source: 'crm_mon (CIB_file=/nonexistent.xml)',
      tool: 'crm_mon',
      request: 'crm_mon --one-shot --inactive --output-as=xml',
      statusCode: 0,
      statusMessage: 'OK',
      errors: ['Could not connect to the CIB: No such device or address'],
      message: 'crm_mon (CIB_file=/nonexistent.xml): Could not connect to the CIB: No such device or address',
    });
    expect(thrown(() => parseClusterStatus(fixture('crm_mon/2.1.5/failures/garbage-cib-file.xml')))).toMatchObject({
      statusCode: 0,
      errors: ['Could not connect to the CIB: Update does not conform to the configured schema'],
    });
    // A non-zero status of another tool, with a two-line <error>: the message is its first line, the error stays whole.
    const noSuch = thrown(() =>
      parseClusterStatus(fixture('crm_resource/2.1.5/no-such-resource.xml'), { file: 'r.xml' }),
    ) as PacemakerToolError;
    expect(noSuch).toBeInstanceOf(PacemakerToolError);
    expect(noSuch).toMatchObject({
      tool: 'crm_resource',
      statusCode: 105,
      statusMessage: 'No such object',
      message: "r.xml: crm_resource: Resource 'nope' not found",
    });
    expect(noSuch.errors).toEqual([
      "crm_resource: Resource 'nope' not found\nError performing operation: No such object",
    ]);
    // A non-zero status without any <error>: the status says it.
    expect(
      thrown(() =>
        parseClusterStatus(
          '<pacemaker-result api-version="2.25" request="crm_mon"><status code="1" message="Error occurred"/></pacemaker-result>',
        ),
      ),
    ).toMatchObject({
      statusCode: 1,
      message: 'status XML: crm_mon reported status 1 (Error occurred)',
    });
    // An <error> without a failing status, and a status code that is not a number.
    expect(() =>
      parseClusterStatus(
        good.replace(
          '<summary>',
          '<status code="0" message="OK"><errors><error>late</error></errors></status><summary>',
        ),
      ),
    ).toThrow(PacemakerToolError);
    expect(
      thrown(() =>
        parseClusterStatus('<pacemaker-result api-version="2.25"><status code="bad" message="?"/></pacemaker-result>'),
      ),
    ).toMatchObject({ reason: 'BAD_STATUS_CODE' });
  });

  it('XML that parses but is not a crm_mon status: ParseError, never a health verdict', () => {
    // CIB_file=<a file whose root is not <cib>> crm_mon: exit status 0, an OK status and nothing else.
    const empty = thrown(() =>
      parseClusterStatus(fixture('crm_mon/2.1.5/failures/cib-not-valid.xml'), { file: 'out.xml' }),
    );
    expect(empty).toBeInstanceOf(ParseError);
    expect(empty).toMatchObject({ reason: 'NO_SUMMARY', file: 'out.xml', line: 1 });
    expect((empty as Error).message).toMatch(
      /^out\.xml:1:\d+: <pacemaker-result> has no <summary>: not a cluster status$/,
    );
    // Another tool's successful output names the tool.
    expect((thrown(() => parseClusterStatus(fixture('crm_resource/2.1.5/list.xml'))) as Error).message).toMatch(
      /has no <summary>: not a cluster status \(it is the output of crm_resource, not of crm_mon\)$/,
    );
    expect(() => parseClusterStatus('<crm_mon version="1.1.23"><nodes/></crm_mon>')).toThrow(ParseError);
    expect(() => parseClusterStatus('   \n')).toThrow(ParseError);
  });

  it('a tool that could not connect (status 102, recorded on a host without a cluster): ServiceUnavailableError for pacemaker', () => {
    const error = thrown(() => parseClusterStatus(fixture('crm_mon/2.1.5/failures/not-connected.xml')));
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      service: 'pacemaker',
      exitCode: 102,
      message: 'the cluster is not available: Not connected (error: Could not connect to launcher: Connection refused)',
    });
    expect(thrown(() => parseClusterStatus(fixture('stonith_admin/2.1.5/not-connected.xml')))).toBeInstanceOf(
      ServiceUnavailableError,
    );
  });

  it('a size limit: larger text is refused before it is parsed', () => {
    expect(thrown(() => parseClusterStatus(good, { file: 'big.xml', maxBytes: 100 }))).toMatchObject({
      code: 'INPUT_TOO_LARGE',
      source: 'big.xml',
      limit: 100,
    });
  });

  it("crm_mon that could not reach the cluster: ServiceUnavailableError with its words, and pacemakerd's state when it gave one", () => {
    const result = (inside: string) =>
      `<pacemaker-result api-version="2.25" request="crm_mon">${inside}</pacemaker-result>`;
    const down = result(
      '<status code="102" message="Not connected"><errors><error>crm_mon: Connection to cluster failed: Connection refused</error></errors></status>',
    );
    expect(thrown(() => parseClusterStatus(down))).toMatchObject({
      service: 'pacemaker',
      exitCode: 102,
      message:
        'the cluster is not available: Not connected (crm_mon: Connection to cluster failed: Connection refused)',
    });
    const starting = result(
      '<crm-mon-disconnected description="Pacemaker daemons are starting" pacemakerd-state="starting_daemons"/><status code="0" message="OK"/>',
    );
    expect(thrown(() => parseClusterStatus(starting))).toMatchObject({
      service: 'pacemaker',
      exitCode: 102,
      message: 'the cluster is not available: Pacemaker daemons are starting [pacemakerd: starting_daemons]',
    });
  });

  it('durations of every form Pacemaker writes become ms; an odd one is left out, never fatal', () => {
    const history = (interval: string) => {
      const operation = `<operation_history call="5" task="monitor" interval="${interval}" exec-time="29s" queue-time="0" rc="0" rc_text="ok"/>`;
      const resource = `<resource_history id="r" orphan="false" migration-threshold="INFINITY" fail-count="3">${operation}</resource_history>`;
      return good.replace(
        /<node_history>[\s\S]*<\/node_history>/,
        `<node_history><node name="n1">${resource}</node></node_history>`,
      );
    };
    const operation = (interval: string) => parseClusterStatus(history(interval)).nodeHistory[0]?.resources[0];
    expect(operation('10000ms')).toMatchObject({
      migrationThreshold: 1_000_000,
      failCount: 3,
      operations: [{ call: 5, intervalMs: 10_000, execTimeMs: 29_000, queueTimeMs: 0 }],
    });
    expect(operation('2min')?.operations[0]?.intervalMs).toBe(120_000);
    expect(operation('PT1M30S')?.operations[0]?.intervalMs).toBe(90_000);
    for (const odd of ['', 'soon', 'P', '12 parsecs'])
      expect(operation(odd)?.operations[0]?.intervalMs).toBeUndefined();
  });

  it('random damage to real status XML only ever throws typed errors; not a status: a ParseError with a reason of its own (property)', () => {
    // Exhaustive by type: a reason added to PcsParseReason must be added here.
    const reasons: Record<PcsParseReason, true> = {
      EMPTY_INPUT: true,
      MALFORMED_XML: true,
      BAD_STATUS_CODE: true,
      NOT_STATUS_XML: true,
      NO_SUMMARY: true,
      NO_CONSTRAINTS: true,
      NOT_FENCING_XML: true,
      BAD_FENCING_XML: true,
      NOT_CIB: true,
      NOT_SIMULATION_XML: true,
      NOT_SCHEDULER_INPUT: true,
      NOT_VERIFY_OUTPUT: true,
      NOT_AGENT_XML: true,
      MALFORMED_SPEC: true,
    };
    fc.assert(
      fc.property(fc.nat(good.length - 1), fc.nat(200), fc.string({ maxLength: 12 }), (at, cut, insert) => {
        const damaged = good.slice(0, at) + insert + good.slice(Math.min(good.length, at + cut));
        try {
          parseClusterStatus(damaged);
        } catch (error) {
          if (error instanceof ParseError) expect(Object.keys(reasons)).toContain(error.reason);
          else
            expect(
              [PacemakerToolError, ServiceUnavailableError, UnsupportedApiVersionError].some(
                (type) => error instanceof type,
              ),
              String(error),
            ).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('helpers', () => {
  it('normalizes roles of every era', () => {
    expect(
      ['Master', 'Slave', 'Promoted', 'Unpromoted', 'started', 'Stopped', 'Migrating', 'weird'].map(normalizeRole),
    ).toEqual(['Promoted', 'Unpromoted', 'Promoted', 'Unpromoted', 'Started', 'Stopped', 'Migrating', 'Unknown']);
  });

  it('splits operation keys, tasks with underscores included', () => {
    expect(splitOperationKey('WebServer_monitor_10000')).toEqual({
      resource: 'WebServer',
      task: 'monitor',
      intervalMs: 10000,
    });
    expect(splitOperationKey('my_rsc_migrate_to_0')).toEqual({ resource: 'my_rsc', task: 'migrate_to', intervalMs: 0 });
    expect(splitOperationKey('odd')).toEqual({ resource: 'odd', task: undefined, intervalMs: undefined });
  });
});
