import { describe, expect, it } from 'vitest';
import { HaError } from '../errors/ha-error.js';
import { defineCliCommand, describeError, runCli, type CliIo } from './cli.js';

function capture(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', stdout: (text: string) => void (io.out += text), stderr: (text: string) => void (io.err += text) };
  return io;
}

const tree = defineCliCommand({
  meta: { name: 'ha-test', version: '1.2.3', description: 'A test CLI' },
  subCommands: {
    greet: defineCliCommand({
      meta: { name: 'greet', description: 'Say hello' },
      args: { name: { type: 'positional', description: 'Who', required: true }, loud: { type: 'boolean', description: 'Shout' } },
      run({ args, io }) {
        io.stdout(`${args.loud ? 'HELLO' : 'hello'} ${args.name}\n`);
      },
    }),
    fail: defineCliCommand({
      meta: { name: 'fail', description: 'Fail' },
      args: { kind: { type: 'string', description: 'ha or plain' } },
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
    const io = capture();
    expect(await runCli(tree, ['greet', 'node1', '--loud'], io)).toBe(0);
    expect(io.out).toBe('HELLO node1\n');
  });

  it('prints usage for --help and exits 0', async () => {
    const io = capture();
    expect(await runCli(tree, ['--help'], io)).toBe(0);
    expect(io.out).toContain('A test CLI');
    expect(io.out).toContain('greet');
    const sub = capture();
    expect(await runCli(tree, ['greet', '--help'], sub)).toBe(0);
    expect(sub.out).toContain('--loud');
  });

  it('prints the version', async () => {
    const io = capture();
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
    const io = capture();
    expect(await runCli(tree, argv, io)).toBe(2);
    expect(io.err).toBe(line);
    expect(io.out).toBe('');
  });

  it('exits 2 with usage when no command is given', async () => {
    const io = capture();
    expect(await runCli(tree, [], io)).toBe(2);
    expect(io.err).toContain('no command given');
  });

  it("passes a command's own exit code through", async () => {
    expect(await runCli(tree, ['code'], capture())).toBe(1);
  });

  it('leaves everything after -- alone, flags included', async () => {
    const io = capture();
    expect(await runCli(tree, ['pass', '--', 'crm_mon', '--help', '-1'], io)).toBe(0);
    expect(io.out).toBe('["crm_mon","--help","-1"]\n');
  });

  it('describes foreign errors on one line', () => {
    expect(describeError('text\nmore')).toBe('text | more');
  });
});
