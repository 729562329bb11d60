import { describe, expect, it } from 'vitest';
import { runCli, toolVersionSchema, type CliCommand, type CliIo } from '@ha/core';
import { command as corosync } from '../packages/corosync-config/src/cli.js';
import { command as drbd } from '../packages/drbd/src/cli.js';
import { command as haproxyConfig } from '../packages/haproxy-config/src/cli.js';
import { command as haproxyRuntime } from '../packages/haproxy-runtime/src/cli.js';
import { command as monitor } from '../packages/monitor/src/cli.js';
import { command as pcs } from '../packages/pcs-client/src/cli.js';

function capture(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', stdout: (text: string) => void (io.out += text), stderr: (text: string) => void (io.err += text) };
  return io;
}

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
    const help = capture();
    expect(await runCli(cli, ['--help'], help)).toBe(0);
    expect(help.out).toContain(cli.meta.name);
    expect(help.out).toContain('tools');
    const version = capture();
    expect(await runCli(cli, ['--version'], version)).toBe(0);
    expect(version.out).toBe('0.1.0\n');
  });

  it('finds the real tools it drives, with their versions', async () => {
    const io = capture();
    expect(await runCli(cli, ['tools', '--json'], io)).toBe(0);
    const found = toolVersionSchema.array().parse(JSON.parse(io.out));
    expect(found.map((tool) => tool.name)).toEqual(tools);
    for (const tool of found) expect(tool).toMatchObject({ found: true, version: expect.stringMatching(/^\d+\.\d+/) });
  });

  it('answers an unknown command with one line and exit code 2', async () => {
    const io = capture();
    expect(await runCli(cli, ['frobnicate'], io)).toBe(2);
    expect(io.err).toBe(`${cli.meta.name}: unknown command 'frobnicate' (see ${cli.meta.name} --help)\n`);
  });
});
