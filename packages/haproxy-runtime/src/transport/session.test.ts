import { createServer, type Server, type Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { HaError } from '@ha/core';
import { RuntimeSession } from './session.js';
import { requestOnce } from './socket.js';

// Peers that misbehave the way a hung or dying process does: accept, then say nothing.
// (Talking to HAProxy itself is tested against the real one in test/runtime.int.test.ts.)
const scratch = await mkdtemp(join(tmpdir(), 'ha-runtime-session-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

let server: Server | undefined;
afterEach(() => {
  // close() would wait for the half-open connections the peers keep.
  server?.close();
  server = undefined;
});

// `ended` resolves when the client closes its side of the connection.
async function silentPeer(name: string): Promise<{ path: string; ended: Promise<void> }> {
  const path = join(scratch, name);
  let onEnd: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (onEnd = resolve));
  // allowHalfOpen: a hung process does not close its side when we finish writing.
  server = createServer({ allowHalfOpen: true }, (socket: Socket) => {
    socket.on('data', () => undefined);
    socket.on('end', onEnd);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server?.listen(path, resolve));
  return { path, ended };
}

describe('deadlines against a peer that never answers', () => {
  it('a one-shot request times out instead of waiting for ever', async () => {
    const peer = await silentPeer('oneshot.sock');
    const started = performance.now();
    const error = await requestOnce({ kind: 'unix', path: peer.path }, 'show proc', { timeoutMs: 200 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HaError);
    expect(error).toMatchObject({ code: 'TIMEOUT' });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('a session times out waiting for the prompt and closes its connection', async () => {
    const peer = await silentPeer('session.sock');
    const session = new RuntimeSession({ kind: 'unix', path: peer.path }, { connectTimeoutMs: 200, timeoutMs: 200 });
    const error = await session.send('show info').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TIMEOUT' });
    await peer.ended;
    await session.close();
    await expect(session.send('show info')).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
  });
});
