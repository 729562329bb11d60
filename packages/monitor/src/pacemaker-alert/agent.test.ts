import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { forwardAlert } from './agent.js';
import { AlertReceiver, type PacemakerAlert } from './receiver.js';
import { writeAgentLauncher } from './register.js';
import { defaultRunner } from '@ha/core';

const scratch = await mkdtemp(join(tmpdir(), 'ha-monitor-agent-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('the alert agent and its receiver, over a real unix socket', () => {
  it('forwards the CRM_alert_* variables as one typed event', async () => {
    const socket = join(scratch, 'a.sock');
    const received: PacemakerAlert[] = [];
    const receiver = new AlertReceiver(socket, { onAlert: (alert) => received.push(alert) });
    await receiver.listen();
    await forwardAlert({
      CRM_alert_recipient: socket,
      CRM_alert_kind: 'node',
      CRM_alert_node: 'node3',
      CRM_alert_desc: 'lost',
      CRM_alert_version: '2.1.5',
      PATH: '/bin',
    });
    expect(received).toEqual([{ recipient: socket, kind: 'node', node: 'node3', desc: 'lost', version: '2.1.5' }]);
    expect(((await stat(socket)).mode & 0o777).toString(8)).toMatch(/^6[06]0$/);
    await receiver.close();
  });

  it("gives the socket the group it is told (a gid, when the cluster's accounts are not this machine's)", async () => {
    const socket = join(scratch, 'group.sock');
    const receiver = new AlertReceiver(socket, { onAlert: () => undefined }, { group: 4242 });
    await receiver.listen();
    const info = await stat(socket);
    expect(info.gid).toBe(4242);
    expect((info.mode & 0o777).toString(8)).toBe('660');
    await receiver.close();
  });

  it('no socket (no monitor on this node) is fine; a wrong recipient or a refused event is an error', async () => {
    await forwardAlert({ CRM_alert_recipient: join(scratch, 'absent.sock'), CRM_alert_kind: 'node' });
    await expect(forwardAlert({ CRM_alert_recipient: 'relative.sock', CRM_alert_kind: 'node' })).rejects.toThrow(
      /absolute path/,
    );
    const socket = join(scratch, 'b.sock');
    const warnings: string[] = [];
    const receiver = new AlertReceiver(socket, {
      onAlert: () => undefined,
      onWarning: (message) => warnings.push(message),
    });
    await receiver.listen();
    await expect(forwardAlert({ CRM_alert_recipient: socket, CRM_alert_kind: 'weather' })).rejects.toThrow(
      /answered 'error: not an alert'/,
    );
    expect(warnings[0]).toMatch(/not an alert/);
    await receiver.close();
  });

  it('the launcher Pacemaker runs is an executable naming this Node.js, and delivers', async () => {
    const socket = join(scratch, 'c.sock');
    const received: PacemakerAlert[] = [];
    const receiver = new AlertReceiver(socket, { onAlert: (alert) => received.push(alert) });
    await receiver.listen();
    const launcher = join(scratch, 'agent', 'alert-agent');
    await writeAgentLauncher(launcher);
    await defaultRunner.run(launcher, [], {
      env: {
        CRM_alert_recipient: socket,
        CRM_alert_kind: 'resource',
        CRM_alert_rsc: 'WebServer',
        CRM_alert_task: 'monitor',
        CRM_alert_rc: '7',
      },
    });
    expect(received).toMatchObject([{ kind: 'resource', rsc: 'WebServer', task: 'monitor', rc: '7' }]);
    await receiver.close();
  });
});
