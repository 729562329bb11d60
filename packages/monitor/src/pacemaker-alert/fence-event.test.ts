import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ParseError } from '@ha/core';
import { forwardAlert } from './agent.js';
import { parseFenceAlert } from './fence-event.js';
import { AlertReceiver, type PacemakerAlert } from './receiver.js';

// The alert agent's environment for fencing results, per Pacemaker generation (see the folder's README).
const environment = (version: string, name: string): Record<string, string> =>
  JSON.parse(
    readFileSync(new URL(`../../test/fixtures/pacemaker-alert/${version}/${name}.json`, import.meta.url), 'utf8'),
  ) as Record<string, string>;

const scratch = await mkdtemp(join(tmpdir(), 'ha-monitor-fence-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** What the monitor receives when the real agent forwards this environment over a real socket. */
async function throughAgent(env: Record<string, string>): Promise<PacemakerAlert> {
  const socket = join(scratch, `${Math.random().toString(36).slice(2)}.sock`);
  const received: PacemakerAlert[] = [];
  const receiver = new AlertReceiver(socket, { onAlert: (alert) => received.push(alert) });
  await receiver.listen();
  try {
    await forwardAlert({ ...env, CRM_alert_recipient: socket, PATH: '/usr/bin' });
  } finally {
    await receiver.close();
  }
  expect(received).toHaveLength(1);
  return received[0] as PacemakerAlert;
}

describe.each(['2.1.5', '3.0.0'])('fencing alerts of Pacemaker %s, through the agent', (version) => {
  it('a successful reboot: target, action, delegate, client and origin, ok, the time', async () => {
    const alert = await throughAgent(environment(version, 'reboot-ok'));
    expect(alert.kind).toBe('fencing');
    expect(parseFenceAlert(alert)).toEqual({
      target: 'node3',
      action: 'reboot',
      delegate: 'node1',
      client: 'pacemaker-controld.1843',
      origin: 'node2',
      ok: true,
      status: 'OK',
      reason: undefined,
      reference: '3b5e3f0c-8a4f-4b5e-9d9e-2f7c5a1d9e10',
      rc: 0,
      at: Date.UTC(2026, 11, 1, 18, 40, 12, 345),
      version,
    });
  });

  it('a timeout: no delegate ("the cluster"), failed, in this generation\'s words', async () => {
    const fence = parseFenceAlert(await throughAgent(environment(version, 'reboot-timeout')));
    expect(fence).toMatchObject({ target: 'node3', action: 'reboot', delegate: undefined, ok: false, rc: -62 });
    // 2.1 capitalises it, 3.0 does not (pcmk_exec_status_str).
    expect(fence.status).toBe(version === '2.1.5' ? 'Timed Out' : 'Timed out');
    expect(fence.reason).toBeUndefined();
  });

  it("the fence agent's reason, parentheses and all; no fence device; a manual confirm is a successful off", async () => {
    expect(parseFenceAlert(await throughAgent(environment(version, 'off-agent-error')))).toMatchObject({
      target: 'node2',
      action: 'off',
      delegate: 'node3',
      ok: false,
      status: 'Error',
      reason: 'fence_ha_lab: the power switch refused (outlet node2 is locked)',
    });
    expect(parseFenceAlert(await throughAgent(environment(version, 'no-fence-device')))).toMatchObject({
      target: 'node2',
      ok: false,
      status: 'No fence device',
      reason: undefined,
    });
    expect(parseFenceAlert(await throughAgent(environment(version, 'manual-confirm')))).toMatchObject({
      target: 'node2',
      action: 'off',
      delegate: 'node1',
      client: 'stonith_admin.4412',
      origin: 'node1',
      ok: true,
    });
  });
});

describe('parseFenceAlert', () => {
  it("reads Pacemaker 2.0's wording too (no reason, '<anyone>' for no delegate)", () => {
    expect(
      parseFenceAlert({
        kind: 'fencing',
        node: 'node2',
        task: 'st_notify_fence',
        rc: '-62',
        desc: 'Operation reboot of node2 by <anyone> for crmd.1234@node1.8f2c1d9e: Timer expired (ref=8f2c1d9e-0000)',
      }),
    ).toMatchObject({ target: 'node2', action: 'reboot', delegate: undefined, ok: false, status: 'Timer expired' });
  });

  it('not a fencing alert, no target, or an unknown wording: a ParseError that quotes it', () => {
    expect(() => parseFenceAlert({ kind: 'node', node: 'node2', desc: 'lost' })).toThrow(ParseError);
    expect(() => parseFenceAlert({ kind: 'fencing', desc: 'whatever' })).toThrow(/names no node/);
    const unknown = (() => {
      try {
        parseFenceAlert({ kind: 'fencing', node: 'node2', desc: 'node2 was fenced\u0007' });
      } catch (error) {
        return error;
      }
    })();
    expect(unknown).toBeInstanceOf(ParseError);
    expect((unknown as ParseError).reason).toBe('UNKNOWN_FENCE_DESCRIPTION');
    expect((unknown as Error).message).toMatch(/says 'node2 was fenced\\x07'/);
  });

  it('whatever the description and code, a FenceAlert or a ParseError, never anything else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc
            .tuple(fc.string(), fc.string(), fc.string(), fc.string())
            .map(([a, b, c, d]) => `Operation ${a} of ${b} by ${c} for ${d}: ${a} (${b}) (ref=${c})`),
        ),
        fc.option(fc.string(), { nil: undefined }),
        (desc, rc) => {
          try {
            const fence = parseFenceAlert({
              kind: 'fencing',
              node: 'node1',
              desc,
              ...(rc === undefined ? {} : { rc }),
            });
            expect(typeof fence.ok).toBe('boolean');
            expect(fence.target).toBe('node1');
          } catch (error) {
            expect(error).toBeInstanceOf(ParseError);
          }
        },
      ),
    );
  });
});
