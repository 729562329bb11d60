import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '@ha/core';
import { command } from './cli.js';

const scratch = await mkdtemp(join(tmpdir(), 'ha-haproxy-config-cli-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const run = (argv: string[]) => runCliCaptured(command, argv);

const seed = `global
    maxconn 2000

defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s

# the seed's load balancer
frontend web
    bind 127.0.0.1:18080
    default_backend servers

backend servers
    balance roundrobin
    server web1 192.168.1.10:80 check   # first
    server web2 192.168.1.11:80 check
`;

async function seedFile(name: string, text = seed): Promise<string> {
  const path = join(scratch, name);
  await writeFile(path, text);
  return path;
}

describe('ha-haproxy-config', () => {
  it('validate: exit 0 when clean (with the real haproxy -c), 1 on an error finding, findings as FILE:LINE:COL', async () => {
    const clean = await seedFile('clean.cfg');
    expect(await run(['validate', clean])).toMatchObject({ code: 0, out: '' });
    const bad = await seedFile('bad.cfg', seed.replace('default_backend servers', 'default_backend ghost'));
    const result = await run(['validate', bad]);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`${bad}:13:21: error UNKNOWN_BACKEND: no backend named 'ghost'\n`);
    expect(result.out).toMatch(
      new RegExp(`^${bad.replace(/\./g, '\\.')}:\\d+:1: error HAPROXY_ALERT: haproxy -c: .*ghost`, 'm'),
    );
    const json = JSON.parse((await run(['validate', bad, '--json', '--no-real-check'])).out) as {
      realCheck: string;
      findings: { code: string }[];
    };
    expect(json.realCheck).toBe('skipped');
    expect(json.findings.map((finding) => finding.code)).toEqual(['UNKNOWN_BACKEND']);
  });

  it('validate --strict: warnings count', async () => {
    const path = await seedFile('warn.cfg', seed.replace('    timeout client 30s\n', ''));
    expect((await run(['validate', path, '--no-real-check'])).code).toBe(0);
    const strict = await run(['validate', path, '--no-real-check', '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.out).toMatch(/warning MISSING_TIMEOUT/);
  });

  it('fmt: prints the canonical layout, --check says whether the file is in it, --write rewrites it', async () => {
    const path = await seedFile('fmt.cfg', seed.replace('    maxconn 2000', '\tmaxconn    2000'));
    expect(await run(['fmt', path, '--check'])).toMatchObject({ code: 1, out: `${path}: not formatted\n` });
    expect((await run(['fmt', path])).out).toContain('global\n    maxconn 2000\n');
    expect((await run(['fmt', path, '--write'])).code).toBe(0);
    expect(await run(['fmt', path, '--check'])).toMatchObject({ code: 0, out: '' });
  });

  it('show: the tree, and --json the typed model', async () => {
    const path = await seedFile('show.cfg');
    expect((await run(['show', path])).out).toBe(
      'frontend web (http) bind 127.0.0.1:18080\n  → servers (default)\n' +
        'backend servers (http, roundrobin)\n  web1 192.168.1.10:80 check\n  web2 192.168.1.11:80 check\n',
    );
    const model = JSON.parse((await run(['show', path, '--json'])).out) as {
      backends: { servers: { name: string }[] }[];
    };
    expect(model.backends[0]?.servers.map((server) => server.name)).toEqual(['web1', 'web2']);
  });

  it('add-server, set-server, remove-server: in place, checked, with a backup, touching only their line', async () => {
    const path = await seedFile('edit.cfg');
    const added = await run(['add-server', path, 'servers', 'web3', '192.168.1.12:80', 'check']);
    expect(added).toMatchObject({
      code: 0,
      out: `${path}: added server servers/web3 (checked by haproxy -c, previous file in ${path}.bak)\n`,
    });
    expect(await readFile(path, 'utf8')).toBe(
      seed.replace(
        '    server web2 192.168.1.11:80 check\n',
        '    server web2 192.168.1.11:80 check\n    server web3 192.168.1.12:80 check\n',
      ),
    );
    expect(await readFile(`${path}.bak`, 'utf8')).toBe(seed);
    expect((await run(['set-server', path, 'servers', 'web1', 'check', 'inter', '2s'])).code).toBe(0);
    expect(await readFile(path, 'utf8')).toContain('    server web1 192.168.1.10:80 check inter 2s   # first\n');
    expect((await run(['set-server', path, 'servers', 'web1', '--address', '192.168.1.20:8080'])).code).toBe(0);
    expect(await readFile(path, 'utf8')).toContain('    server web1 192.168.1.20:8080 check inter 2s   # first\n');
    expect((await run(['remove-server', path, 'servers', 'web3'])).code).toBe(0);
    expect(await readFile(path, 'utf8')).not.toContain('web3');
  });

  it("add-monitor-log: the log lines ha-monitor's log_listen needs, once; a target that is not one word refused", async () => {
    const path = await seedFile('monitor-log.cfg');
    expect(await run(['add-monitor-log', path, '127.0.0.1:5140'])).toMatchObject({
      code: 0,
      out: `${path}: logs to 127.0.0.1:5140 with its health checks (checked by haproxy -c, previous file in ${path}.bak)\n`,
    });
    const text = await readFile(path, 'utf8');
    expect(text).toContain('    log 127.0.0.1:5140 local0\n');
    expect(text).toContain('    option log-health-checks\n');
    expect((await run(['add-monitor-log', path, '127.0.0.1:5140'])).out).toContain('(no change)');
    const refused = await run(['add-monitor-log', path, '127.0.0.1:5140;x']);
    expect(refused.code).toBe(2);
    expect(refused.err.split('\n')).toHaveLength(2);
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it('refuses a change our rules (or haproxy -c) reject, leaving the file alone', async () => {
    const path = await seedFile('refuse.cfg');
    const result = await run(['add-server', path, 'servers', 'web3', '192.168.1.12:notaport']);
    expect(result.code).toBe(2);
    expect(result.err).toBe(`ha-haproxy-config: ${path}:19:17: 'notaport' is not a port (not written)\n`);
    expect(await readFile(path, 'utf8')).toBe(seed);
  });

  it('bad input: one line on stderr, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['validate', join(scratch, 'missing.cfg')], /^ha-haproxy-config: .*missing\.cfg: cannot read: ENOENT/],
      [['fmt', scratch], /^ha-haproxy-config: .*: cannot read: it is a directory\n$/],
      // A ParseError: FILE:LINE:COLUMN: the parser's message.
      [
        ['show', await seedFile('quote.cfg', 'global\n    log "127.0.0.1\n')],
        /^ha-haproxy-config: .*quote\.cfg:2:9: unterminated double quote\n$/,
      ],
      [
        ['validate', await seedFile('orphan.cfg', 'maxconn 1\nglobal\n')],
        /^ha-haproxy-config: .*orphan\.cfg:1:1: 'maxconn' before any section\n$/,
      ],
      [
        ['fmt', await seedFile('fmtquote.cfg', 'global\n    log "x\n')],
        /^ha-haproxy-config: .*fmtquote\.cfg:2:9: unterminated double quote\n$/,
      ],
      [
        ['validate', await seedFile('limit.cfg'), '--max-bytes', '100'],
        /^ha-haproxy-config: .*limit\.cfg: \d+ bytes is more than the limit of 100 bytes \(raise it with .*--max-bytes.*\)\n$/,
      ],
      [['fmt', await seedFile('limit2.cfg'), '--max-bytes', '100'], /limit of 100 bytes/],
      [['show', await seedFile('limit3.cfg'), '--max-bytes', '100'], /limit of 100 bytes/],
      [
        ['add-server', await seedFile('limit4.cfg'), 'servers', 'x', '1.2.3.4:80', '--max-bytes', '100'],
        /limit of 100 bytes/,
      ],
      [
        ['validate', await seedFile('limit5.cfg'), '--max-bytes', 'lots'],
        /--max-bytes: 'lots' is not a number of bytes/,
      ],
      [
        ['validate', await seedFile('if.cfg', '.if defined(X)\nglobal\n')],
        /if\.cfg:1:1: '\.if' block opened here has no '\.endif'\n$/,
      ],
      [['validate', await seedFile('junk.cfg', 'global\n\0\0\0\n')], /junk\.cfg:2:1: the line contains a NUL byte/],
      [
        ['add-server', await seedFile('nobackend.cfg'), 'nope', 'x', '1.2.3.4:80'],
        /^ha-haproxy-config: no backend named 'nope' in .*\n$/,
      ],
      [
        ['set-server', await seedFile('noopt.cfg'), 'servers', 'web1'],
        /^ha-haproxy-config: give --address, new options, or both\n$/,
      ],
    ];
    for (const [argv, message] of cases) {
      const result = await run(argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.err, argv.join(' ')).toMatch(message);
      expect(result.err.split('\n').length, argv.join(' ')).toBe(2);
    }
  });

  it("validate --strict: Debian's stock haproxy.cfg is clean (ca-base, crt-base, ssl-default-bind-* …), with the real haproxy -c", async () => {
    const stock = fileURLToPath(new URL('../test/fixtures/haproxy/2.6.12/debian-haproxy.cfg', import.meta.url));
    expect(await run(['validate', '--strict', stock])).toMatchObject({ code: 0, out: '', err: '' });
  });

  it.skipIf(!existsSync('/etc/haproxy/haproxy.cfg'))(
    'validate --strict /etc/haproxy/haproxy.cfg, as installed, exits 0',
    async () => {
      expect(await run(['validate', '--strict', '/etc/haproxy/haproxy.cfg'])).toMatchObject({ code: 0, out: '' });
    },
  );

  it('validate of an empty file warns that HAProxy will not start (exit 0; --strict: 1)', async () => {
    const path = await seedFile('empty.cfg', '');
    const result = await run(['validate', path]);
    expect(result.code).toBe(0);
    expect(result.out).toContain(`${path}:1:1: warning NO_LISTENER: nothing listens`);
    expect(result.out).toContain(
      `${path}:1:1: warning HAPROXY_WARNING: haproxy -c: the configuration has no error but HAProxy will not start`,
    );
    expect((await run(['validate', path, '--strict', '--no-real-check'])).code).toBe(1);
  });

  it('validates a split configuration directory as haproxy -f reads it', async () => {
    const directory = join(scratch, 'conf.d');
    await mkdir(directory);
    await writeFile(join(directory, '10-front.cfg'), seed.split('\nbackend servers')[0] as string);
    await writeFile(join(directory, '20-back.cfg'), `backend servers${seed.split('\nbackend servers')[1]}`);
    expect(await run(['validate', directory])).toMatchObject({ code: 0, out: '' });
  });
});
