import { describe, expect, it } from 'vitest';
import { defaultRunner } from '@ha/core';
import { serverStatuses } from '../src/index.js';
import { labSeries, labStack, useLabHaproxy } from '../src/vitest.js';

const lab = useLabHaproxy({ servers: 3 });

async function get(): Promise<string> {
  const response = await fetch(`http://${lab().frontend.address}:${lab().frontend.port}/`);
  expect(response.status).toBe(200);
  return (await response.text()).trim();
}

async function admin(command: string, socket = lab().adminSocket): Promise<string> {
  const { stdout } = await defaultRunner.run('socat', ['-t', '2', 'stdio', `UNIX-CONNECT:${socket}`], {
    input: `${command}\n`,
  });
  return stdout;
}

describe('the lab HAProxy', () => {
  it('balances round robin over three real backends, all UP', async () => {
    const seen = [await get(), await get(), await get()];
    expect(seen.sort()).toEqual(['srv1', 'srv2', 'srv3']);
    expect([...(await serverStatuses(defaultRunner, lab())).values()]).toEqual(['UP', 'UP', 'UP']);
  });

  it('has an admin-level stats socket', async () => {
    expect(await admin('show info')).toMatch(/^Name: HAProxy$/m);
    // It is this project's generation of HAProxy (2.6 on debian12, 3.0 on debian13).
    expect(lab()).toMatchObject({ stack: labStack(), haproxyVersion: expect.stringMatching(labSeries('haproxy')) });
    expect((await admin('show info')).match(/^Version: (\S+)$/m)?.[1]).toMatch(labSeries('haproxy'));
    await admin('disable server servers/srv2');
    expect((await serverStatuses(defaultRunner, lab())).get('srv2')).toBe('MAINT');
    const seen = new Set([await get(), await get(), await get(), await get()]);
    expect(seen.has('srv2')).toBe(false);
    await admin('enable server servers/srv2');
  });

  it('has a master CLI listing the master and its worker', async () => {
    const processes = await admin('show proc', lab().masterSocket);
    expect(processes).toMatch(/^\d+\s+master\s/m);
    expect(processes).toMatch(/^\d+\s+worker\s/m);
  });
});
