import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ParseError } from '@ha/core';
import { PacemakerToolError } from '../errors.js';
import { fixture, fixturesDirectory, thrown } from '../../test/fixtures.js';
import { parseAgentList, parseAgentMetadata } from './metadata.js';

const generations = ['2.1.5', '3.0.0'] as const;

// metadata-ocf-heartbeat-IPaddr2.xml → ocf:heartbeat:IPaddr2 (the recording script names each file so).
function agentOf(file: string): string {
  const [standard = '', ...rest] = file
    .replace(/^metadata-/, '')
    .replace(/(\.plain)?\.xml$/, '')
    .split('-');
  return standard === 'ocf' ? `ocf:${rest[0]}:${rest.slice(1).join('-')}` : `${standard}:${rest.join('-')}`;
}

const recordings = generations.flatMap((generation) =>
  readdirSync(`${fixturesDirectory}crm_resource/${generation}`)
    .filter((file) => file.startsWith('metadata-') && !/-(nope|IPadr2)\.xml$/.test(file))
    .map((file) => ({ generation, file, agent: agentOf(file), text: fixture(`crm_resource/${generation}/${file}`) })),
);

const read = (generation: string, agent: string) =>
  parseAgentMetadata(fixture(`crm_resource/${generation}/metadata-${agent.replaceAll(':', '-')}.xml`), { agent });

describe('parseAgentMetadata: every recorded agent, both generations', () => {
  it.each(recordings)(
    '$generation $file: every parameter and action of the document, in its order',
    ({ agent, text }) => {
      const metadata = parseAgentMetadata(text, { agent });
      const [standard, ...rest] = agent.split(':');
      expect(metadata.agent).toEqual(
        standard === 'ocf' ? { standard, provider: rest[0], type: rest[1] } : { standard, type: rest.join(':') },
      );
      expect(metadata.name).toBe(metadata.agent.type);
      // Counted straight from the text: each <parameter name=…> and <action name=…>, wherever the tool put the document.
      const names = (element: string) =>
        [...text.matchAll(new RegExp(`<${element} name=['"]([^'"]+)['"]`, 'g'))].map((m) => m[1]);
      expect(metadata.parameters.map((parameter) => parameter.name)).toEqual(names('parameter'));
      expect(metadata.actions.map((action) => action.name)).toEqual(names('action'));
      expect(metadata.shortdesc.length).toBeGreaterThan(0);
    },
  );

  it('covers the agents the brief names on both generations', () => {
    for (const generation of generations)
      expect(recordings.filter((each) => each.generation === generation).map((each) => each.agent)).toEqual(
        expect.arrayContaining([
          'ocf:heartbeat:IPaddr2',
          'ocf:heartbeat:anything',
          'ocf:heartbeat:apache',
          'ocf:pacemaker:Dummy',
          'ocf:pacemaker:Stateful',
          'stonith:fence_dummy',
          'lsb:haproxy',
        ]),
      );
  });

  it('OCF 1.0 (IPaddr2): required, unique, defaults, and a parameter its shortdesc calls deprecated', () => {
    for (const generation of generations) {
      const metadata = read(generation, 'ocf:heartbeat:IPaddr2');
      expect(metadata.ocfVersion).toBe('1.0');
      const ip = metadata.parameters.find((parameter) => parameter.name === 'ip');
      expect(ip).toMatchObject({ type: 'string', required: true, unique: true, deprecated: false });
      expect(metadata.parameters.find((parameter) => parameter.name === 'cidr_netmask')).toMatchObject({
        type: 'string',
        required: false,
      });
      expect(metadata.parameters.find((parameter) => parameter.name === 'lvs_support')).toMatchObject({
        type: 'boolean',
        default: 'false',
      });
      expect(
        metadata.parameters.filter((parameter) => parameter.deprecated).map((parameter) => parameter.name),
      ).toEqual(['arp_interval']);
      expect(metadata.actions.find((action) => action.name === 'monitor')).toMatchObject({
        interval: '10s',
        timeout: '20s',
      });
    }
  });

  it('OCF 1.1 (Dummy, Stateful): unique-group, reloadable, monitor depth and roles; plain and wrapped output agree', () => {
    for (const generation of generations) {
      const dummy = read(generation, 'ocf:pacemaker:Dummy');
      expect(dummy.ocfVersion).toBe('1.1');
      expect(dummy.parameters[0]).toMatchObject({
        name: 'state',
        uniqueGroup: 'state',
        unique: false,
        reloadable: false,
      });
      expect(dummy.parameters.filter((parameter) => parameter.reloadable).map((parameter) => parameter.name)).toEqual(
        expect.arrayContaining(['passwd', 'fake', 'op_sleep']),
      );
      expect(dummy.actions.find((action) => action.name === 'monitor')).toEqual({
        name: 'monitor',
        timeout: '20s',
        interval: '10s',
        role: undefined,
        depth: '0',
      });
      const plain = fixture(`crm_resource/${generation}/metadata-ocf-pacemaker-Dummy.plain.xml`);
      expect(parseAgentMetadata(plain, { agent: 'ocf:pacemaker:Dummy' })).toEqual(dummy);
      const stateful = read(generation, 'ocf:pacemaker:Stateful');
      const roles = stateful.actions.filter((action) => action.name === 'monitor').map((action) => action.role);
      expect(roles).toEqual(
        generation === '3.0.0' ? ['Promoted', 'Unpromoted'] : expect.arrayContaining([expect.any(String)]),
      );
      expect(roles).toHaveLength(2);
    }
  });

  it('a select (SysInfo): its options in order, with the default', () => {
    for (const generation of generations) {
      const unit = read(generation, 'ocf:pacemaker:SysInfo').parameters.find(
        (parameter) => parameter.type === 'select',
      );
      expect(unit).toMatchObject({ name: 'disk_unit', default: 'G' });
      expect(unit?.values?.slice(0, 4)).toEqual(['B', 'b', 'K', 'k']);
    }
  });

  it('a fence agent through crm_resource: the agent name in an attribute, deprecated="1" and its replacement by obsoletes', () => {
    for (const generation of generations) {
      const metadata = read(generation, 'stonith:fence_dummy');
      expect(metadata.shortdesc).toBe('Dummy fence agent');
      expect(metadata.parameters.find((parameter) => parameter.name === 'debug')).toMatchObject({
        deprecated: true,
        replacedWith: ['debug_file'],
      });
      expect(metadata.parameters.find((parameter) => parameter.name === 'debug_file')?.obsoletes).toBe('debug');
    }
  });

  it("Pacemaker's own documents: lsb and service (no parameters), its options (select, time, <deprecated/>)", () => {
    for (const generation of generations) {
      for (const agent of ['lsb:haproxy', 'service:haproxy']) {
        const metadata = read(generation, agent);
        expect(metadata.parameters).toEqual([]);
        // Pacemaker 2.1 writes bare seconds in the lsb document it generates, 3.0 a unit.
        expect(metadata.actions.find((action) => action.name === 'monitor')).toMatchObject({
          interval: generation === '2.1.5' ? '15' : '15s',
        });
      }
      const scheduler = parseAgentMetadata(fixture(`crm_resource/${generation}/pacemaker-schedulerd-metadata.xml`), {
        agent: 'pacemaker:pacemaker-schedulerd',
      });
      expect(scheduler.parameters.find((parameter) => parameter.name === 'no-quorum-policy')).toMatchObject({
        type: 'select',
        default: 'stop',
        values: expect.arrayContaining(['stop', 'freeze', 'ignore', 'demote', 'suicide']),
      });
      // Both generations mark a deprecated option in words ("*** Deprecated ***"), each its own.
      expect(
        scheduler.parameters.filter((parameter) => parameter.deprecated).map((parameter) => parameter.name),
      ).toEqual([generation === '2.1.5' ? 'remove-after-stop' : 'concurrent-fencing']);
    }
    const options = parseAgentMetadata(fixture('crm_resource/3.0.0/cluster-options.xml'), {
      agent: 'pacemaker:cluster-options',
    });
    expect(options.parameters.filter((parameter) => parameter.deprecated).map((parameter) => parameter.name)).toContain(
      'concurrent-fencing',
    );
    expect(new Set(options.parameters.map((parameter) => parameter.type))).toEqual(
      new Set([
        'boolean',
        'duration',
        'integer',
        'nonnegative_integer',
        'percentage',
        'score',
        'select',
        'string',
        'timeout',
        'version',
      ]),
    );
  });
});

describe('parseAgentMetadata: what is not metadata', () => {
  it('an agent crm_resource does not have: its PacemakerToolError, status 105', () => {
    for (const generation of generations)
      for (const agent of ['ocf:heartbeat:nope', 'lsb:nope']) {
        const error = thrown(() => read(generation, agent));
        expect(error).toBeInstanceOf(PacemakerToolError);
        expect(error).toMatchObject({ statusCode: 105, message: expect.stringContaining('Metadata query for') });
      }
  });

  it('another document, another tool output, nothing: a ParseError with its reason and place', () => {
    const cases: [string, string][] = [
      [fixture('crm_resource/2.1.5/list.xml'), 'NOT_AGENT_XML'],
      [fixture('crm_resource/2.1.5/agents-ocf.xml'), 'NOT_AGENT_XML'],
      ['<foo/>', 'NOT_AGENT_XML'],
      ['<resource-agent name="x"><parameters><parameter/></parameters></resource-agent>', 'NOT_AGENT_XML'],
      ['', 'EMPTY_INPUT'],
      ['<resource-agent', 'MALFORMED_XML'],
    ];
    for (const [text, reason] of cases) {
      const error = thrown(() => parseAgentMetadata(text, { agent: 'ocf:x:y', file: 'in.xml' }));
      expect(error, text.slice(0, 40)).toBeInstanceOf(ParseError);
      expect(error).toMatchObject({ reason, file: 'in.xml' });
    }
    expect(() => parseAgentMetadata('<resource-agent/>', { agent: 'IPaddr2' })).toThrow(TypeError);
  });

  it('random damage to real metadata only ever throws typed errors (property)', () => {
    const good = fixture('crm_resource/3.0.0/metadata-ocf-pacemaker-Stateful.xml');
    fc.assert(
      fc.property(fc.nat(good.length - 1), fc.nat(120), fc.string({ maxLength: 12 }), (at, cut, insert) => {
        const damaged = good.slice(0, at) + insert + good.slice(Math.min(good.length, at + cut));
        try {
          parseAgentMetadata(damaged, { agent: 'ocf:pacemaker:Stateful' });
        } catch (error) {
          expect(
            [ParseError, PacemakerToolError].some((type) => error instanceof type),
            String(error),
          ).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseAgentList', () => {
  it('agents of a provider and of a standard, and the providers of a type, in the tool order', () => {
    for (const generation of generations) {
      const pacemaker = parseAgentList(fixture(`crm_resource/${generation}/agents-ocf-pacemaker.xml`));
      expect(pacemaker).toEqual(expect.arrayContaining(['Dummy', 'Stateful', 'SysInfo']));
      expect(parseAgentList(fixture(`crm_resource/${generation}/agents-lsb.xml`))).toContain('haproxy');
      expect(parseAgentList(fixture(`crm_resource/${generation}/alternatives-Dummy.xml`))).toEqual([
        'heartbeat',
        'pacemaker',
      ]);
      const error = thrown(() => parseAgentList(fixture(`crm_resource/${generation}/agents-nope.xml`)));
      expect(error).toMatchObject({
        statusCode: 1,
        message: expect.stringContaining("No agents found for standard 'nope'"),
      });
    }
    expect(thrown(() => parseAgentList('<foo/>'))).toMatchObject({ reason: 'NOT_AGENT_XML' });
  });
});
