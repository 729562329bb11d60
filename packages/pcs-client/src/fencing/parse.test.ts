import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError, ServiceUnavailableError } from '@ha/core';
import { fixture } from '../../test/fixtures.js';
import { PacemakerToolError } from '../errors.js';
import {
  parseFenceAgentMetadata,
  parseFenceAgents,
  parseFenceDeviceList,
  parseFenceDevices,
  parseFenceTargetList,
  parseFenceHistory,
  parseFenceLevels,
  parseHostList,
  parseHostMap,
  parseLevelVerifyOutput,
} from './parse.js';
import { fencerParameters } from './validate.js';

// Both generations: Debian 12 (Pacemaker 2.1.5, pcs 0.11.5) and Debian 13 (3.0.0, 0.12.0.2).
const generations = [
  { pacemaker: '2.1.5', pcs: '0.11.5' },
  { pacemaker: '3.0.0', pcs: '0.12.0.2' },
] as const;

describe.each(generations)('fencing outputs of Pacemaker $pacemaker', ({ pacemaker, pcs }) => {
  const stonith = (name: string) => fixture(`stonith_admin/${pacemaker}/${name}`);

  it('lists the installed agents', () => {
    const agents = parseFenceAgents(stonith('list-installed.xml'));
    expect(agents).toEqual(expect.arrayContaining(['fence_dummy', 'fence_ipmilan', 'fence_apc', 'external/ipmi']));
    expect(agents.every((agent) => agent.length > 0)).toBe(true);
  });

  it("reads fence_dummy's metadata: types, defaults, deprecated and obsoleted names, actions", () => {
    const metadata = parseFenceAgentMetadata(stonith('metadata-fence_dummy.xml'));
    expect(metadata).toMatchObject({ name: 'fence_dummy', shortdesc: 'Dummy fence agent', longdesc: 'fence_dummy' });
    const parameter = (name: string) => metadata.parameters.find((entry) => entry.name === name);
    expect(parameter('action')).toEqual({
      name: 'action',
      type: 'string',
      required: false,
      default: 'reboot',
      description: 'Fencing action',
      choices: undefined,
      deprecated: false,
      obsoletes: undefined,
    });
    expect(parameter('quiet')?.type).toBe('boolean');
    expect(parameter('verbose_level')?.type).toBe('integer');
    expect(parameter('power_timeout')).toMatchObject({ type: 'second', default: '20' });
    expect(parameter('debug')).toMatchObject({ deprecated: true });
    expect(parameter('debug_file')).toMatchObject({ deprecated: false, obsoletes: 'debug' });
    expect(metadata.actions).toEqual(expect.arrayContaining(['on', 'off', 'reboot', 'status', 'monitor', 'metadata']));
    // 3.0 indents descriptions over lines: one line, as 2.1 writes it.
    expect(metadata.parameters.every((entry) => !/\s{2}|\n/.test(entry.description))).toBe(true);
  });

  it("reads fence_ipmilan's and fence_apc's: choices of a select, required ones", () => {
    const ipmi = parseFenceAgentMetadata(stonith('metadata-fence_ipmilan.xml'));
    expect(ipmi.name).toBe('fence_ipmilan');
    expect(ipmi.parameters.find((entry) => entry.name === 'auth')).toMatchObject({
      type: 'select',
      choices: ['md5', 'password', 'none'],
    });
    expect(ipmi.parameters.find((entry) => entry.name === 'method')).toMatchObject({
      type: 'select',
      default: 'onoff',
      choices: ['onoff', 'cycle'],
    });
    const apc = parseFenceAgentMetadata(stonith('metadata-fence_apc.xml'));
    const required = apc.parameters.filter((entry) => entry.required).map((entry) => entry.name);
    expect(required).toEqual(expect.arrayContaining(['ip', 'ipaddr', 'login', 'username']));
    expect(apc.parameters.find((entry) => entry.name === 'ipaddr')).toMatchObject({ deprecated: true });
    for (const agent of ['fence_apc_snmp', 'fence_idrac'])
      expect(parseFenceAgentMetadata(stonith(`metadata-${agent}.xml`)).name).toBe(agent);
  });

  it("the fencer's own options are the ones checkFenceDeviceOptions accepts on every device", () => {
    const fencer = parseFenceAgentMetadata(stonith('fencer-metadata.xml'));
    expect(fencer.name).toBe('pacemaker-fenced');
    expect(fencer.parameters.map((entry) => entry.name).sort()).toEqual([...fencerParameters].sort());
  });

  it('an agent that is not installed: the tool error, with its words', () => {
    expect(() => parseFenceAgentMetadata(stonith('metadata-no-such-agent.xml'))).toThrow(PacemakerToolError);
    expect(() => parseFenceAgentMetadata(stonith('metadata-no-such-agent.xml'))).toThrow(
      /Can't get fence agent meta-data/,
    );
  });

  it('reads the history: success, failed with its reason, pending; newest first; times as dates', () => {
    const history = parseFenceHistory(stonith('history-pending.xml'));
    expect(history.map((event) => [event.target, event.action, event.status])).toEqual([
      ['node3', 'reboot', 'pending'],
      ['node3', 'reboot', 'failed'],
      ['node2', 'on', 'success'],
      ['node2', 'off', 'success'],
      ['node2', 'reboot', 'success'],
    ]);
    expect(history[0]).toMatchObject({ completed: undefined, completedAt: undefined, extendedStatus: '1' });
    expect(history[1]).toMatchObject({
      exitReason: 'Fence agent did not complete within 5s',
      delegate: 'node1',
      origin: 'node1',
      client: expect.stringMatching(/^stonith_admin\.\d+$/),
    });
    const done = history[2];
    expect(done?.completedAt).toBeInstanceOf(Date);
    // 2.1 writes whole seconds, 3.0 microseconds: both the same instant to the second.
    expect(done?.completedAt?.toISOString().slice(0, 19)).toBe(done?.completed?.replace(' ', 'T').slice(0, 19));
    expect(parseFenceHistory(stonith('history-empty.xml'))).toEqual([]);
    expect(parseFenceHistory(stonith('history-node3.xml')).map((event) => event.status)).toEqual(['failed']);
    expect(parseFenceHistory(stonith('history-after-cleanup.xml')).some((event) => event.target === 'node3')).toBe(
      false,
    );
  });

  it('lists the devices that can fence a node, and none for a stranger', () => {
    expect(parseFenceDeviceList(stonith('list-node2.xml'))).toEqual(['ok']);
    expect(parseFenceDeviceList(stonith('list-node3.xml'))).toEqual(['stuck']);
    expect(parseFenceDeviceList(stonith('list-nobody.xml'))).toEqual([]);
    expect(parseFenceDeviceList(stonith('list-registered.xml')).sort()).toEqual(['ok', 'stuck']);
    expect(parseFenceDeviceList(stonith('list-registered-none.xml'))).toEqual([]);
  });

  it(`reads the devices and levels pcs ${pcs} wrote`, () => {
    const cib = fixture(`pcs/${pcs}/stonith.cib.xml`);
    expect(parseFenceDevices(cib)).toEqual([
      {
        id: 'lab-fence',
        agent: 'fence_dummy',
        params: {
          pcmk_host_map: 'node1:node1;node2:node2;node3:node3',
          pcmk_delay_base: '1s',
          pcmk_delay_max: '5s',
        },
        meta: {},
        hostMap: { node1: 'node1', node2: 'node2', node3: 'node3' },
        hostList: undefined,
        delay: { base: '1s', max: '5s' },
        disabled: false,
      },
      {
        id: 'spare',
        agent: 'fence_dummy',
        params: { pcmk_host_list: 'node1,node2' },
        meta: { 'target-role': 'Stopped' },
        hostMap: undefined,
        hostList: ['node1', 'node2'],
        delay: { base: undefined, max: undefined },
        disabled: true,
      },
    ]);
    expect(parseFenceLevels(cib).map(({ level, target, devices }) => ({ level, target, devices }))).toEqual([
      { level: 1, target: { kind: 'node', node: 'node1' }, devices: ['lab-fence'] },
      { level: 2, target: { kind: 'node', node: 'node1' }, devices: ['spare', 'lab-fence'] },
      { level: 1, target: { kind: 'pattern', pattern: 'node[23]' }, devices: ['lab-fence'] },
      { level: 3, target: { kind: 'attribute', name: 'rack', value: 'r1' }, devices: ['spare'] },
    ]);
  });
});

describe('fencing outputs: what else the tools say', () => {
  it('a fencer that is not running: ServiceUnavailableError, on both generations', () => {
    expect(() => parseFenceDeviceList(fixture('stonith_admin/2.1.5/not-connected.xml'))).toThrow(
      ServiceUnavailableError,
    );
    expect(() => parseFenceHistory(fixture('stonith_admin/3.0.0/history-not-connected.xml'))).toThrow(
      ServiceUnavailableError,
    );
  });

  it('a CIB without topology has no levels; a section that is not the one asked for is a ParseError', () => {
    expect(parseFenceLevels('<cib><configuration><resources/></configuration></cib>')).toEqual([]);
    expect(parseFenceDevices('<resources/>')).toEqual([]);
    expect(() => parseFenceDevices('<constraints/>')).toThrow(ParseError);
    expect(() => parseFenceLevels('<resources/>')).toThrow(ParseError);
    const odd = '<fencing-topology><fencing-level id="x" index="first" devices="d" target="n"/></fencing-topology>';
    expect(() => parseFenceLevels(odd)).toThrow(expect.objectContaining({ reason: 'BAD_FENCING_XML', line: 1 }));
    const noDevices = '<fencing-topology><fencing-level id="x" index="1" devices="" target="n"/></fencing-topology>';
    expect(() => parseFenceLevels(noDevices)).toThrow(ParseError);
  });

  it('the XML of another tool, or metadata that is not an agent: NOT_FENCING_XML', () => {
    const crmResource = fixture('crm_resource/2.1.5/list.xml');
    expect(() => parseFenceHistory(crmResource)).toThrow(expect.objectContaining({ reason: 'NOT_FENCING_XML' }));
    expect(() => parseFenceAgentMetadata(crmResource)).toThrow(expect.objectContaining({ reason: 'NOT_FENCING_XML' }));
    const wrapped = '<pacemaker-result api-version="2.25"><metadata><![CDATA[<cib/>]]></metadata></pacemaker-result>';
    expect(() => parseFenceAgentMetadata(wrapped)).toThrow(expect.objectContaining({ reason: 'NOT_FENCING_XML' }));
    const broken =
      '<pacemaker-result api-version="2.25"><metadata><![CDATA[<resource-agent]]></metadata></pacemaker-result>';
    expect(() => parseFenceAgentMetadata(broken)).toThrow(expect.objectContaining({ reason: 'MALFORMED_XML' }));
  });

  it('host maps and lists as the fencer reads them', () => {
    expect(parseHostMap('node1:1;node2:2,3')).toEqual({ node1: '1', node2: '2,3' });
    expect(parseHostMap('node1=a node2:b\tnode3:c;;junk;:x')).toEqual({ node1: 'a', node2: 'b', node3: 'c' });
    expect(parseHostList('node1,node2 node3;node4')).toEqual(['node1', 'node2', 'node3', 'node4']);
    expect(parseHostList('')).toEqual([]);
  });

  it("pcs stonith level verify's findings, with what each names", () => {
    const said = [
      "Error: Stonith resource(s) 'ghost', 'gone' do not exist",
      "Error: Node 'node9' does not appear to exist in configuration",
      'Error: Errors have occurred, therefore pcs is unable to continue',
    ].join('\n');
    expect(parseLevelVerifyOutput(said)).toEqual([
      { message: "Stonith resource(s) 'ghost', 'gone' do not exist", subjects: ['ghost', 'gone'] },
      { message: "Node 'node9' does not appear to exist in configuration", subjects: ['node9'] },
    ]);
    expect(parseLevelVerifyOutput('')).toEqual([]);
  });
});

describe('fencing parsers on garbage (property)', () => {
  const documents = [
    fixture('stonith_admin/2.1.5/metadata-fence_ipmilan.xml'),
    fixture('stonith_admin/3.0.0/history-pending.xml'),
    fixture('stonith_admin/2.1.5/list-node2.xml'),
    fixture('pcs/0.12.0.2/stonith.cib.xml'),
  ];
  const parsers = [
    parseFenceAgentMetadata,
    parseFenceHistory,
    parseFenceDeviceList,
    parseFenceAgents,
    parseFenceDevices,
    parseFenceLevels,
  ];
  const typed = (error: unknown) =>
    error instanceof ParseError || error instanceof PacemakerToolError || error instanceof ServiceUnavailableError;

  it('random damage to real outputs only ever throws typed errors', () => {
    fc.assert(
      fc.property(
        fc.nat(documents.length - 1),
        fc.nat(),
        fc.nat(200),
        fc.string({ maxLength: 12 }),
        (which, at, cut, insert) => {
          const good = documents[which] ?? '';
          const start = at % (good.length + 1);
          const damaged = good.slice(0, start) + insert + good.slice(Math.min(good.length, start + cut));
          for (const parse of parsers) {
            try {
              parse(damaged);
            } catch (error) {
              expect(typed(error), String(error)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('any text at all: a result or a typed error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        for (const parse of parsers) {
          try {
            parse(text);
          } catch (error) {
            expect(typed(error), String(error)).toBe(true);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('stonith_admin --list-targets', () => {
  it('gives each node a device can fence once (a host map lists names and ports alike)', () => {
    // Recorded on the lab (Pacemaker 2.1.5), device lab-fence with pcmk_host_map="node1:node1;…".
    const xml = `<pacemaker-result api-version="2.25" request="stonith_admin --list-targets lab-fence --output-as=xml">
  <list name="fence targets" count="6">
    <item>node1</item>
    <item>node1</item>
    <item>node2</item>
    <item>node2</item>
    <item>node3</item>
    <item>node3</item>
  </list>
  <status code="0" message="OK"/>
</pacemaker-result>`;
    expect(parseFenceTargetList(xml)).toEqual(['node1', 'node2', 'node3']);
    expect(() => parseFenceTargetList('<cib/>')).toThrow(ParseError);
  });
});
