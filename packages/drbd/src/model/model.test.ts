import { describe, expect, it } from 'vitest';
import { defaultRunner } from '@ha/core';
import { corpusFiles } from '../../test/fixtures.js';
import { buildResource } from '../build/builder.js';
import { addHost, findResource, removeHost, requireResource, setResourceOption } from '../edit/edits.js';
import { parse, safeParse } from '../parse/cst.js';
import { serialize } from '../print/serialize.js';
import { checkWithDrbdadm } from '../validate/drbdadm-check.js';
import { toConfig } from './config.js';

const seed = `# the seed's replicated disk
resource drbd0 {
\tdevice /dev/drbd0;
\tdisk /dev/sdb1;
\tmeta-disk internal;
\ton node1 {
\t\taddress 10.213.0.1:7789;   # first
\t}
\ton node2 {
\t\taddress 10.213.0.2:7789;
\t}
}
`;

describe('the typed view', () => {
  it("reads the seed's two-node resource: volume 0 implied, hosts and addresses", () => {
    const config = toConfig(parse(seed, { file: 'drbd0.res' }));
    expect(config.resources).toHaveLength(1);
    const [resource] = config.resources;
    expect(resource).toMatchObject({ name: 'drbd0', line: 2, file: 'drbd0.res' });
    expect(resource?.volumes).toEqual([
      {
        number: 0,
        explicit: false,
        device: { path: '/dev/drbd0', minor: 0 },
        disk: '/dev/sdb1',
        metaDisk: { kind: 'internal' },
        diskOptions: {},
        line: 3,
        column: 2,
        offset: seed.indexOf('device'),
      },
    ]);
    expect(
      resource?.hosts.map((host) => [host.names, host.address?.host, host.address?.port, host.address?.family]),
    ).toEqual([
      [['node1'], '10.213.0.1', 7789, 'ipv4'],
      [['node2'], '10.213.0.2', 7789, 'ipv4'],
    ]);
  });

  it('reads a three-node mesh, multiple volumes, floating and IPv6 addresses, connections with paths', () => {
    const config = toConfig(
      parse(`resource r {
  volume 0 { device minor 10; disk /dev/vg/a; meta-disk internal; disk { resync-rate 40M; } }
  volume 1 { device /dev/drbd11 minor 11; disk none; }
  net { protocol C; after-sb-0pri discard-zero-changes; }
  options { quorum majority; }
  on a { node-id 0; address ipv6 [fd00::1]:7000; }
  on b { node-id 1; address 10.0.0.2:7000; volume 1 { disk /dev/vg/b1; meta-disk /dev/vg/meta[0]; } }
  floating 10.0.0.3:7000 { node-id 2; }
  connection-mesh { hosts a b; }
  connection c1 { path { host a address ipv6 [fd00::1]:7001; host b address ipv6 [fd00::2]:7001; } net { protocol A; } }
}
`),
    );
    const [resource] = config.resources;
    expect(resource?.protocol).toBe('C');
    expect(resource?.net['after-sb-0pri']).toEqual(['discard-zero-changes']);
    expect(resource?.options.quorum).toEqual(['majority']);
    expect(resource?.volumes.map((volume) => [volume.number, volume.device, volume.disk, volume.diskOptions])).toEqual([
      [0, { minor: 10 }, '/dev/vg/a', { 'resync-rate': ['40M'] }],
      [1, { path: '/dev/drbd11', minor: 11 }, 'none', {}],
    ]);
    expect(
      resource?.hosts.map((host) => [
        host.names.join(),
        host.nodeId,
        host.address?.family,
        host.address?.host,
        host.floating,
      ]),
    ).toEqual([
      ['a', 0, 'ipv6', 'fd00::1', false],
      ['b', 1, 'ipv4', '10.0.0.2', false],
      ['', 2, 'ipv4', '10.0.0.3', true],
    ]);
    expect(resource?.hosts[1]?.volumes[0]).toMatchObject({
      number: 1,
      disk: '/dev/vg/b1',
      metaDisk: { kind: 'external', path: '/dev/vg/meta', index: 0 },
    });
    expect(resource?.mesh?.hosts).toEqual(['a', 'b']);
    expect(resource?.connections[0]).toMatchObject({ name: 'c1', net: { protocol: ['A'] } });
    expect(
      resource?.connections[0]?.paths[0]?.map((host) => `${host.name}@${host.address?.host}:${host.address?.port}`),
    ).toEqual(['a@fd00::1:7001', 'b@fd00::2:7001']);
  });

  it('builds a view of every corpus file', () => {
    for (const { name, text } of corpusFiles)
      if (!name.endsWith('.txt')) expect(() => toConfig(safeParse(text, { file: name }).document), name).not.toThrow();
  });
});

describe('the builder', () => {
  it("writes the seed's resource in a few lines, and the real drbdadm accepts it", async () => {
    const text = buildResource({
      name: 'drbd0',
      device: '/dev/drbd0',
      disk: '/dev/sdb1',
      metaDisk: 'internal',
      nodes: [
        { name: 'node1', address: '10.213.0.1:7789' },
        { name: 'node2', address: '10.213.0.2:7789' },
      ],
      disableIpVerification: true,
    });
    expect(text).toBe(
      'global {\n\tdisable-ip-verification;\n}\n\nresource drbd0 {\n\tdevice    /dev/drbd0;\n' +
        '\tdisk      /dev/sdb1;\n\tmeta-disk internal;\n\ton node1 {\n\t\tnode-id   0;\n' +
        '\t\taddress   10.213.0.1:7789;\n\t}\n\ton node2 {\n\t\tnode-id   1;\n' +
        '\t\taddress   10.213.0.2:7789;\n\t}\n}\n',
    );
    expect((await checkWithDrbdadm(parse(text))).valid).toBe(true);
  });

  it('writes multi-volume, three-node mesh resources with protocol and split-brain policies that drbdadm accepts', async () => {
    const text = buildResource({
      name: 'data',
      volumes: [
        { device: 100, disk: '/dev/vg/data0' },
        { device: 101, disk: '/dev/vg/data1', metaDisk: '/dev/vg/meta' },
      ],
      nodes: [
        { name: 'node1', address: '10.213.0.1:7790' },
        { name: 'node2', address: '10.213.0.2:7790' },
        { name: 'node3', address: '10.213.0.3:7790' },
      ],
      protocol: 'C',
      splitBrain: {
        zeroPrimaries: 'discard-zero-changes',
        onePrimary: 'discard-secondary',
        twoPrimaries: 'disconnect',
      },
      options: { quorum: 'majority', 'on-no-quorum': 'suspend-io' },
      disableIpVerification: true,
    });
    const config = toConfig(parse(text));
    expect(config.resources[0]?.mesh?.hosts).toEqual(['node1', 'node2', 'node3']);
    expect(config.resources[0]?.net).toEqual({
      protocol: ['C'],
      'after-sb-0pri': ['discard-zero-changes'],
      'after-sb-1pri': ['discard-secondary'],
      'after-sb-2pri': ['disconnect'],
    });
    const check = await checkWithDrbdadm(parse(text), { runner: defaultRunner });
    expect(check.findings).toEqual([]);
    expect(check.valid).toBe(true);
  });
});

describe('edits keep comments and layout', () => {
  it('sets an option, adding its section; adds and removes a host', () => {
    const document = parse(seed);
    setResourceOption(document, 'drbd0', 'net', 'protocol', ['C']);
    setResourceOption(document, 'drbd0', undefined, 'disk', ['/dev/sdc1']);
    addHost(document, 'drbd0', { name: 'node3', address: '10.213.0.3:7789', nodeId: 2 });
    const text = serialize(document);
    expect(text).toBe(
      "# the seed's replicated disk\nresource drbd0 {\n\tdevice /dev/drbd0;\n\tdisk /dev/sdc1;\n" +
        '\tmeta-disk internal;\n\ton node1 {\n\t\taddress 10.213.0.1:7789;   # first\n\t}\n\ton node2 {\n' +
        '\t\taddress 10.213.0.2:7789;\n\t}\n\ton node3 {\n\t\tnode-id 2;\n\t\taddress 10.213.0.3:7789;\n\t}\n' +
        '\tnet {\n\t\tprotocol C;\n\t}\n}\n',
    );
    removeHost(document, 'drbd0', 'node2');
    expect(serialize(document)).not.toContain('node2');
    expect(serialize(document)).toContain('# first');
    expect(() => removeHost(document, 'drbd0', 'node9')).toThrow("resource 'drbd0' has no host 'node9'");
    expect(() => setResourceOption(document, 'drbd0', 'net', 'Bad Name', ['x'])).toThrow(TypeError);
    expect(() => addHost(document, 'drbd0', { name: 'no spaces', address: '10.0.0.9:7789' })).toThrow(TypeError);
  });

  it('findResource is undefined for a resource the file does not have; requireResource throws NOT_FOUND', () => {
    const document = parse(seed, { file: 'drbd0.res' });
    expect(findResource(document, 'drbd0')?.words.map((word) => word.value)).toEqual(['resource', 'drbd0']);
    expect(findResource(document, 'r9')).toBeUndefined();
    expect(() => requireResource(document, 'r9')).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: "no resource 'r9' in drbd0.res" }),
    );
    expect(() => setResourceOption(document, 'r9', 'net', 'protocol', ['C'])).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
  });

  it('values that need quotes are written so that drbdadm reads them back as given', () => {
    const document = parse(seed);
    setResourceOption(document, 'drbd0', 'handlers', 'split-brain', ['/usr/lib/drbd/notify.sh "root"; echo\tdone\n']);
    expect(toConfig(parse(serialize(document))).resources[0]?.handlers['split-brain']).toEqual([
      '/usr/lib/drbd/notify.sh "root"; echo\tdone\n',
    ]);
  });
});
