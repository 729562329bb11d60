import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValidationError } from '@ha/core';
import { fixture } from '../../test/fixtures.js';
import { checkAgentParameters } from './check.js';
import { AgentParameterError } from './errors.js';
import { parseAgentMetadata } from './metadata.js';
import { pacemakerBooleanWords } from './values.js';

const generations = ['2.1.5', '3.0.0'] as const;
const read = (generation: string, agent: string, file = `metadata-${agent.replaceAll(':', '-')}.xml`) =>
  parseAgentMetadata(fixture(`crm_resource/${generation}/${file}`), { agent });

describe('checkAgentParameters', () => {
  it('the seed resources as the lab creates them: no finding', () => {
    for (const generation of generations) {
      expect(
        checkAgentParameters(read(generation, 'ocf:heartbeat:IPaddr2'), { ip: '10.213.0.100', cidr_netmask: 24 }),
      ).toEqual([]);
      expect(
        checkAgentParameters(read(generation, 'ocf:heartbeat:anything'), {
          binfile: '/usr/local/bin/web',
          cmdline_options: '80',
        }),
      ).toEqual([]);
    }
  });

  it('an unknown parameter: its path, the close name, the agent parameter list; and the required one missing', () => {
    const metadata = read('3.0.0', 'ocf:heartbeat:IPaddr2');
    const findings = checkAgentParameters(metadata, { ipp: '10.0.0.1' }, { path: 'resources[2].params' });
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'UNKNOWN_PARAMETER',
        path: 'resources[2].params.ipp',
        parameter: 'ipp',
        suggestion: 'ip',
        allowed: metadata.parameters.map((parameter) => parameter.name),
      }),
      expect.objectContaining({
        severity: 'error',
        code: 'MISSING_PARAMETER',
        path: 'resources[2].params.ip',
        parameter: 'ip',
      }),
    ]);
    expect(findings[0]?.message).toMatch(
      /^agent ocf:heartbeat:IPaddr2 has no parameter 'ipp' \(did you mean 'ip'\?\); its parameters are: ip, /,
    );
    expect(checkAgentParameters(read('3.0.0', 'lsb:haproxy'), { x: '1' })[0]?.message).toMatch(/takes no parameters$/);
    // An empty value is not given: the requirement stays.
    expect(checkAgentParameters(metadata, { ip: '' }).map((finding) => finding.code)).toEqual(['MISSING_PARAMETER']);
  });

  it('wrong types: integer, boolean (every Pacemaker word passes), select (with a close option), time', () => {
    const ipaddr2 = read('2.1.5', 'ocf:heartbeat:IPaddr2');
    const codes = (params: Record<string, string | number | boolean>) =>
      checkAgentParameters(ipaddr2, { ip: '10.0.0.1', ...params }).map(
        (finding) => `${finding.code} ${finding.parameter}`,
      );
    expect(codes({ arp_count: 'five' })).toEqual(['WRONG_TYPE arp_count']);
    expect(codes({ arp_count: 5, lvs_support: false })).toEqual([]);
    for (const word of [...pacemakerBooleanWords.true, ...pacemakerBooleanWords.false, 'YES', 'Off'])
      expect(codes({ lvs_support: word }), word).toEqual([]);
    expect(codes({ lvs_support: 'maybe' })).toEqual(['WRONG_TYPE lvs_support']);
    const sysinfo = read('3.0.0', 'ocf:pacemaker:SysInfo');
    expect(checkAgentParameters(sysinfo, { disk_unit: 'G' })).toEqual([]);
    expect(checkAgentParameters(sysinfo, { disk_unit: 'GB' })).toEqual([
      expect.objectContaining({
        code: 'WRONG_TYPE',
        allowed: sysinfo.parameters.find((p) => p.name === 'disk_unit')?.values,
      }),
    ]);
    const options = read('3.0.0', 'pacemaker:cluster-options', 'cluster-options.xml');
    for (const time of ['10s', '1min', '500ms', 'PT10S', '60', '2h'])
      expect(checkAgentParameters(options, { 'cluster-recheck-interval': time }), time).toEqual([]);
    for (const time of ['10 parsecs', 'soon', '-5s'])
      expect(
        checkAgentParameters(options, { 'cluster-recheck-interval': time }).map((f) => f.code),
        time,
      ).toEqual(['WRONG_TYPE']);
    expect(checkAgentParameters(options, { 'node-health-red': 'INFINITY', 'no-quorum-policy': 'freeze' })).toEqual([]);
    expect(checkAgentParameters(options, { 'no-quorum-policy': 'frezee' })[0]).toMatchObject({ suggestion: 'freeze' });
  });

  it('a deprecated parameter is a warning, naming its replacement; a requirement is met by the replaced name', () => {
    const fence = read('3.0.0', 'stonith:fence_dummy');
    expect(checkAgentParameters(fence, { debug: '/tmp/log' })).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'DEPRECATED_PARAMETER',
        suggestion: 'debug_file',
        path: 'params.debug',
      }),
    ]);
    const options = read('3.0.0', 'pacemaker:cluster-options', 'cluster-options.xml');
    expect(checkAgentParameters(options, { 'concurrent-fencing': 'true' })).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'DEPRECATED_PARAMETER', suggestion: undefined }),
    ]);
    // Made required here: the older name given satisfies it.
    const required = {
      ...fence,
      parameters: fence.parameters.map((p) => (p.name === 'debug_file' ? { ...p, required: true } : p)),
    };
    expect(checkAgentParameters(required, {}).map((f) => f.code)).toEqual(['MISSING_PARAMETER']);
    expect(checkAgentParameters(required, { debug: 'x' }).map((f) => f.code)).toEqual(['DEPRECATED_PARAMETER']);
    expect(checkAgentParameters(required, {}, { suppliedParameters: ['debug_file'] })).toEqual([]);
    expect(checkAgentParameters(fence, { pcmk_host_map: 'node1:1' }, { extraParameters: ['pcmk_host_map'] })).toEqual(
      [],
    );
  });

  it('never throws, whatever the parameters; every finding names a given or required parameter (property)', () => {
    const metadata = [
      read('2.1.5', 'ocf:heartbeat:IPaddr2'),
      read('3.0.0', 'ocf:pacemaker:SysInfo'),
      read('3.0.0', 'stonith:fence_dummy'),
    ];
    const names = metadata.flatMap((each) => each.parameters.map((parameter) => parameter.name));
    const key = fc.oneof(fc.constantFrom(...names, '__proto__', 'constructor'), fc.string());
    const value = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.double(), fc.constant(undefined));
    fc.assert(
      fc.property(fc.constantFrom(...metadata), fc.dictionary(key, value), fc.string(), (agent, params, path) => {
        const findings = checkAgentParameters(agent, params, { path });
        for (const finding of findings) {
          expect(Object.keys(params).includes(finding.parameter) || finding.code === 'MISSING_PARAMETER').toBe(true);
          expect(finding.path.endsWith(finding.parameter)).toBe(true);
        }
        if (findings.some((finding) => finding.severity === 'error')) {
          const error = new AgentParameterError('x', findings);
          expect(error).toBeInstanceOf(ValidationError);
          expect(error.issues.length).toBe(findings.filter((finding) => finding.severity === 'error').length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('AgentParameterError: the first error with its path, how many more, issues keyed by the path', () => {
    const metadata = read('3.0.0', 'ocf:heartbeat:IPaddr2');
    const error = new AgentParameterError(
      'ocf:heartbeat:IPaddr2',
      checkAgentParameters(metadata, { ipp: 'x' }, { path: 'resources[2].params' }),
    );
    expect(error.message).toMatch(
      /^resources\[2\]\.params\.ipp: agent ocf:heartbeat:IPaddr2 has no parameter 'ipp' .* \(and 1 more\)$/,
    );
    expect(error.issues.map((issue) => issue.path)).toEqual([
      ['resources', 2, 'params', 'ipp'],
      ['resources', 2, 'params', 'ip'],
    ]);
    expect(error).toMatchObject({ code: 'VALIDATION_ERROR', agent: 'ocf:heartbeat:IPaddr2' });
  });
});
