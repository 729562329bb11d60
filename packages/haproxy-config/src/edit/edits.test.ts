import { describe, expect, it } from 'vitest';
import { HaError } from '@ha/core';
import { corpusFiles } from '../../test/corpus.js';
import { toConfig } from '../model/config.js';
import { parse, safeParse, type CstSection } from '../parse/cst.js';
import { serialize } from '../print/serialize.js';
import { lineChanges } from '../live/line-changes.js';
import { checkWithHaproxy } from '../validate/haproxy-check.js';
import {
  addBackend,
  addMonitorLog,
  addServer,
  removeDirective,
  removeServer,
  routePath,
  setDirective,
  setServer,
} from './edits.js';

const seed = `# the seed's load balancer
global
\tmaxconn 2000   # keep this comment

defaults
\tmode http
\ttimeout connect 5s
\ttimeout client 30s
\ttimeout server 30s

frontend web
\tbind *:80
\tdefault_backend servers

backend servers
\tbalance roundrobin
\tserver web1 192.168.1.10:80 check   # first
\t# web2 is the spare
\tserver web2 192.168.1.11:80 check
\tunknown-directive keep me
`;

describe('edits change only the lines they must', () => {
  it("adds a server after the last one, in the file's own indentation", () => {
    const document = parse(seed);
    addServer(document, 'servers', { name: 'web3', address: '192.168.1.12:80', options: ['check'] });
    expect(lineChanges(seed, serialize(document))).toEqual({
      removed: [],
      added: ['\tserver web3 192.168.1.12:80 check'],
    });
  });

  it('removes a server and nothing else (the comment above the other stays)', () => {
    const document = parse(seed);
    removeServer(document, 'servers', 'web1');
    expect(lineChanges(seed, serialize(document))).toEqual({
      removed: ['\tserver web1 192.168.1.10:80 check   # first'],
      added: [],
    });
  });

  it('changes a server in place, keeping its indentation, its address and its trailing comment', () => {
    const document = parse(seed);
    setServer(document, 'servers', 'web1', { options: ['check', 'inter', '2s', 'weight', '50'] });
    expect(lineChanges(seed, serialize(document))).toEqual({
      removed: ['\tserver web1 192.168.1.10:80 check   # first'],
      added: ['\tserver web1 192.168.1.10:80 check inter 2s weight 50   # first'],
    });
    setServer(document, 'servers', 'web2', { address: '192.168.1.21:8080' });
    expect(serialize(document)).toContain('\tserver web2 192.168.1.21:8080 check\n');
  });

  it('sets a directive: rewrites the matching line, or adds one after its kind', () => {
    const document = parse(seed);
    setDirective(document, { kind: 'defaults' }, ['timeout', 'connect', '3s'], { match: ['timeout', 'connect'] });
    setDirective(document, { kind: 'global' }, ['maxconn', '4000']);
    setDirective(document, { kind: 'backend', name: 'servers' }, ['option', 'httpchk', 'GET', '/health'], {
      match: ['option', 'httpchk'],
    });
    const after = serialize(document).split('\n');
    const before = seed.split('\n');
    // Two lines rewritten in place (comment kept), one added at the end of the backend; nothing else moved.
    expect(after.length).toBe(before.length + 1);
    expect(after.filter((line, i) => line !== before[i]).slice(0, 2)).toEqual([
      '\tmaxconn 4000   # keep this comment',
      '\ttimeout connect 3s',
    ]);
    expect(after.slice(-2)).toEqual(['\toption httpchk GET /health', '']);
    expect(after.slice(0, -2).filter((line) => !before.includes(line))).toEqual([
      '\tmaxconn 4000   # keep this comment',
      '\ttimeout connect 3s',
    ]);
    expect(removeDirective(document, { kind: 'backend', name: 'servers' }, ['unknown-directive'])).toBe(1);
  });

  it('adds a backend and routes a path to it, before the default', () => {
    const document = parse(seed);
    addBackend(document, 'api', {
      balance: 'leastconn',
      servers: [{ name: 'api1', address: '10.0.2.1:8080', options: ['check'] }],
    });
    routePath(document, 'web', '/api', 'api');
    const text = serialize(document);
    expect(text).toContain(
      'frontend web\n\tbind *:80\n\tacl path_api path_beg /api\n\tuse_backend api if path_api\n\tdefault_backend servers\n',
    );
    expect(
      text.endsWith(
        '\tunknown-directive keep me\n\nbackend api\n\tbalance leastconn\n\tserver api1 10.0.2.1:8080 check\n',
      ),
    ).toBe(true);
    const config = toConfig(parse(text));
    expect(config.frontends[0]?.useBackends).toEqual([
      expect.objectContaining({ backend: 'api', condition: expect.objectContaining({ acls: ['path_api'] }) }),
    ]);
  });

  it('keeps CRLF line endings in what it writes, and quotes what needs quoting', () => {
    const document = parse(seed.split('\n').join('\r\n'));
    addServer(document, 'servers', { name: 'web3', address: '192.168.1.12:80', options: ['check', 'cookie', 'a b'] });
    expect(serialize(document)).toContain('\tserver web3 192.168.1.12:80 check cookie "a b"\r\n');
  });

  it('says clearly what is wrong', () => {
    const document = parse(seed);
    expect(() => addServer(document, 'nope', { name: 'x', address: '1.2.3.4:80' })).toThrow("no backend named 'nope'");
    expect(() => addServer(document, 'servers', { name: 'web1', address: '1.2.3.4:80' })).toThrow(HaError);
    expect(() => addServer(document, 'servers', { name: 'bad name', address: '1.2.3.4:80' })).toThrow(TypeError);
    expect(() => removeServer(document, 'servers', 'web9')).toThrow("backend 'servers' has no server named 'web9'");
    expect(() => routePath(document, 'web', 'api', 'servers')).toThrow(TypeError);
    expect(serialize(document)).toBe(seed);
  });

  it('edits real configurations without touching anything else', () => {
    for (const { name, text } of corpusFiles) {
      const { document, diagnostics } = safeParse(text, { file: name });
      const hasServer = (section: CstSection) =>
        section.lines.some((line) => line.kind === 'directive' && line.values[0] === 'server');
      const backend = document.sections.find(
        (section) => section.kind === 'backend' && section.name !== undefined && hasServer(section),
      );
      if (!backend?.name || diagnostics.length > 0) continue;
      addServer(document, backend.name, { name: 'ha_toolkit_added', address: '127.0.0.1:1' });
      const { removed, added } = lineChanges(text, serialize(document));
      expect(removed, name).toEqual([]);
      expect(added.length, name).toBe(1);
      expect(added[0], name).toMatch(/^\s*server ha_toolkit_added 127\.0\.0\.1:1$/);
    }
  });
});

describe("addMonitorLog: the lines ha-monitor's log_listen needs", () => {
  it('adds the log line and log-health-checks once, beside what is there, and haproxy -c accepts the result', async () => {
    const document = parse(seed);
    const added = addMonitorLog(document, '127.0.0.1:5514');
    expect(added.map((line) => line.text)).toEqual(['\tlog 127.0.0.1:5514 local0', '\toption log-health-checks']);
    const changes = lineChanges(seed, serialize(document));
    expect(changes.removed).toEqual([]);
    expect(addMonitorLog(document, '127.0.0.1:5514')).toEqual([]);
    // The seed keeps an unknown directive on purpose: haproxy -c says the same of it before and after, and no more.
    const errors = async (input: typeof document) =>
      (await checkWithHaproxy(input)).findings.filter((finding) => finding.severity === 'error').map((f) => f.message);
    expect(await errors(document)).toEqual(await errors(parse(seed)));
  });

  it('without defaults, every backend and listen gets log-health-checks; a log line to the target is kept as it is', () => {
    const text =
      'global\n    log 127.0.0.1:5514 local3\nbackend a\n    server s 10.0.0.1:80 check\nlisten b\n    bind :81\n';
    const document = parse(text);
    expect(addMonitorLog(document, '127.0.0.1:5514').map((line) => line.text)).toEqual([
      '    option log-health-checks',
      '    option log-health-checks',
    ]);
    expect(serialize(document)).toContain('log 127.0.0.1:5514 local3\n');
  });

  it('refuses a target or facility that is not one plain word, and changes nothing', () => {
    for (const [target, facility] of [
      ['127.0.0.1:5514 local1', 'local0'],
      ['127.0.0.1:5514;x', 'local0'],
      ['127.0.0.1:5514', 'local0\nstats'],
      ['"127.0.0.1:5514"', 'local0'],
    ] as const) {
      const document = parse(seed);
      expect(() => addMonitorLog(document, target, facility)).toThrow(HaError);
      expect(serialize(document)).toBe(seed);
    }
  });
});
