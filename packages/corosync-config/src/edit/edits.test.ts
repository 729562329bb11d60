import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorShape } from '@ha/core/testing';
import { toConfig } from '../model/config.js';
import { parse } from '../parse/cst.js';
import { serialize } from '../print/serialize.js';
import { validate } from '../validate/rules.js';
import {
  addLink,
  addNode,
  migrateToKnet,
  removeNode,
  removeOption,
  renameNode,
  setOption,
  setQuorum,
} from './edits.js';

const fixture = (path: string) => readFileSync(new URL(`../../test/fixtures/${path}`, import.meta.url), 'utf8');
// pcs writes a random cluster_uuid; compare files with it fixed.
const withUuid = (text: string, uuid: string) => text.replace(/cluster_uuid: \w+/, `cluster_uuid: ${uuid}`);
const uuidOf = (text: string) => /cluster_uuid: (\w+)/.exec(text)?.[1] as string;
const changedLines = (before: string, after: string) => {
  const a = before.split('\n');
  const b = after.split('\n');
  return b.filter((line, i) => a[i] !== line).length + Math.max(0, a.length - b.length);
};

describe('edits produce what pcs writes', () => {
  it('adding a third node to a 2-node file gives pcs 3-node file (and two_node goes away)', () => {
    const two = fixture('pcs-0.11.5/pcs-2nodes.conf');
    const three = fixture('pcs-0.11.5/pcs-3nodes.conf');
    const document = parse(two);
    addNode(document, { name: 'node3', addresses: ['10.213.0.3'] });
    expect(serialize(document)).toBe(withUuid(three, uuidOf(two)));
    removeNode(document, 'node3');
    expect(serialize(document)).toBe(two);
  });

  it('adding a link gives the 2-link file pcs writes', () => {
    const three = fixture('pcs-0.11.5/pcs-3nodes.conf');
    const twoLinks = fixture('pcs-0.11.5/pcs-3nodes-2links.conf');
    const document = parse(three);
    expect(addLink(document, { addresses: { node1: '10.213.1.1', node2: '10.213.1.2', node3: '10.213.1.3' } })).toBe(1);
    expect(serialize(document)).toBe(withUuid(twoLinks, uuidOf(three)));
  });
});

describe('edits keep everything else', () => {
  const commented = fixture('conf/commented.conf');

  it('changes only the value of an existing key, keeping its spacing and the comments', () => {
    const document = parse(commented);
    setOption(document, 'totem.token', 5000);
    const text = serialize(document);
    expect(text).toContain('\ttoken: 5000          \n');
    expect(changedLines(commented, text)).toBe(1);
  });

  it('adds a key in the style of its section (tabs here) and creates missing sections', () => {
    const document = parse(commented);
    setOption(document, 'totem.consensus', 3600);
    setOption(document, 'system.sched_rr', 'no');
    const text = serialize(document);
    expect(text).toContain('\tconsensus: 3600\n');
    expect(text.endsWith('\nsystem {\n\tsched_rr: no\n}\n')).toBe(true);
    expect(text).toContain('\t# a vendor extension we want to keep\n\tx_vendor_hint: keep-me\n');
    expect(toConfig(parse(text)).totem.consensus).toBe(3600);
  });

  it('adds a node with tabs, both links and the next nodeid, and drops two_node at three nodes', () => {
    const document = parse(commented);
    addNode(document, { name: 'web3', addresses: ['192.168.10.3', 'fd00:10::3'] });
    const config = toConfig(document);
    expect(config.nodes.at(-1)).toMatchObject({
      name: 'web3',
      nodeid: 3,
      links: [
        { link: 0, address: '192.168.10.3' },
        { link: 1, address: 'fd00:10::3' },
      ],
    });
    expect(config.quorum.twoNode).toBeUndefined();
    const text = serialize(document);
    expect(text).toContain('\t\tring1_addr: fd00:10::3\n\t\tname: web3\n\t\tnodeid: 3\n\t}\n}');
    expect(text).toContain('\t# rack B\n');
    expect(validate(text).filter((finding) => finding.severity === 'error')).toEqual([]);
  });

  it('renames a node, changes quorum settings and removes options', () => {
    const document = parse(commented);
    renameNode(document, 'web2', 'web2b');
    setQuorum(document, { waitForAll: true, twoNode: null });
    expect(removeOption(document, 'totem.token')).toBe(true);
    expect(removeOption(document, 'totem.nope')).toBe(false);
    const config = toConfig(document);
    expect(config.nodes.map((node) => node.name)).toEqual(['web1', 'web2b']);
    expect(config.quorum).toMatchObject({ waitForAll: true, twoNode: undefined });
    expect(config.totem.token).toBeUndefined();
  });

  it('refuses values corosync would misread, and impossible nodes', () => {
    const document = parse(commented);
    expect(() => setOption(document, 'totem.cluster_name', 'a\nb')).toThrow(/line breaks/);
    expect(() => setOption(document, 'totem.cluster_name', 'x { y')).toThrow(/brace/);
    expect(() => addNode(document, { name: 'web1', addresses: ['1.2.3.4', '::1'] })).toThrow(/already exists/);
    expect(() => addNode(document, { name: 'web9', addresses: ['1.2.3.4'] })).toThrow(/2 link/);
    expect(() => removeNode(document, 'ghost')).toThrow(/no node named/);
    expect(serialize(document)).toBe(commented);
  });

  it('refuses with typed errors: UnsafeArgumentError for what would be spliced into the file, TypeError for a bad argument, HaError for the document', () => {
    const document = parse(commented);
    const thrown = (edit: () => unknown) => {
      try {
        edit();
      } catch (error) {
        return errorShape(error);
      }
      throw new Error('the edit did not throw');
    };
    expect(thrown(() => setOption(document, 'totem.cluster_name', 'a\nb'))).toMatchInlineSnapshot(`
      {
        "code": "UNSAFE_ARGUMENT",
        "message": "refusing to write 'cluster_name: a?b': values cannot contain line breaks",
        "name": "UnsafeArgumentError",
        "value": "a
      b",
      }
    `);
    expect(thrown(() => setOption(document, 'totem.', 1))).toMatchInlineSnapshot(`
      {
        "message": "'totem.' names no key",
        "name": "TypeError",
      }
    `);
    expect(thrown(() => addNode(document, { name: 'web9', addresses: [] }))).toMatchInlineSnapshot(`
      {
        "message": "node web9: at least one address is needed",
        "name": "TypeError",
      }
    `);
    expect(thrown(() => addNode(document, { name: 'web1', addresses: ['1.2.3.4', '::1'] }))).toMatchInlineSnapshot(`
      {
        "code": "PRECONDITION_FAILED",
        "message": "a node named 'web1' already exists",
        "name": "HaError",
      }
    `);
    expect(thrown(() => removeNode(document, 'ghost'))).toMatchInlineSnapshot(`
      {
        "code": "NOT_FOUND",
        "message": "no node named 'ghost'",
        "name": "HaError",
      }
    `);
    expect(serialize(document)).toBe(commented);
  });
});

describe('edits of large files', () => {
  // Each removal used to be a splice, shifting the rest of the section: quadratic in its length.
  it('removeOption takes time linear in the section', () => {
    const cost = (count: number) => {
      const document = parse(`logging {\n${'    debug: off\n    to_syslog: yes\n'.repeat(count)}}\n`);
      const before = process.cpuUsage();
      expect(removeOption(document, 'logging.debug')).toBe(true);
      const used = process.cpuUsage(before);
      expect(serialize(document)).toBe(`logging {\n${'    to_syslog: yes\n'.repeat(count)}}\n`);
      return used.user + used.system;
    };
    cost(20_000);
    const small = Math.min(cost(20_000), cost(20_000));
    const large = Math.min(cost(200_000), cost(200_000));
    expect(large / small).toBeLessThan(10 * 2.5);
  });
});

describe('migrateToKnet', () => {
  it('turns a corosync 2 udpu file into a valid knet file', () => {
    const document = parse(fixture('conf/corosync2-udpu.conf'));
    migrateToKnet(document);
    const config = toConfig(document);
    expect(config.totem).toMatchObject({
      transport: 'knet',
      cryptoCipher: 'aes256',
      cryptoHash: 'sha256',
      secauth: undefined,
    });
    expect(config.totem.interfaces).toEqual([
      { linknumber: 0, ringnumber: undefined, options: { linknumber: '0', mcastport: '5405' } },
    ]);
    expect(config.nodes.map((node) => node.nodeid)).toEqual([1, 2]);
    expect(validate(document).filter((finding) => finding.severity === 'error')).toEqual([]);
    expect(serialize(document)).toContain('# corosync 2 style: udpu, secauth, interface with ringnumber\n');
  });

  it('refuses a multicast file without a nodelist', () => {
    expect(() => migrateToKnet(parse('totem {\n interface {\n  mcastaddr: 239.1.1.1\n }\n}\n'))).toThrow(/nodelist/);
  });
});
