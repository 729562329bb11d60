import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCliCaptured, toolVersionSchema } from '@ha/core';
import { command } from './cli.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

// Only commands that touch no lab: --help, --version and tools.
describe('ha-lab', () => {
  it('prints its version from package.json, as every ha-toolkit CLI does', async () => {
    expect(await runCliCaptured(command, ['--version'])).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });

  it('lists its commands, tools among them, in --help', async () => {
    const { code, out } = await runCliCaptured(command, ['--help']);
    expect(code).toBe(0);
    for (const name of ['up', 'down', 'status', 'exec', 'haproxy', 'leftovers', 'tools'])
      expect(out).toMatch(new RegExp(`^\\s+${name}\\s`, 'm'));
  });

  it('finds the real programs it runs, with their versions', async () => {
    const { code, out } = await runCliCaptured(command, ['tools', '--json']);
    const found = toolVersionSchema.array().parse(JSON.parse(out));
    expect(found.map((tool) => tool.name)).toEqual([
      'corosync',
      'pacemaker',
      'pcs',
      'haproxy',
      'socat',
      'iproute2',
      'util-linux',
    ]);
    for (const tool of found) expect(tool).toMatchObject({ found: true, version: expect.stringMatching(/^\d+\.\d+/) });
    expect(code).toBe(0);
  });
});
