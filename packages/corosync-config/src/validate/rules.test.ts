import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { addNode, setOption } from '../edit/edits.js';
import { toConfig } from '../model/config.js';
import { parse } from '../parse/cst.js';
import { serialize } from '../print/serialize.js';
import { validate } from './rules.js';

const base = (totem: string, nodes: string, quorum = 'provider: corosync_votequorum') =>
  `totem {\n version: 2\n cluster_name: t\n${totem}}\nnodelist {\n${nodes}}\nquorum {\n ${quorum}\n}\n`;
const node = (name: string, id: number | undefined, ...addresses: string[]) => {
  const rings = addresses.map((address, link) => `  ring${link}_addr: ${address}\n`).join('');
  return ` node {\n${rings}  name: ${name}\n${id === undefined ? '' : `  nodeid: ${id}\n`} }\n`;
};
const two = node('a', 1, '10.0.0.1') + node('b', 2, '10.0.0.2');
const codes = (text: string) =>
  validate(text, { file: 'c.conf' }).map(
    (finding) => `${finding.line}:${finding.column} ${finding.severity} ${finding.code}`,
  );

describe('validate', () => {
  it('finds nothing wrong with a correct file', () => {
    expect(codes(base('', two, 'provider: corosync_votequorum\n two_node: 1'))).toEqual([]);
  });

  it.each([
    [
      'duplicate node names',
      base('', node('a', 1, '10.0.0.1') + node('a', 2, '10.0.0.2')),
      '13:9 error DUPLICATE_NODE_NAME',
    ],
    [
      'duplicate nodeids',
      base('', node('a', 1, '10.0.0.1') + node('b', 1, '10.0.0.2')),
      '14:11 error DUPLICATE_NODEID',
    ],
    [
      'duplicate addresses',
      base('', node('a', 1, '10.0.0.1') + node('b', 2, '10.0.0.1')),
      '12:15 error DUPLICATE_ADDRESS',
    ],
    ['a missing nodeid on knet', base('', node('a', undefined, '10.0.0.1')), '6:2 error MISSING_NODEID'],
    [
      'a node without an address on a link',
      base('', node('a', 1, '10.0.0.1', '10.1.0.1') + node('b', 2, '10.0.0.2')),
      '12:2 error MISSING_LINK_ADDRESS',
    ],
    [
      'mixed address families on one link',
      base('', node('a', 1, '10.0.0.1') + node('b', 2, 'fd00::2')),
      '12:15 error MIXED_ADDRESS_FAMILY',
    ],
    ['knet options on udpu', base(' transport: udpu\n knet_pmtud_interval: 30\n', two), '5:2 error KNET_ONLY_OPTION'],
    [
      'crypto on udpu',
      base(' transport: udpu\n crypto_cipher: aes256\n crypto_hash: sha256\n', two),
      '5:17 error CRYPTO_NEEDS_KNET',
    ],
    ['a cipher without a hash', base(' crypto_cipher: aes256\n', two), '4:2 error CRYPTO_INCOMPLETE'],
    [
      'two links on udp',
      base(' transport: udpu\n', node('a', 1, '10.0.0.1', '10.1.0.1') + node('b', 2, '10.0.0.2', '10.1.0.2')),
      '7:2 error TOO_MANY_LINKS',
    ],
    [
      'a link number over 7',
      base('', ' node {\n  ring8_addr: 10.0.0.1\n  name: a\n  nodeid: 1\n }\n'),
      '7:3 error LINK_OUT_OF_RANGE',
    ],
    ['consensus below 1.2 × token', base(' token: 5000\n consensus: 5000\n', two), '5:13 error TIMING_CONFLICT'],
    [
      'two_node with three nodes',
      base('', `${two}${node('c', 3, '10.0.0.3')}`, 'provider: corosync_votequorum\n two_node: 1'),
      '24:2 error TWO_NODE_NODE_COUNT',
    ],
    [
      'two_node with a quorum device',
      base('', two, 'provider: corosync_votequorum\n two_node: 1\n device {\n  model: net\n }'),
      '19:2 error TWO_NODE_WITH_QDEVICE',
    ],
    [
      'last_man_standing without wait_for_all',
      base('', `${two}${node('c', 3, '10.0.0.3')}`, 'provider: corosync_votequorum\n last_man_standing: 1'),
      '24:2 warning LAST_MAN_STANDING_WITHOUT_WAIT_FOR_ALL',
    ],
    ['an unknown key, a warning only', base(' tokn: 3000\n', two), '4:2 warning UNKNOWN_KEY'],
    ['a bad number', base(' token: 3s\n', two), '4:9 error INVALID_NUMBER'],
    [
      'a bad quorum flag',
      base('', two, 'provider: corosync_votequorum\n wait_for_all: yes'),
      '19:16 error INVALID_BOOLEAN',
    ],
    ['an unknown transport', base(' transport: tcp\n', two), '4:13 error INVALID_VALUE'],
    ['a corosync 1 quorum provider', base('', two, 'provider: quorum_cman'), '18:12 error QUORUM_PROVIDER'],
    ['a key set twice', base(' token: 1000\n token: 2000\n', two), '5:2 warning DUPLICATE_KEY'],
    ['a key outside any section', `stray_key: 1\n${base('', two)}`, '1:1 warning UNKNOWN_KEY'],
    ['a legacy section', `${base('', two)}service {\n name: pacemaker\n}\n`, '20:1 warning UNKNOWN_SECTION'],
  ])('%s', (_what, text, finding) => {
    expect(codes(text)).toContain(finding);
  });

  it('reports no nodes, and explains a corosync 2 multicast file', () => {
    const findings = validate('totem {\n version: 2\n interface {\n  mcastaddr: 239.1.1.1\n }\n}\n');
    expect(findings.find((finding) => finding.code === 'NO_NODES')?.message).toMatch(/corosync 2 multicast file/);
  });

  it('takes an option given as undefined as its default', () => {
    const text = base(' transport: udpu\n knet_pmtud_interval: 30\n', two);
    expect(validate(text, { file: undefined, keepPerCode: undefined })).toEqual(validate(text));
    const document = parse(text, { file: 'from-document.conf' });
    expect(validate(document, { file: undefined })[0]?.file).toBe('from-document.conf');
  });

  it('reports an empty file at 1:1', () => {
    expect(validate('', { file: 'empty.conf' })).toEqual([
      expect.objectContaining({ code: 'NO_NODES', line: 1, column: 1, file: 'empty.conf' }),
    ]);
  });

  it('includes the syntax findings', () => {
    expect(codes('totem {\n')).toEqual([
      '1:1 error MISSING_CLOSE_BRACE',
      '1:1 warning MISSING_CLUSTER_NAME',
      '1:1 error NO_NODES',
    ]);
    expect(codes('widget {\n')[0]).toBe('1:1 error MISSING_CLOSE_BRACE');
  });

  it('settles what the whole file decides at its end: a transport set last, a link a later node adds', () => {
    const nodes = `${node('a', 1, '10.0.0.1')}${node('b', 2, '10.0.0.2')}${node('c', 3, '10.0.0.3', '10.1.0.3')}`;
    const text = `totem {\n version: 2\n cluster_name: t\n knet_pmtud_interval: 30\n}\nnodelist {\n${nodes}}\ntotem {\n transport: udpu\n}\n`;
    expect(codes(text).filter((finding) => !finding.includes('DUPLICATE_KEY'))).toEqual([
      '4:2 error KNET_ONLY_OPTION',
      '7:2 error MISSING_LINK_ADDRESS',
      '7:2 error TOO_MANY_LINKS',
      '12:2 error MISSING_LINK_ADDRESS',
    ]);
    expect(validate(text).find((finding) => finding.code === 'MISSING_LINK_ADDRESS')?.message).toBe(
      'a has no address for link 1 (ring1_addr)',
    );
  });

  it('folds past keepPerCode findings of one code, counting every one', () => {
    const nodes =
      Array.from({ length: 25 }, (_, i) => node(`n${i}`, i + 1, `10.0.0.${i + 1}`)).join('') +
      node('last', 26, '10.0.0.26', '10.1.0.26');
    const findings = validate(base('', nodes), { keepPerCode: 10 }).filter(
      (finding) => finding.code === 'MISSING_LINK_ADDRESS',
    );
    expect(findings).toHaveLength(11);
    expect(findings.slice(0, 10).map((finding) => finding.message)).toEqual(
      Array.from({ length: 10 }, (_, i) => `n${i} has no address for link 1 (ring1_addr)`),
    );
    expect(findings[10]).toMatchObject({
      folded: 15,
      message: 'and 15 more like it (MISSING_LINK_ADDRESS)',
      line: findings[9]?.line,
    });
  });

  it.each(['pcs-0.11.5/pcs-2nodes.conf', 'conf/crlf-no-final-newline.conf', 'conf/commented.conf'])(
    'checks an edited %s as the text it prints, positions and all',
    (name) => {
      const document = parse(readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url), 'utf8'), {
        file: 'c.conf',
      });
      setOption(document, 'totem.token', 3000);
      setOption(document, 'totem.consensus', 10);
      setOption(document, 'system.state_dir', '/var/lib/corosync');
      const links = toConfig(document).nodes[0]?.links.length ?? 1;
      addNode(document, { name: 'extra', addresses: ['10.9.0.1', 'fd00:9::1'].slice(0, links) });
      const findings = validate(document);
      expect(findings.some((finding) => finding.code === 'TIMING_CONFLICT')).toBe(true);
      expect(findings).toEqual(validate(serialize(document), { file: 'c.conf' }));
    },
  );
});
