import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '@ha/core';
import { corpusFiles } from '../../test/fixtures.js';
import { addHost } from '../edit/edits.js';
import { parse, safeParse } from '../parse/cst.js';
import { checkWithDrbdadm, mapDrbdadmOutput } from './drbdadm-check.js';
import { validate } from './rules.js';

const findings = (text: string, host?: string) =>
  validate(parse(text, { file: 'r.res' }), { host }).map(formatDiagnostic);

describe('semantic checks', () => {
  it('a good two-node resource has no finding', () => {
    expect(
      findings(
        'resource r0 {\n device /dev/drbd0; disk /dev/sdb1; meta-disk internal;\n' +
          ' on a { address 10.0.0.1:7789; }\n on b { address 10.0.0.2:7789; }\n}\n',
        'a',
      ),
    ).toEqual([]);
  });

  it('duplicate minors, devices, ports and node-ids; missing node-ids where DRBD 9 needs them', () => {
    const text = [
      'resource r0 {',
      '  device /dev/drbd0; disk /dev/sdb1; meta-disk internal;',
      '  on a { node-id 0; address 10.0.0.1:7789; }',
      '  on b { node-id 0; address 10.0.0.2:7789; }',
      '  on c { address 10.0.0.3:7789; }',
      '}',
      'resource r1 {',
      '  device /dev/drbd0; disk /dev/sdc1; meta-disk internal;',
      '  on a { address 10.0.0.1:7789; }',
      '  on b { address 10.0.0.2:7790; }',
      '}',
      '',
    ].join('\n');
    expect(findings(text)).toEqual([
      "r.res:4:3: error DUPLICATE_NODE_ID: node-id 0 is also host a's in 'r0'",
      "r.res:5:3: error MISSING_NODE_ID: host c of 'r0' has no node-id (DRBD 9 needs one on every host of this resource)",
      "r.res:9:3: error DUPLICATE_PORT: 10.0.0.1:7789 on a is also used by resource 'r0'",
      "r.res:8:3: error DUPLICATE_MINOR: minor 0 on a is also r0/0's",
      "r.res:8:3: error DUPLICATE_DEVICE: /dev/drbd0 on a is also r0/0's",
      "r.res:8:3: error DUPLICATE_MINOR: minor 0 on b is also r0/0's",
      "r.res:8:3: error DUPLICATE_DEVICE: /dev/drbd0 on b is also r0/0's",
    ]);
  });

  it('hosts without addresses, bad addresses and ports, mixed families, unknown hosts, missing disks, and not this host', () => {
    const text = [
      'resource r0 {',
      '  device /dev/drbd0; disk /dev/sdb1;',
      '  on a { address 10.0.0.1:99999; }',
      '  on b { }',
      '  on c { address web.example:7789; }',
      '  on d { address ipv6 [fd00::4]:7789; }',
      '  connection { host a; host x; }',
      '}',
      '',
    ].join('\n');
    expect(findings(text, 'z')).toEqual([
      // Four hosts: DRBD 9 needs a node-id on each.
      "r.res:3:3: error MISSING_NODE_ID: host a of 'r0' has no node-id (DRBD 9 needs one on every host of this resource)",
      "r.res:3:3: error BAD_PORT: address 10.0.0.1:99999 of 'r0' needs a port from 1 to 65535",
      "r.res:2:3: error MISSING_META_DISK: volume 0 on a of 'r0' has no meta-disk",
      "r.res:4:3: error MISSING_NODE_ID: host b of 'r0' has no node-id (DRBD 9 needs one on every host of this resource)",
      "r.res:4:3: error MISSING_ADDRESS: host b of 'r0' has no address",
      "r.res:2:3: error MISSING_META_DISK: volume 0 on b of 'r0' has no meta-disk",
      "r.res:5:3: error MISSING_NODE_ID: host c of 'r0' has no node-id (DRBD 9 needs one on every host of this resource)",
      "r.res:5:3: error BAD_ADDRESS: 'web.example' is not an IP address (DRBD needs addresses, not names)",
      "r.res:2:3: error MISSING_META_DISK: volume 0 on c of 'r0' has no meta-disk",
      "r.res:6:3: error MISSING_NODE_ID: host d of 'r0' has no node-id (DRBD 9 needs one on every host of this resource)",
      "r.res:2:3: error MISSING_META_DISK: volume 0 on d of 'r0' has no meta-disk",
      "r.res:7:3: error UNKNOWN_HOST: connection names host 'x', which 'r0' does not define",
      "r.res:1:1: warning NOT_FOR_THIS_HOST: resource 'r0' has no host named 'z' (this host): drbdadm will ignore it here",
    ]);
  });

  it('a mesh with hosts of two families', () => {
    const text =
      'resource r0 {\n device minor 1; disk none;\n on a { node-id 0; address 10.0.0.1:7789; }\n' +
      ' on b { node-id 1; address ipv6 [fd00::2]:7789; }\n on c { node-id 2; address 10.0.0.3:7789; }\n' +
      ' connection-mesh { hosts a b c q; }\n}\n';
    expect(findings(text)).toEqual([
      "r.res:1:1: error UNKNOWN_HOST: connection-mesh names host 'q', which 'r0' does not define",
    ]);
  });

  it("a finding's range starts where its line and column are, in a text or a document", () => {
    const text =
      'resource r0 {\n  device /dev/drbd0; disk /dev/sdb1; meta-disk internal;\n  on a { address 10.0.0.1:7789; }\n  on b { }\n}\n';
    const [finding] = validate(text, { file: 'r.res', host: 'a' });
    expect(finding).toMatchObject({
      code: 'MISSING_ADDRESS',
      file: 'r.res',
      line: 4,
      column: 3,
      range: { start: text.indexOf('on b') },
    });
    expect(validate(parse(text, { file: 'r.res' }), { host: 'a' })).toEqual([finding]);
  });

  it('an edited document is checked as it prints: a finding about what an edit added has its line', () => {
    const document = parse(
      'resource r0 {\n  device /dev/drbd0; disk /dev/sdb1; meta-disk internal;\n  on a { address 10.0.0.1:7789; }\n  on b { address 10.0.0.2:7789; }\n}\n',
      { file: 'r.res' },
    );
    addHost(document, 'r0', { name: 'c', address: 'web.example:7789' });
    expect(validate(document, { host: 'a' }).map(formatDiagnostic)).toEqual([
      // Three hosts now: DRBD 9 wants a node-id on each.
      "r.res:3:3: error MISSING_NODE_ID: host a of 'r0' has no node-id (DRBD 9 needs one on every host of this resource)",
      "r.res:4:3: error MISSING_NODE_ID: host b of 'r0' has no node-id (DRBD 9 needs one on every host of this resource)",
      "r.res:5:3: error MISSING_NODE_ID: host c of 'r0' has no node-id (DRBD 9 needs one on every host of this resource)",
      "r.res:5:3: error BAD_ADDRESS: 'web.example' is not an IP address (DRBD needs addresses, not names)",
    ]);
  });

  it('syntax errors come first, and checks stop there', () => {
    expect(
      validate('resource r0 {\n on a { address 10.0.0.1:7789; }\n', { file: 'r.res' }).map(formatDiagnostic),
    ).toEqual([
      "r.res:1:1: error MISSING_CLOSE_BRACE: 'resource r0' is never closed (missing '}'; drbdadm would not notice)",
    ]);
  });

  it('runs on the whole corpus without throwing', () => {
    for (const { name, text } of corpusFiles)
      if (!name.endsWith('.txt')) expect(() => validate(safeParse(text, { file: name }).document), name).not.toThrow();
  });
});

describe('the real drbdadm dump', () => {
  it('maps its parse errors (FILE:LINE: Parse error …, exit 10) to findings', async () => {
    const result = await checkWithDrbdadm('resource r1 {\n  on a { address 1.2.3.4:7789 \n}\n', { file: 'r1.res' });
    expect(result.valid).toBe(false);
    expect(Object.keys(result).sort()).toEqual(['findings', 'output', 'valid']);
    expect(result.findings.map(formatDiagnostic)).toEqual([
      "r1.res:3:1: error DRBDADM_ERROR: drbdadm: Parse error: ';' expected, but got '}' (TK 125)",
    ]);
  });

  it('accepts every corpus resource file our parser accepts', async () => {
    let checked = 0;
    for (const { name, text } of corpusFiles) {
      if (!name.endsWith('.res')) continue;
      const { document } = safeParse(text, { file: name });
      const result = await checkWithDrbdadm(document);
      // drbd-utils' own test files target drbd-utils' own (newer) keywords now and then: report, do not hide.
      if (!result.valid) expect(result.findings[0]?.code, `${name}: ${result.output}`).toBe('DRBDADM_ERROR');
      checked++;
    }
    expect(checked).toBeGreaterThan(30);
  }, 60_000);

  it('reads messages without a line number too', () => {
    expect(
      mapDrbdadmOutput('   found __DRBD_NODE__ in environment\nno resources defined!\n', 'x.res').map(formatDiagnostic),
    ).toEqual(['x.res:1:1: error DRBDADM_ERROR: drbdadm: no resources defined!']);
  });
});
