import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from '../parse/cst.js';
import { validate } from '../validate/rules.js';
import { generate, type GenerateOptions } from './generate.js';

const pcs = (name: string) => readFileSync(new URL(`../../test/fixtures/pcs-0.11.5/${name}`, import.meta.url), 'utf8');
const nodes = (count: number, links = 1) =>
  Array.from({ length: count }, (_, i) => ({
    name: `node${i + 1}`,
    addresses: Array.from({ length: links }, (_, link) => `10.213.${link}.${i + 1}`),
  }));

describe('generate writes what pcs cluster setup writes', () => {
  const cases: [string, Omit<GenerateOptions, 'clusterUuid'>][] = [
    ['pcs-2nodes.conf', { clusterName: 'lab', nodes: nodes(2) }],
    ['pcs-3nodes.conf', { clusterName: 'lab', nodes: nodes(3) }],
    ['pcs-5nodes.conf', { clusterName: 'lab', nodes: nodes(5) }],
    ['pcs-3nodes-2links.conf', { clusterName: 'lab', nodes: nodes(3, 2) }],
    ['pcs-2nodes-udpu.conf', { clusterName: 'lab', nodes: nodes(2), transport: 'udpu' }],
    [
      'pcs-3nodes-options.conf',
      {
        clusterName: 'lab',
        nodes: nodes(3),
        links: { 0: { knet_link_priority: 10 } },
        crypto: { cipher: 'aes128', hash: 'sha512' },
        totem: { token: 5000, consensus: 7000 },
        quorum: { wait_for_all: 1, last_man_standing: 1 },
      },
    ],
  ];
  it.each(cases)('%s', (file, options) => {
    const expected = pcs(file);
    const uuid = /cluster_uuid: (\w+)/.exec(expected)?.[1] as string;
    const text = generate({ ...options, clusterUuid: uuid });
    expect(text).toBe(expected);
    expect(validate(parse(text)).filter((finding) => finding.severity === 'error')).toEqual([]);
  });

  it('makes a fresh cluster_uuid each time unless told', () => {
    const a = generate({ clusterName: 'x', nodes: nodes(1) });
    const b = generate({ clusterName: 'x', nodes: nodes(1) });
    expect(/cluster_uuid: [0-9a-f]{32}\n/.test(a)).toBe(true);
    expect(a).not.toBe(b);
    expect(generate({ clusterName: 'x', nodes: nodes(1), clusterUuid: false })).not.toContain('cluster_uuid');
  });

  it.each([
    [{ clusterName: 'has space', nodes: nodes(2) }, /cluster name/],
    [{ clusterName: 'x', nodes: [] }, /at least one node/],
    [
      {
        clusterName: 'x',
        nodes: [
          { name: 'a', addresses: ['1.1.1.1'] },
          { name: 'b', addresses: ['1.1.1.2', '2.2.2.2'] },
        ],
      },
      /one per link/,
    ],
    [{ clusterName: 'x', nodes: nodes(2, 2), transport: 'udpu' as const }, /exactly one link/],
    [{ clusterName: 'x', nodes: [{ name: 'a{', addresses: ['1.1.1.1'] }] }, /node name/],
  ])('refuses %j', (options, message) => {
    expect(() => generate(options)).toThrow(message);
  });

  it('refuses a name that would be spliced into the file with an UnsafeArgumentError, a bad shape with a TypeError', () => {
    expect(() => generate({ clusterName: 'a b', nodes: nodes(1) })).toThrow(
      expect.objectContaining({ name: 'UnsafeArgumentError', code: 'UNSAFE_ARGUMENT', value: 'a b' }),
    );
    expect(() => generate({ clusterName: 'x', nodes: [] })).toThrow(TypeError);
  });
});
