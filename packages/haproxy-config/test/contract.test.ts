import { describeConfigContract } from '@ha/core/testing';
import { format, parse, safeParse, serialize, writeConfig } from '../src/index.js';
import { corpusFiles } from './corpus.js';

// Loopback binds only: haproxy -c accepts both (and would start), our rules find nothing wrong.
const valid = `global
    stats socket /run/haproxy/ha-contract-test.sock

defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s

frontend web
    bind 127.0.0.1:18431
    default_backend servers

backend servers
    balance roundrobin
    server web1 127.0.0.1:18432 check
`;
const validOther = `${valid}    server web2 127.0.0.1:18433 check\n`;
// It parses, but routes to a backend that is not there: our rules refuse it (UNKNOWN_BACKEND) before haproxy -c would.
const invalid = valid.replace('default_backend servers', 'default_backend ghost');

describeConfigContract({
  name: '@ha/haproxy-config',
  parse,
  safeParse,
  serialize,
  format,
  writeConfig,
  corpus: corpusFiles,
  valid,
  validOther,
  invalid,
  fileName: 'haproxy.cfg',
  syntaxCharacters: ' \t#"\'\\$.{}!',
  fuzzRuns: 400,
});
