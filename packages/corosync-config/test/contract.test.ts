import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeConfigContract } from '@ha/core/testing';
import { sharedPath } from '@ha/lab';
import { format, generate, parse, safeParse, serialize, writeConfig } from '../src/index.js';

// The shared corpus of real corosync.conf files, then this package's own fixtures (pcs's output, hand-written edge cases).
const fixtures = new URL('fixtures/', import.meta.url).pathname;
const folders = [sharedPath('corpus', 'corosync'), join(fixtures, 'conf'), join(fixtures, 'pcs-0.11.5')];
const corpus = folders.flatMap((folder) =>
  readdirSync(folder).map((name) => ({
    name: `${folder.split('/').at(-1)}/${name}`,
    text: readFileSync(join(folder, name), 'utf8'),
  })),
);

// Two-node knet clusters that name no node of this host (TEST-NET-2 addresses): `corosync -t` is not run on them.
const cluster = (name: string) =>
  generate({
    clusterName: name,
    nodes: [
      { name: 'contract-a', addresses: ['198.51.100.1'] },
      { name: 'contract-b', addresses: ['198.51.100.2'] },
    ],
    clusterUuid: false,
  });

describeConfigContract({
  name: '@ha/corosync-config',
  parse,
  safeParse,
  serialize,
  format,
  writeConfig,
  corpus,
  valid: cluster('contract'),
  validOther: cluster('other'),
  // Parses, but two nodes share nodeid 1: our rules refuse it.
  invalid: cluster('contract').replace('nodeid: 2', 'nodeid: 1'),
  fileName: 'corosync.conf',
  syntaxCharacters: '{}:#\n\r\t "\u00a0\uffff',
  fuzzRuns: 500,
});
