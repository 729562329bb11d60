import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UnsafeArgumentError } from '@ha/core';
import {
  assertId,
  clusterSetupArgs,
  dialectOf,
  operationWords,
  optionWords,
  resourceCreateArgs,
  scoreWord,
} from './args.js';

describe('pcs command lines', () => {
  it('creates the seed resources', () => {
    expect(
      resourceCreateArgs({
        id: 'VirtualIP',
        agent: 'ocf:heartbeat:IPaddr2',
        options: { ip: '192.168.1.100', cidr_netmask: 24 },
        operations: [{ action: 'monitor', interval: '30s' }],
      }),
    ).toEqual([
      'resource',
      'create',
      'VirtualIP',
      'ocf:heartbeat:IPaddr2',
      'ip=192.168.1.100',
      'cidr_netmask=24',
      'op',
      'monitor',
      'interval=30s',
    ]);
    expect(
      resourceCreateArgs(
        {
          id: 'db',
          agent: 'ocf:pacemaker:Stateful',
          meta: { 'resource-stickiness': 100 },
          promotable: { options: { 'promoted-max': 1 } },
          disabled: true,
        },
        { waitSeconds: 30 },
      ),
    ).toEqual([
      'resource',
      'create',
      'db',
      'ocf:pacemaker:Stateful',
      'meta',
      'resource-stickiness=100',
      'promotable',
      'promoted-max=1',
      '--disabled',
      '--wait=30',
    ]);
    expect(resourceCreateArgs({ id: 'web', agent: 'systemd:nginx', group: 'frontend' })).toEqual([
      'resource',
      'create',
      'web',
      'systemd:nginx',
      '--group',
      'frontend',
    ]);
    expect(
      resourceCreateArgs(
        { id: 'fence1', agent: 'fence_dummy', options: { pcmk_host_list: 'node1 node2' } },
        { stonith: true },
      ),
    ).toEqual(['stonith', 'create', 'fence1', 'fence_dummy', 'pcmk_host_list=node1 node2']);
  });

  it('sets up a cluster through pcsd or into a file', () => {
    expect(
      clusterSetupArgs({
        name: 'mycluster',
        nodes: [
          { name: 'node1', addresses: ['10.0.0.1'] },
          { name: 'node2', addresses: ['10.0.0.2'] },
        ],
        start: true,
        enable: true,
      }),
    ).toEqual([
      'cluster',
      'setup',
      'mycluster',
      'node1',
      'addr=10.0.0.1',
      'node2',
      'addr=10.0.0.2',
      '--enable',
      '--start',
      '--wait',
    ]);
    expect(
      clusterSetupArgs({
        name: 'c',
        nodes: [{ name: 'a', addresses: ['10.0.0.1', '10.1.0.1'] }],
        transport: 'knet',
        links: [{ linknumber: 0, link_priority: 10 }],
        totem: { token: 3000 },
        corosyncConfFile: '/tmp/c.conf',
      }),
    ).toEqual([
      'cluster',
      'setup',
      'c',
      'a',
      'addr=10.0.0.1',
      'addr=10.1.0.1',
      'transport',
      'knet',
      'link',
      'linknumber=0',
      'link_priority=10',
      'totem',
      'token=3000',
      '--corosync_conf',
      '/tmp/c.conf',
    ]);
    // Options that exclude each other are a wrong call (TypeError), not an unsafe value.
    expect(() =>
      clusterSetupArgs({ name: 'c', nodes: [{ name: 'a' }], corosyncConfFile: '/tmp/c.conf', start: true }),
    ).toThrow(TypeError);
    expect(() => clusterSetupArgs({ name: 'c', nodes: [] })).toThrow(TypeError);
  });

  it('refuses what pcs would refuse, before anything runs', () => {
    for (const id of ['1abc', 'has space', 'semi;colon', '', 'a:b', '--force', 'new\nline'])
      expect(() => assertId(id, 'resource id')).toThrow(UnsafeArgumentError);
    expect(() => resourceCreateArgs({ id: 'x', agent: 'ocf:heartbeat:IPaddr2 --force' })).toThrow(UnsafeArgumentError);
    expect(() => optionWords({ 'ip=1.2.3.4 nic': 'x' })).toThrow(UnsafeArgumentError);
    expect(() => operationWords([{ action: 'monitor --force' }])).toThrow(UnsafeArgumentError);
    expect(() => resourceCreateArgs({ id: 'x', agent: 'Dummy', clone: true, promotable: true })).toThrow(TypeError);
    expect(() => resourceCreateArgs({ id: 'x', agent: 'Dummy', clone: true, group: 'g' })).toThrow(TypeError);
  });

  it('every accepted id is one XML id, and every word is one argument (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), (id) => {
        try {
          assertId(id, 'id');
        } catch (error) {
          expect(error).toBeInstanceOf(UnsafeArgumentError);
          return;
        }
        expect(id).toMatch(/^[A-Za-z_][A-Za-z0-9_.-]*$/);
      }),
    );
  });

  it('leaves out options that are not given, and sections that are empty', () => {
    expect(optionWords({ kind: 'Optional', symmetrical: false, lifetime: undefined })).toEqual([
      'kind=Optional',
      'symmetrical=false',
    ]);
    expect(operationWords([{ action: 'monitor', timeout: 20_000 }])).toEqual(['op', 'monitor', 'timeout=20000ms']);
    expect(resourceCreateArgs({ id: 'x', agent: 'Dummy', meta: {} })).toEqual(['resource', 'create', 'x', 'Dummy']);
    expect(() => optionWords({ 'bad name': undefined })).toThrow(UnsafeArgumentError);
  });

  it('writes scores as pcs reads them', () => {
    expect([
      scoreWord(100),
      scoreWord(-50),
      scoreWord(1_000_000),
      scoreWord('-INFINITY'),
      scoreWord(undefined),
    ]).toEqual(['100', '-50', 'INFINITY', '-INFINITY', undefined]);
    expect(() => scoreWord(1.5)).toThrow(UnsafeArgumentError);
  });

  it('knows which pcs is which', () => {
    expect(dialectOf('0.11.5')).toEqual({ modern: true, autodelete: true, confirmWithYes: false });
    expect(dialectOf('0.10.8')).toEqual({ modern: false, autodelete: false, confirmWithYes: false });
    expect(dialectOf('0.10.12')).toEqual({ modern: false, autodelete: true, confirmWithYes: false });
    expect(dialectOf('0.12.0')).toEqual({ modern: true, autodelete: true, confirmWithYes: true });
    expect(dialectOf('0.12.0.2').confirmWithYes).toBe(true);
    expect(dialectOf('1.0').confirmWithYes).toBe(true);
    expect(dialectOf('0.10.9-rc1\n')).toEqual({ modern: false, autodelete: true, confirmWithYes: false });
    expect(dialectOf('unknown')).toEqual({ modern: false, autodelete: false, confirmWithYes: false });
  });
});
