import { describe, expect, it } from 'vitest';
import { HaError } from '../errors/ha-error.js';
import { defineCliCommand, describeError, runCli } from './cli.js';
import { captureIo } from '../testing/capture-io.js';

const tree = defineCliCommand({
  meta: { name: 'ha-test', version: '1.2.3', description: 'A test CLI' },
  subCommands: {
    greet: defineCliCommand({
      meta: { name: 'greet', description: 'Say hello' },
      args: {
        name: { type: 'positional', description: 'Who', required: true },
        loud: { type: 'boolean', description: 'Shout' },
      },
      run({ args, io }) {
        io.stdout(`${args.loud ? 'HELLO' : 'hello'} ${args.name}\n`);
      },
    }),
    fail: defineCliCommand({
      meta: { name: 'fail', description: 'Fail' },
      args: {
        kind: { type: 'string', description: 'ha or plain' },
        json: { type: 'boolean', description: 'Answer in JSON' },
      },
      run({ args }) {
        if (args.kind === 'ha') throw new HaError('NOT_FOUND', 'no such node:\nnode9');
        throw new TypeError('boom');
      },
    }),
    code: defineCliCommand({
      meta: { name: 'code', description: 'Return 1' },
      run: () => 1,
    }),
    pass: defineCliCommand({
      meta: { name: 'pass', description: 'Everything after -- is the command' },
      run({ rawArgs, io }) {
        io.stdout(`${JSON.stringify(rawArgs.slice(rawArgs.indexOf('--') + 1))}\n`);
      },
    }),
  },
});

describe('runCli', () => {
  it('runs a subcommand with its parsed arguments', async () => {
    const io = captureIo();
    expect(await runCli(tree, ['greet', 'node1', '--loud'], io)).toBe(0);
    expect(io.out).toBe('HELLO node1\n');
  });

  it('prints usage for --help and exits 0', async () => {
    const io = captureIo();
    expect(await runCli(tree, ['--help'], io)).toBe(0);
    expect(io.out).toContain('A test CLI');
    expect(io.out).toContain('greet');
    const sub = captureIo();
    expect(await runCli(tree, ['greet', '--help'], sub)).toBe(0);
    expect(sub.out).toContain('--loud');
  });

  it('writes help as plain text: kebab-case flags, positionals in the usage line, every flag described', async () => {
    const cli = defineCliCommand({
      meta: { name: 'ha-x', version: '0.1.0', description: 'X' },
      subCommands: {
        apply: defineCliCommand({
          meta: { name: 'apply', description: 'Apply a change' },
          args: {
            file: { type: 'positional', description: 'The file', required: true },
            nodes: { type: 'positional', description: 'Nodes to add', valueHint: 'NODE=ADDR…', required: false },
            dryRun: { type: 'boolean', description: 'Show, change nothing' },
            realCheck: { type: 'boolean', description: 'Check with the real tool', default: true },
            haproxySocket: { type: 'string', description: 'Runtime API socket', valueHint: 'PATH' },
            format: { type: 'enum', options: ['yaml', 'json'], description: 'Output format', default: 'yaml' },
          },
          run: () => 0,
        }),
      },
    });
    const io = captureIo();
    expect(await runCli(cli, ['apply', '--help'], io)).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(io.out).not.toMatch(/\u001b/);
    expect(io.out).toContain('Usage: ha-x apply [options] FILE [NODE=ADDR…]');
    expect(io.out).toMatch(/--dry-run +Show, change nothing/);
    expect(io.out).toMatch(/--no-real-check +Check with the real tool \(on by default\)/);
    expect(io.out).toMatch(/--haproxy-socket PATH +Runtime API socket/);
    expect(io.out).toMatch(/--format yaml\|json +Output format \(default: yaml\)/);
    expect(io.out).not.toMatch(/dryRun|realCheck|haproxySocket/);
    const root = captureIo();
    expect(await runCli(cli, ['--help'], root)).toBe(0);
    expect(root.out).toContain('Usage: ha-x COMMAND');
    expect(root.out).toMatch(/apply +Apply a change/);
    // The kebab-case flags the help shows are the ones that work.
    expect(
      await runCli(cli, ['apply', 'f', '--dry-run', '--no-real-check', '--haproxy-socket', '/s'], captureIo()),
    ).toBe(0);
  });

  it('says so when asked for a version it does not have', async () => {
    const io = captureIo();
    const bare = defineCliCommand({
      meta: { name: 'ha-bare', description: 'No version' },
      subCommands: { x: defineCliCommand({ meta: { name: 'x', description: 'X' }, run: () => 0 }) },
    });
    expect(await runCli(bare, ['--version'], io)).toBe(2);
    expect(io.err).toBe('ha-bare: ha-bare has no version (see ha-bare --help)\n');
  });

  it('with --json, also prints an error as one JSON object on stdout', async () => {
    const io = captureIo();
    expect(await runCli(tree, ['fail', '--kind', 'ha', '--json'], io)).toBe(2);
    expect(JSON.parse(io.out)).toEqual({ error: { code: 'NOT_FOUND', message: 'no such node: | node9' } });
    expect(io.err).toBe('ha-test: no such node: | node9\n');
    const plain = captureIo();
    expect(await runCli(tree, ['fail', '--kind', 'ha'], plain)).toBe(2);
    expect(plain.out).toBe('');
  });

  it('prints the version', async () => {
    const io = captureIo();
    expect(await runCli(tree, ['--version'], io)).toBe(0);
    expect(io.out).toBe('1.2.3\n');
  });

  it.each([
    [['nope'], "ha-test: unknown command 'nope' (see ha-test --help)\n"],
    [['greet'], 'ha-test: Missing required positional argument: NAME\n'],
    [['greet', 'x', '--shout'], "ha-test: unknown option '--shout' (see greet --help)\n"],
    [['fail', '--kind', 'ha'], 'ha-test: no such node: | node9\n'],
    [['fail'], 'ha-test: TypeError: boom\n'],
  ])('turns %j into one line on stderr and exit code 2', async (argv, line) => {
    const io = captureIo();
    expect(await runCli(tree, argv, io)).toBe(2);
    expect(io.err).toBe(line);
    expect(io.out).toBe('');
  });

  it('exits 2 with usage when no command is given', async () => {
    const io = captureIo();
    expect(await runCli(tree, [], io)).toBe(2);
    expect(io.err).toContain('no command given');
  });

  it("passes a command's own exit code through", async () => {
    expect(await runCli(tree, ['code'], captureIo())).toBe(1);
  });

  it('leaves everything after -- alone, flags included', async () => {
    const io = captureIo();
    expect(await runCli(tree, ['pass', '--', 'crm_mon', '--help', '-1'], io)).toBe(0);
    expect(io.out).toBe('["crm_mon","--help","-1"]\n');
  });

  it('describes foreign errors on one line', () => {
    expect(describeError('text\nmore')).toBe('text | more');
  });
});

describe('--max-bytes', () => {
  it('takes bytes and the usual units, and refuses anything else as a usage error', async () => {
    const { parseMaxBytes } = await import('./max-bytes.js');
    expect(parseMaxBytes(undefined)).toBeUndefined();
    expect(parseMaxBytes('1048576')).toBe(1048576);
    expect(parseMaxBytes('64MiB')).toBe(64 * 1024 * 1024);
    expect(parseMaxBytes('1 GB')).toBe(1e9);
    for (const bad of ['', 'lots', '-1', '1.5MB', '9'.repeat(20)])
      expect(() => parseMaxBytes(bad), bad).toThrow(/--max-bytes: .* is not a number of bytes/);
  });
});

describe('JSON printing', () => {
  it('prints bigints as decimal strings instead of throwing', async () => {
    const { printJson, toJson } = await import('./json.js');
    expect(toJson({ bytes: 2n ** 64n, n: 1 })).toBe('{"bytes":"18446744073709551616","n":1}');
    let out = '';
    printJson({ stdout: (text) => void (out += text), stderr: () => undefined }, { a: [1n] });
    expect(out).toBe('{\n  "a": [\n    "1"\n  ]\n}\n');
  });
});

describe('--json errors carry the fields of the error', () => {
  it('gives a refused write its stage and findings, and a parse error its reason and place', async () => {
    const { ConfigRejectedError } = await import('../errors/config-rejected.js');
    const { ParseError } = await import('../errors/ha-error.js');
    const finding = {
      code: 'BAD',
      severity: 'error' as const,
      message: 'bad',
      file: 'x.cfg',
      range: { start: 0, end: 1 },
      line: 2,
      column: 3,
    };
    const refuse = defineCliCommand({
      meta: { name: 'refuse', description: 'Refuses' },
      args: { json: { type: 'boolean', description: 'Print JSON' } },
      run: () => {
        throw new ConfigRejectedError('x.cfg', 'check', [finding]);
      },
    });
    const io = captureIo();
    expect(await runCli(refuse, ['--json'], io)).toBe(2);
    expect(JSON.parse(io.out)).toEqual({
      error: {
        code: 'CONFIG_REJECTED',
        message: 'x.cfg:2:3: bad (not written)',
        path: 'x.cfg',
        stage: 'check',
        findings: [finding],
        rolledBack: false,
      },
    });
    const parse = defineCliCommand({
      meta: { name: 'parse', description: 'Fails to parse' },
      args: { json: { type: 'boolean', description: 'Print JSON' } },
      run: () => {
        throw new ParseError('NOT_X', 'not X output', { file: 'y.txt' });
      },
    });
    const parsed = captureIo();
    await runCli(parse, ['--json'], parsed);
    expect(JSON.parse(parsed.out)).toEqual({
      error: {
        code: 'PARSE_ERROR',
        message: 'y.txt: not X output',
        reason: 'NOT_X',
        detail: 'not X output',
        file: 'y.txt',
      },
    });
  });
});
