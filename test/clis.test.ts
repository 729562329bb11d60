import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, toolVersionSchema, type CliCommand } from '@ha/core';
import { command as corosync } from '../packages/corosync-config/src/cli.js';
import { command as drbd } from '../packages/drbd/src/cli.js';
import { command as haproxyConfig } from '../packages/haproxy-config/src/cli.js';
import { command as haproxyRuntime } from '../packages/haproxy-runtime/src/cli.js';
import { command as monitor } from '../packages/monitor/src/cli.js';
import { command as pcs } from '../packages/pcs-client/src/cli.js';
import { captureIo } from '@ha/core/testing';

// Each CLI, with the real tools it must find on a machine set up by `npm test`.
const clis: [CliCommand<any>, string[]][] = [
  [corosync, ['corosync']],
  [pcs, ['pacemaker', 'crm_mon', 'pcs']],
  [haproxyConfig, ['haproxy']],
  [haproxyRuntime, ['haproxy']],
  [drbd, ['drbd-utils']],
  [monitor, ['corosync', 'pacemaker', 'crm_mon', 'pcs', 'haproxy', 'drbd-utils']],
];

describe.each(clis.map(([cli, tools]) => ({ name: cli.meta.name, cli, tools })))('$name', ({ cli, tools }) => {
  it('prints help and its version', async () => {
    const help = captureIo();
    expect(await runCli(cli, ['--help'], help)).toBe(0);
    expect(help.out).toContain(cli.meta.name);
    expect(help.out).toContain('tools');
    const version = captureIo();
    expect(await runCli(cli, ['--version'], version)).toBe(0);
    expect(version.out).toBe('0.1.0\n');
  });

  it('finds the real tools it drives, with their versions', async () => {
    const io = captureIo();
    expect(await runCli(cli, ['tools', '--json'], io)).toBe(0);
    const found = toolVersionSchema.array().parse(JSON.parse(io.out));
    expect(found.map((tool) => tool.name)).toEqual(tools);
    for (const tool of found) expect(tool).toMatchObject({ found: true, version: expect.stringMatching(/^\d+\.\d+/) });
  });

  it('documents every flag and positional, and helps in plain kebab-case', async () => {
    for (const [path, command] of walk(cli)) {
      for (const [name, definition] of Object.entries(command.args ?? {}) as [string, { description?: string }][]) {
        expect(definition.description ?? '', `${path.join(' ')} ${name}`).not.toBe('');
      }
      const io = captureIo();
      expect(await runCli(cli, [...path.slice(1), '--help'], io)).toBe(0);
      // eslint-disable-next-line no-control-regex
      expect(io.out).not.toMatch(/\u001b\[/);
      expect(io.out, path.join(' ')).not.toMatch(/--[a-z]+[A-Z]/);
    }
  });

  it('meets hostile input with exit 0, 1 or 2 and at most one line of error, as JSON too', async () => {
    for (const [path, command] of walk(cli)) {
      if (command.run === undefined || path.at(-1) === 'tools') continue;
      const entries = Object.entries(command.args ?? {}) as [string, { type?: string }][];
      const positionals = entries.filter(([, definition]) => definition.type === 'positional');
      // Only arguments that name a file to read: others would act on the host (pcs, drbdadm) with a path as a name.
      const fileOptions = entries.filter(
        ([name, definition]) => definition.type === 'string' && /(File|^from|^config)$/.test(name),
      );
      const readsFile = positionals.length > 0 && /^(file|path|config|input)$/i.test(positionals[0]?.[0] ?? '');
      const shapes: ((input: string) => string[])[] = [
        ...(readsFile ? [(input: string) => [input, ...positionals.slice(1).map(() => 'x')]] : []),
        ...fileOptions.map(([name]) => (input: string) => [
          `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
          input,
        ]),
      ];
      for (const shape of shapes)
        for (const input of hostileInputs()) {
          const io = captureIo();
          // ha-monitor's root runs until stopped: one evaluation is what a hostile file is tried with.
          const once = cli.meta.name === 'ha-monitor' && path.length === 1 ? ['--once'] : [];
          const argv = [...path.slice(1), ...shape(input), ...once, '--json'];
          const code = await runCli(cli, argv, io);
          const where = `${argv.join(' ')} → ${code}: ${io.err}`;
          expect([0, 1, 2], where).toContain(code);
          expect(io.err.split('\n').filter(Boolean).length, where).toBeLessThanOrEqual(1);
          expect(`${io.out}${io.err}`, where).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/);
          // eslint-disable-next-line no-control-regex
          expect(io.err, where).not.toMatch(/[\u0000-\u0008\u000e-\u001f]/);
          // With --json, stdout is one JSON answer: the error object, or (ha-monitor --once) the report saying it could not look.
          if (code === 2) {
            const answer = JSON.parse(io.out) as { error?: unknown; verdict?: string };
            if (answer.verdict === undefined)
              expect(answer, where).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
            else expect(answer.verdict, where).toBe('unknown');
          }
        }
    }
  }, 120_000);

  it('answers an unknown command with one line and exit code 2', async () => {
    const io = captureIo();
    expect(await runCli(cli, ['frobnicate'], io)).toBe(2);
    expect(io.err).toBe(`${cli.meta.name}: unknown command 'frobnicate' (see ${cli.meta.name} --help)\n`);
  });
});

function* walk(command: CliCommand<any>, path: string[] = [command.meta.name]): Generator<[string[], CliCommand<any>]> {
  yield [path, command];
  for (const [name, sub] of Object.entries(command.subCommands ?? {})) yield* walk(sub, [...path, name]);
}

let hostile: string;
beforeAll(async () => {
  hostile = await mkdtemp(join(tmpdir(), 'ha-hostile-'));
  await writeFile(
    join(hostile, 'binary'),
    Buffer.from([0x00, 0xff, 0xfe, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x0a, 0x07, 0x80, 0x81]),
  );
  await writeFile(join(hostile, 'empty'), '');
  await writeFile(join(hostile, 'braces'), '{{{{ }}}} ; ; "unterminated\n' + '}'.repeat(1000));
  await writeFile(join(hostile, 'too-large'), Buffer.alloc(17 * 1024 * 1024, 0x61));
  await mkdir(join(hostile, 'a-directory'));
});
afterAll(async () => {
  await rm(hostile, { recursive: true, force: true });
});

function hostileInputs(): string[] {
  return ['binary', 'empty', 'braces', 'too-large', 'a-directory', 'missing']
    .map((name) => join(hostile, name))
    .concat('/etc/hosts');
}
