import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommandError, defaultRunner, formatDiagnostic } from '@ha/core';
import { corpusFiles, corpusIndex } from '../../test/corpus.js';
import { parse, safeParse } from '../parse/cst.js';
import { checkFilesWithHaproxy, checkWithHaproxy, mapHaproxyOutput } from './haproxy-check.js';
import { addServer, removeServer } from '../edit/edits.js';
import { validate } from './rules.js';

const findings = (text: string) => validate(parse(text, { file: 'h.cfg' })).map(formatDiagnostic);
const base = 'defaults\n    mode http\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n';
// The defaults above, then these lines.
const cfg = (...lines: string[]) => `${base}${lines.join('\n')}\n`;

describe('semantic checks, each with file:line:column', () => {
  it('a clean configuration has no finding', () => {
    expect(
      findings(
        cfg(
          'frontend fe',
          '    bind :80',
          '    default_backend be',
          'backend be',
          '    server s1 10.0.0.1:80 check inter 2s',
        ),
      ),
    ).toEqual([]);
  });

  it('references to backends, defaults, userlists, resolvers and peers that do not exist', () => {
    const text = cfg(
      'frontend fe from nowhere',
      '    bind :80',
      '    acl admin http_auth(admins)',
      '    use_backend ghost if admin',
      '    default_backend be',
      'backend be',
      '    stick-table type ip size 1k peers mypeers',
      '    server s1 app.local:80 resolvers mydns',
    );
    expect(findings(text)).toEqual([
      // It inherits nothing: the defaults it names do not exist.
      "h.cfg:6:1: warning MISSING_TIMEOUT: frontend 'fe' has no timeout client (here or in its defaults): connections may hang for ever",
      "h.cfg:6:18: error UNKNOWN_DEFAULTS: no defaults section named 'nowhere'",
      "h.cfg:8:15: error UNKNOWN_USERLIST: no userlist named 'admins'",
      "h.cfg:9:17: error UNKNOWN_BACKEND: no backend named 'ghost'",
      "h.cfg:12:39: error UNKNOWN_PEERS: no peers section named 'mypeers'",
      "h.cfg:13:38: error UNKNOWN_RESOLVERS: no resolvers section named 'mydns'",
    ]);
  });

  it('duplicate proxies, servers and sections (a frontend and a backend may share a name)', () => {
    const text = cfg(
      'frontend app',
      '    bind :80',
      '    default_backend app',
      'backend app',
      '    server s1 10.0.0.1:80',
      '    server s1 10.0.0.2:80',
      'backend app',
      '    server s2 10.0.0.3:80',
      'userlist u',
      'userlist u',
    );
    expect(findings(text)).toEqual([
      "h.cfg:11:12: error DUPLICATE_SERVER: server 's1' is already defined on line 10",
      "h.cfg:12:9: error DUPLICATE_PROXY: backend 'app' has the same name as the backend at h.cfg:9",
      "h.cfg:15:10: error DUPLICATE_SECTION: userlist 'u' has the same name as the userlist at h.cfg:14",
    ]);
  });

  it('an http frontend routing to a tcp backend, and missing timeouts', () => {
    const text = [
      'defaults',
      '    mode http',
      '    timeout client 5s',
      'frontend fe',
      '    bind :80',
      '    default_backend db',
      'backend db',
      '    mode tcp',
      '    server s 10.0.0.1:5432',
      '',
    ].join('\n');
    expect(findings(text)).toEqual([
      "h.cfg:6:21: error MODE_MISMATCH: frontend 'fe' is in http mode but backend 'db' is in tcp mode",
      "h.cfg:7:1: warning MISSING_TIMEOUT: backend 'db' has no timeout connect, timeout server (here or in its defaults): connections may hang for ever",
    ]);
  });

  it('bind conflicts, bad addresses, ports, times and numbers', () => {
    const text = cfg(
      'frontend a',
      '    bind :80',
      'frontend b',
      '    bind 0.0.0.0:80',
      '    bind 10.0.0.1',
      '    bind 10.0.0.1:70000',
      '    bind 300.1.1.1:81',
      'backend be',
      '    timeout check soon',
      '    server s1 10.0.0.1:http check',
      '    server s2 10.0.0.2:80 check weight 300 fall 0 inter 2parsecs',
    );
    expect(findings(text)).toEqual([
      "h.cfg:9:10: error BIND_CONFLICT: 0.0.0.0:80 is also bound by frontend 'a' (h.cfg:7)",
      "h.cfg:10:10: error BAD_PORT: bind '10.0.0.1' needs a port (or a port range)",
      'h.cfg:11:10: error BAD_PORT: port 70000 is out of range (1 to 65535)',
      "h.cfg:12:10: error BAD_ADDRESS: '300.1.1.1' is not an address",
      "h.cfg:14:19: error BAD_TIME: 'soon' is not a time for timeout check (e.g. 10s, 500ms)",
      "h.cfg:15:15: error BAD_PORT: 'http' is not a port",
      "h.cfg:16:40: error BAD_NUMBER: weight '300' is out of range (0 to 256)",
      "h.cfg:16:49: error BAD_NUMBER: fall '0' must be a whole number of at least 1",
      "h.cfg:16:57: error BAD_TIME: '2parsecs' is not a time for inter (e.g. 10s, 500ms)",
    ]);
  });

  it('check options without check, unknown keywords and misplaced ones', () => {
    const text = cfg(
      'frontend fe',
      '    bind :80',
      '    balance roundrobin',
      '    server s 10.0.0.1:80',
      '    frobnicate on',
      '    default_backend be',
      'backend be',
      '    bind :81',
      '    server s 10.0.0.1:80 inter 2s fall 3',
      '    acl ok always_true',
      '    http-request deny if !ok missing',
    );
    expect(findings(text)).toEqual([
      "h.cfg:8:5: warning MISPLACED_KEYWORD: 'balance' has no effect in a frontend section: HAProxy ignores it",
      "h.cfg:9:5: error MISPLACED_KEYWORD: 'server' is not allowed in a frontend section: HAProxy refuses it",
      "h.cfg:10:5: warning UNKNOWN_KEYWORD: unknown keyword 'frobnicate' in a frontend section",
      "h.cfg:13:5: warning MISPLACED_KEYWORD: 'bind' has no effect in a backend section: HAProxy ignores it",
      "h.cfg:14:26: warning CHECK_OPTION_WITHOUT_CHECK: 'inter' has no effect: this server has no 'check'",
      "h.cfg:14:35: warning CHECK_OPTION_WITHOUT_CHECK: 'fall' has no effect: this server has no 'check'",
      "h.cfg:16:30: error UNKNOWN_ACL: no acl named 'missing' in this section",
    ]);
  });

  it('syntax problems are findings too, and split configurations are checked as one', () => {
    const { document: front } = safeParse(cfg('frontend fe', '    bind :80', '    default_backend be'), {
      file: 'a.cfg',
    });
    const { document: back } = safeParse('backend be\n    server s "10.0.0.1:80\n', { file: 'b.cfg' });
    expect(validate([front, back]).map(formatDiagnostic)).toEqual([
      'b.cfg:2:14: error UNTERMINATED_QUOTE: unterminated double quote',
    ]);
    expect(validate([front]).map(formatDiagnostic)).toEqual([
      "a.cfg:8:21: error UNKNOWN_BACKEND: no backend named 'be'",
    ]);
  });

  it('checks a document as it prints: what an edit wrote is placed where it will be, what it removed is gone', () => {
    const { document } = safeParse(
      cfg(
        'frontend fe',
        '    bind :80',
        '    default_backend be',
        'backend be',
        '    server s1 "10.0.0.1:80',
        '    server s2 10.0.0.2:80',
      ),
      { file: 'h.cfg' },
    );
    expect(validate(document).map(formatDiagnostic)).toEqual([
      'h.cfg:10:15: error UNTERMINATED_QUOTE: unterminated double quote',
    ]);
    removeServer(document, 'be', 's1');
    addServer(document, 'be', { name: 's3', address: '10.0.0.3:http' });
    expect(validate(document).map(formatDiagnostic)).toEqual(["h.cfg:11:15: error BAD_PORT: 'http' is not a port"]);
  });

  it('an edited document is read again with the section kinds it was parsed with', () => {
    const text = cfg(
      'frontend fe',
      '    bind :80',
      '    default_backend be',
      'backend be',
      '    server s1 10.0.0.1:80',
      'quantum-tunnel qt',
      '    entangle yes',
    );
    const { document } = safeParse(text, { file: 'h.cfg', sections: ['quantum-tunnel'] });
    addServer(document, 'be', { name: 's2', address: '10.0.0.2:80' });
    expect(validate(document)).toEqual([]);
  });

  it('a negated anonymous ACL (!{ … }) names no ACL', () => {
    expect(
      findings(
        cfg(
          'frontend fe',
          '    bind :80',
          '    http-request redirect scheme https code 301 if !{ ssl_fc }',
          '    default_backend be',
          'backend be',
          '    server s 10.0.0.1:80',
        ),
      ),
    ).toEqual([]);
  });

  it('a last line without a line feed, which HAProxy refuses', () => {
    expect(validate('global\n    stats socket /run/h.sock', { file: 'h.cfg' }).map(formatDiagnostic)).toEqual([
      'h.cfg:2:29: error MISSING_FINAL_NEWLINE: the last line has no line feed: HAProxy refuses the file (it may have been truncated)',
    ]);
  });

  it('nothing to listen on (an empty file, only a global section) is a warning, exactly where haproxy -c says it will not start', async () => {
    const cases = [
      '',
      '# only a comment\n',
      'global\n    maxconn 10\n',
      cfg('backend be', '    server s 10.0.0.1:80'),
      'global\n    stats socket /run/haproxy/admin.sock mode 660 level admin\n',
      cfg('frontend fe', '    bind 127.0.0.1:18123'),
    ];
    for (const text of cases) {
      const document = parse(text, { file: 'h.cfg' });
      const ours = validate(document).filter((finding) => finding.code === 'NO_LISTENER');
      const real = await checkWithHaproxy(document);
      // haproxy -c exits 2 then: valid, with its "will not start" as a warning.
      const willNotStart = real.valid && real.findings.some((finding) => /will not start/.test(finding.message));
      expect(ours.length === 1, JSON.stringify(text)).toBe(willNotStart);
      if (willNotStart) {
        expect(ours.map(formatDiagnostic)).toEqual([
          'h.cfg:1:1: warning NO_LISTENER: nothing listens (no bind in a frontend or listen section, no stats socket): ' +
            "HAProxy will not start ('haproxy -c' exits 2)",
        ]);
        expect(real.findings.map((finding) => `${finding.severity} ${finding.message}`)).toContain(
          'warning haproxy -c: the configuration has no error but HAProxy will not start: nothing listens (no listener)',
        );
      }
    }
  });

  it('keywords HAProxy removed are errors with what to use instead; anonymous defaults refuse rules', () => {
    expect(
      findings(
        cfg(
          'frontend fe',
          '    bind :80',
          '    reqadd X-Via:\\ edge',
          '    default_backend be',
          'backend be',
          '    server s 10.0.0.1:80',
        ),
      ),
    ).toEqual([
      "h.cfg:8:5: error REMOVED_KEYWORD: 'reqadd' is not supported since HAProxy 2.1: use 'http-request add-header'",
    ]);
    expect(
      findings(
        'defaults\n    acl ok always_true\ndefaults named\n    acl ok always_true\nglobal\n    stats socket /run/h.sock\n',
      ),
    ).toEqual([
      "h.cfg:2:5: error MISPLACED_KEYWORD: 'acl' is not allowed in an anonymous defaults section: HAProxy refuses it",
    ]);
  });

  it('a finding on every line of a huge file is folded: a few of each code and one "and N more like it"', () => {
    const text = `global\n    stats socket /run/h.sock\n${'    frobnicate on\n'.repeat(20_000)}`;
    const result = validate(parse(text, { file: 'h.cfg' }));
    expect(result).toHaveLength(11);
    expect(result.at(-1)).toMatchObject({
      code: 'UNKNOWN_KEYWORD',
      folded: 19_990,
      message: 'and 19,990 more like it (UNKNOWN_KEYWORD)',
    });
    expect(validate(parse(text), { keepPerCode: 100 })).toHaveLength(101);
  });

  it('a server option list seen clean is not checked again, yet each line is judged under its own defaults', () => {
    const tls =
      "a TLS server's certificate is verified by default: give 'ca-file FILE', or 'verify none' to trust it unverified";
    expect(
      findings(
        cfg(
          'backend be',
          '    server s1 10.0.0.1:443 check',
          '    server s2 10.0.0.2:443 check',
          '    default-server ssl',
          // The same words as above, now under `ssl` without a CA: HAProxy refuses them.
          '    server s3 10.0.0.3:443 check',
          '    server s4 10.0.0.256:443 check',
          '    server s5 10.0.0.5:70000 check',
          '    server s2 10.0.0.6:443 check',
          'backend other',
          '    server s1 10.0.1.1:80 track be/s1',
          '    server s2 10.0.1.2:80 track s1',
          '    server s3 10.0.1.3:80 track be/s1',
        ),
      ),
    ).toEqual([
      expect.stringMatching(/^h\.cfg:1:1: warning NO_LISTENER/),
      `h.cfg:10:12: error MISSING_VALUE: ${tls}`,
      `h.cfg:11:12: error MISSING_VALUE: ${tls}`,
      "h.cfg:11:15: error BAD_ADDRESS: '10.0.0.256' is not an address",
      `h.cfg:12:12: error MISSING_VALUE: ${tls}`,
      'h.cfg:12:15: error BAD_PORT: port 70000 is out of range (1 to 65535)',
      "h.cfg:13:12: error DUPLICATE_SERVER: server 's2' is already defined on line 8",
      `h.cfg:13:12: error MISSING_VALUE: ${tls}`,
      // other/s1 has no check; be/s1, tracked the line before with the same words, has.
      "h.cfg:16:33: error UNKNOWN_SERVER: server 's1' cannot be tracked: it has no 'check' nor 'agent-check'",
    ]);
  });

  it('repeated server lines get the findings they get one by one (property)', () => {
    // A comment at the end of a line changes no finding, and makes every line's options a text of its own.
    const tails = ['check', 'check inter 0', 'weight 300', 'inter 2s', 'ssl', 'ssl verify none', 'track s0 check'];
    const addresses = ['10.0.0.1:80', '10.0.0.300:80', '10.0.0.1:99999', '[::1]:80', 'host-a:80', '10.0.0.1'];
    const server = fc.record({
      name: fc.constantFrom('s0', 's1', 's2', 's3'),
      address: fc.constantFrom(...addresses),
      tail: fc.constantFrom(...tails),
    });
    const line = fc.oneof(
      { weight: 6, arbitrary: server.map(({ name, address, tail }) => `server ${name} ${address} ${tail}`) },
      { weight: 1, arbitrary: fc.constantFrom('default-server check', 'default-server ssl', 'backend be2') },
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), (lines) => {
        const text = cfg('backend be', ...lines.map((entry) => `    ${entry}`));
        const unique = cfg('backend be', ...lines.map((entry, index) => `    ${entry} # ${index}`));
        expect(findings(text)).toEqual(findings(unique));
      }),
      { numRuns: 300 },
    );
  });

  it('runs on every corpus file without throwing', () => {
    for (const { name, text } of corpusFiles) expect(() => validate(text, { file: name }), name).not.toThrow();
  });
});

describe('the real haproxy -c', () => {
  it('maps its alerts and warnings to findings', () => {
    const output = [
      '[NOTICE]   (12292) : haproxy version is 2.6.12-1+deb12u4',
      "[ALERT]    (12292) : config : [/etc/haproxy/haproxy.cfg:29] : 'server broken/x' : " +
        "invalid character 'n' in port number 'notaport' in '127.0.0.1:notaport'",
      "[WARNING]  (12292) : config : parsing [/etc/haproxy/haproxy.cfg:7] : 'option httplog' not usable with proxy 'x' " +
        "(needs 'mode http'). Falling back to 'option tcplog'.",
      "[ALERT]    (12292) : config : Proxy 'invalid': unable to find table 'invalid' referenced by track-sc0.",
      '[ALERT]    (12292) : config : Fatal errors found in configuration.',
    ].join('\n');
    expect(mapHaproxyOutput(output, 'default.cfg').map(formatDiagnostic)).toEqual([
      "/etc/haproxy/haproxy.cfg:29:1: error HAPROXY_ALERT: haproxy -c: 'server broken/x' : " +
        "invalid character 'n' in port number 'notaport' in '127.0.0.1:notaport'",
      "/etc/haproxy/haproxy.cfg:7:1: warning HAPROXY_WARNING: haproxy -c: 'option httplog' not usable with proxy 'x' " +
        "(needs 'mode http'). Falling back to 'option tcplog'.",
      "default.cfg:1:1: error HAPROXY_ALERT: haproxy -c: Proxy 'invalid': unable to find table 'invalid' referenced by track-sc0.",
    ]);
  });

  it('finds on the corpus the same first alert the corpus index recorded for HAProxy 2.6', async () => {
    let compared = 0;
    for (const { name, path } of corpusFiles) {
      const recorded = corpusIndex.get(name);
      const line = /\[[^\]]*:(\d+)\]/.exec(recorded?.firstAlert ?? '')?.[1];
      if (recorded?.rc !== '1' || line === undefined) continue;
      const result = await checkFilesWithHaproxy([path]);
      expect(result.valid, name).toBe(false);
      const first = result.findings.find((finding) => finding.severity === 'error');
      expect(first?.line, name).toBe(Number(line));
      if (++compared >= 60) break;
    }
    expect(compared).toBeGreaterThan(20);
  }, 120_000);

  it("a failed haproxy -c run as a command: the error's message is its [ALERT] line, not the [NOTICE] banner, and the whole output stays on it", async () => {
    const directory = await mkdtemp(join(tmpdir(), 'ha-haproxy-alert-'));
    try {
      const path = join(directory, 'bad.cfg');
      await writeFile(path, 'global\n    frobnicate on\n');
      const error = (await defaultRunner
        .run('haproxy', ['-c', '-f', path])
        .catch((caught: unknown) => caught)) as CommandError;
      expect(error).toBeInstanceOf(CommandError);
      expect(error.exitCode).toBe(1);
      expect(error.message).toMatch(/\[ALERT\].*unknown keyword 'frobnicate' in 'global' section/);
      expect(error.message).not.toMatch(/haproxy version is|NOTICE/);
      expect(`${error.stdout}${error.stderr}`).toMatch(/\[NOTICE\].*haproxy version is/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("a 'quiet' global section does not silence haproxy -c's alerts", async () => {
    const result = await checkWithHaproxy(parse('global\n    quiet\n    frobnicate on\n', { file: 'q.cfg' }));
    expect(result.valid).toBe(false);
    expect(result.findings[0]).toMatchObject({ file: 'q.cfg', line: 3, code: 'HAPROXY_ALERT' });
  });

  it('checks documents in memory and names their own files', async () => {
    const document = parse('global\n    maxconn 10\nbackend b\n    server x 127.0.0.1:notaport\n', {
      file: '/etc/haproxy/mine.cfg',
    });
    const result = await checkWithHaproxy(document);
    expect(result.valid).toBe(false);
    expect(result.findings[0]).toMatchObject({
      file: '/etc/haproxy/mine.cfg',
      line: 4,
      severity: 'error',
      code: 'HAPROXY_ALERT',
    });
    expect(result.output).toContain('/etc/haproxy/mine.cfg');
  });
});
