import { describeConfigContract } from '@ha/core/testing';
import { format, parse, safeParse, serialize, writeConfig, type DrbdDocument } from '../src/index.js';
import { corpusFiles } from './fixtures.js';

// Two resource files `drbdadm -c FILE dump` accepts here (the module cannot load; dump needs none),
// and one that parses and passes our rules but that drbdadm refuses (an option it does not know).
const resource = (port: number, protocol: string) =>
  [
    '# replicated disk',
    'global { disable-ip-verification; }',
    'resource r0 {',
    '    device /dev/drbd0;',
    '    disk /dev/sdb1;',
    '    meta-disk internal;',
    `    net { protocol ${protocol}; }`,
    `    on node1 { node-id 0; address 10.213.0.1:${port}; }`,
    `    on node2 { node-id 1; address 10.213.0.2:${port}; }`,
    '}',
    '',
  ].join('\n');

describeConfigContract<DrbdDocument>({
  name: '@ha/drbd',
  parse,
  safeParse,
  serialize,
  format,
  writeConfig,
  corpus: corpusFiles,
  valid: resource(7789, 'C'),
  validOther: resource(7790, 'A'),
  invalid: resource(7789, 'C').replace('protocol C;', 'protocol C; no-such-option yes;'),
  fileName: 'r0.res',
  syntaxCharacters: '{};"#\\ \t\n',
});
