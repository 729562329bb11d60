import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRunner, runCli, SocketError } from '@ha/core';
import { command } from '../src/cli.js';
import {
  HaproxyMaster,
  HaproxyRuntime,
  PermissionDeniedError,
  RuntimeCommandError,
  UnknownCommandError,
} from '../src/index.js';
import { requestOnce } from '../src/transport/socket.js';
import { startLocalHaproxy, type LocalHaproxy } from './local-haproxy.js';
import { captureIo } from '@ha/core/testing';
import { labSeries } from '@ha/lab/vitest';

// A real HAProxy 2.6 of this file's own on Unix sockets in a temporary folder (no lab): how answers
// are classified on every path, what an idle client costs, and what a bad socket path says.
let haproxy: LocalHaproxy;
beforeAll(async () => {
  haproxy = await startLocalHaproxy();
}, 30_000);
afterAll(async () => {
  await haproxy?.stop();
});

/**
 * HAProxy's own verdict, where it gives one: with `set severity-output number` it labels the
 * messages of its commands `[3]: …` for an error and `[4]`…`[6]` for a warning, notice or
 * information; dumps are not labelled. (It is lost through the master CLI, so the client cannot
 * rely on it; it is the oracle here.)
 */
async function labelled(line: string): Promise<{ refused: boolean; text: string }> {
  const raw = (
    await requestOnce({ kind: 'unix', path: haproxy.adminSocket }, `set severity-output number; ${line}`, {
      timeoutMs: 5_000,
    })
  ).replace(/^\n/, '');
  const label = /^\[(\d)\]: /.exec(raw);
  return { refused: label !== null && Number(label[1]) <= 3, text: label ? raw.slice(label[0].length) : raw };
}

// Refusals and successes, reads and changes; each can be sent again and again with the same answer.
const commands = [
  'get weight servers/nope',
  'get weight servers/srv1',
  'set server servers/nope weight 5',
  'set server servers/srv1 weight 5x',
  'set server servers/srv1 weight 999',
  'set server servers/srv1 weight 3',
  'set server servers/srv1 state bogus',
  'set server servers/srv1 state ready',
  'set server servers/srv2 addr 127.0.0.1 port 8080',
  'enable health servers/srv1',
  'del server servers/srv1',
  'show servers state nope',
  'show servers state servers',
  'show table nope',
  'show map #99',
  'add map #99 k v',
  'show env NOPE',
  'show errors nope',
  'show errors',
  'show info',
  'show stat',
  'show version',
  'show cli level',
  'show backend',
  'set maxconn global 1000',
  'shutdown sessions server servers/nope',
  'clear table nope',
  'show peers nope',
  'show resolvers nope',
];

const paths = ['session, raw line', 'one-shot', 'session, words', 'routed through the master'];

describe('one classification of answers, on every path', () => {
  it("agrees with HAProxy's own labels, and every path throws or reports exactly the same refusal", async () => {
    const session = new HaproxyRuntime(haproxy.adminSocket);
    const oneshot = new HaproxyRuntime(haproxy.adminSocket, { mode: 'oneshot' });
    const routed = new HaproxyMaster(haproxy.masterSocket as string).worker(1);
    try {
      const batch = await session.batch(commands);
      for (const [i, line] of commands.entries()) {
        const oracle = await labelled(line);
        const outcomes = [
          await session.executeRaw(line).catch((error: unknown) => error),
          await oneshot.executeRaw(line).catch((error: unknown) => error),
          await session.execute(line.split(' ')).catch((error: unknown) => error),
          await routed.executeRaw(line).catch((error: unknown) => error),
        ];
        for (const [k, outcome] of outcomes.entries()) {
          // Which path, and what it threw: a failure says more than "expected SocketError".
          const where = `${line} (${paths[k]}): ${outcome instanceof Error ? outcome.message : 'answered'}`;
          if (oracle.refused) {
            expect(outcome, where).toBeInstanceOf(RuntimeCommandError);
            expect((outcome as RuntimeCommandError).response, where).toBe(oracle.text);
          } else {
            expect(outcome, where).not.toBeInstanceOf(Error);
          }
        }
        expect(batch[i], line).toMatchObject({ command: line, ok: !oracle.refused });
        expect(batch[i]?.error?.constructor, line).toBe(oracle.refused ? RuntimeCommandError : undefined);
      }
      // Both sides of the line were exercised.
      expect(batch.filter((result) => result.ok).length).toBeGreaterThan(8);
      expect(batch.filter((result) => !result.ok).length).toBeGreaterThan(8);
    } finally {
      await session.close();
    }
  });

  it('refuses a read of something missing instead of parsing the refusal as data', async () => {
    await using runtime = new HaproxyRuntime(haproxy.adminSocket);
    await expect(runtime.showServersState('nope')).rejects.toThrow(
      "haproxy refused 'show servers state nope': Can't find backend.",
    );
    await expect(runtime.showTable('nope')).rejects.toMatchObject({ code: 'REJECTED', response: 'No such table' });
    await expect(runtime.showMap('#99')).rejects.toBeInstanceOf(RuntimeCommandError);
    await expect(runtime.setServerWeight('servers/nope', 5)).rejects.toMatchObject({
      command: 'set server servers/nope weight 5',
      response: 'No such server.',
    });
    // 2.6 says it of the address and of the port, 3.0 in two words.
    expect(await runtime.setServerAddress('servers/srv2', '127.0.0.1', 8080)).toMatch(
      /^(no need to change the addr|nothing changed$)/,
    );
    // Where HAProxy's label cannot tell: `set server … addr` answers at warning level whether it changed the address or not.
    await expect(runtime.setServerAddress('servers/srv2', '127.0.0.x')).rejects.toMatchObject({
      // 3.0 no longer says by whom.
      response: expect.stringMatching(/^Invalid addr '127\.0\.0\.x'( by 'stats socket command')?$/),
    });
  });

  it('gives the typed errors for an unknown command and a level too low, on the session, one-shot and routed paths', async () => {
    const master = new HaproxyMaster(haproxy.masterSocket as string);
    for (const runtime of [
      new HaproxyRuntime(haproxy.adminSocket),
      new HaproxyRuntime(haproxy.adminSocket, { mode: 'oneshot' }),
      master.worker(1),
    ]) {
      await expect(runtime.executeRaw('frobnicate')).rejects.toBeInstanceOf(UnknownCommandError);
      const [result] = await runtime.batch(['frobnicate']);
      expect(result?.error).toBeInstanceOf(UnknownCommandError);
      await runtime.close();
    }
    await using user = new HaproxyRuntime(haproxy.userSocket);
    await expect(user.executeRaw('disable server servers/srv1')).rejects.toBeInstanceOf(PermissionDeniedError);
    expect((await user.batch(['disable server servers/srv1']))[0]?.error).toBeInstanceOf(PermissionDeniedError);
    expect((await master.showProc()).some((process) => process.type === 'worker')).toBe(true);
  });

  it('streams a dump, and throws a refused read without handing any of it over', async () => {
    await using runtime = new HaproxyRuntime(haproxy.adminSocket);
    const chunks: Uint8Array[] = [];
    await runtime.streamChunks(['show', 'stat'], (chunk) => chunks.push(chunk));
    expect(Buffer.concat(chunks).toString('utf8')).toMatch(/^# pxname,svname,/);
    const refused: Uint8Array[] = [];
    await expect(
      runtime.streamChunks(['show', 'servers', 'state', 'nope'], (chunk) => refused.push(chunk)),
    ).rejects.toMatchObject({ response: "Can't find backend." });
    await expect(
      runtime.streamChunks(['set', 'server', 'servers/srv1', 'weight', '5x'], (chunk) => refused.push(chunk)),
    ).rejects.toMatchObject({ response: 'Trailing garbage in weight string' });
    await expect(runtime.streamChunks(['frobnicate'], (chunk) => refused.push(chunk))).rejects.toBeInstanceOf(
      UnknownCommandError,
    );
    expect(refused).toEqual([]);
  });

  it("ha-haproxy exec prints a refused read's answer and exits 1, like a refused change", async () => {
    const refused = captureIo();
    expect(await runCli(command, ['exec', 'get weight servers/nope', '--socket', haproxy.adminSocket], refused)).toBe(
      1,
    );
    expect(refused.out).toBe('No such server.\n');
    const read = captureIo();
    expect(await runCli(command, ['exec', 'get weight servers/srv1', '--socket', haproxy.adminSocket], read)).toBe(0);
    expect(read.out).toMatch(/^\d+ \(initial 1\)\n$/);
    const unknown = captureIo();
    expect(await runCli(command, ['exec', 'frobnicate', '--socket', haproxy.adminSocket], unknown)).toBe(2);
    // 3.0 names the command it did not know.
    expect(unknown.err).toMatch(
      /^ha-haproxy: haproxy refused 'frobnicate': Unknown command(: 'frobnicate')?, but maybe one of the following ones is a better match:\n$/,
    );
  });
});

describe('the connection of an idle client', () => {
  // The child runs what ships: the built package.
  const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

  it('does not keep a script that never calls close() alive until the stats timeout (30 s)', async () => {
    expect(existsSync(dist), `${dist} is missing: build the package first`).toBe(true);
    // No await and no close(): the answer must still come (a command in flight holds the
    // process), and then nothing may hold it.
    const script = `import { HaproxyRuntime } from ${JSON.stringify(dist)};
      const haproxy = new HaproxyRuntime(process.argv[1]);
      haproxy.showVersion().then((version) => console.log(version));`;
    const result = await defaultRunner.run(
      process.execPath,
      ['--input-type=module', '-e', script, haproxy.adminSocket],
      { timeoutMs: 20_000 },
    );
    expect(result.stdout).toMatch(labSeries('haproxy'));
    expect(result.durationMs).toBeLessThan(5_000);
  });

  it('keeps the process alive while close() is under way, so a script that awaits it goes on', async () => {
    const script = `import { HaproxyRuntime } from ${JSON.stringify(dist)};
      const haproxy = new HaproxyRuntime(process.argv[1]);
      console.log(await haproxy.showVersion());
      await haproxy.close();
      console.log('closed');`;
    const result = await defaultRunner.run(
      process.execPath,
      ['--input-type=module', '-e', script, haproxy.adminSocket],
      { timeoutMs: 20_000 },
    );
    expect(result.stdout).toMatch(new RegExp(`${labSeries('haproxy').source}\\S*\\nclosed\\n?$`));
  });

  it('is closed at the end of an `await using` block', async () => {
    let kept: HaproxyRuntime | undefined;
    {
      await using runtime = new HaproxyRuntime(haproxy.adminSocket);
      expect(await runtime.showVersion()).toMatch(labSeries('haproxy'));
      kept = runtime;
    }
    await expect(kept.showVersion()).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: expect.stringContaining('session is closed'),
    });
  });
});

describe('a socket path with no HAProxy behind it', () => {
  it('names a regular file, a directory, a missing path and a stale socket for what they are', async () => {
    const file = join(haproxy.directory, 'not-a-socket.cfg');
    const directory = join(haproxy.directory, 'a-directory');
    await writeFile(file, 'global\n');
    await mkdir(directory);
    const stale = await startLocalHaproxy({ masterWorker: false });
    await stale.crash();
    const expected: [string, string, string][] = [
      [
        file,
        'ENOTSOCK',
        `${file}: is a regular file, not a socket (HAProxy creates its 'stats socket' itself: is this the right path?)`,
      ],
      [
        directory,
        'ENOTSOCK',
        `${directory}: is a directory, not a socket (HAProxy creates its 'stats socket' itself: is this the right path?)`,
      ],
      [
        join(directory, 'absent.sock'),
        'ENOENT',
        `${join(directory, 'absent.sock')}: no such socket (is HAProxy running, with a 'stats socket' at this path?)`,
      ],
      [
        stale.adminSocket,
        'ECONNREFUSED',
        `${stale.adminSocket}: connection refused: the socket file is there but nothing listens on it (HAProxy stopped or crashed, or is reloading?)`,
      ],
    ];
    try {
      expect(existsSync(stale.adminSocket)).toBe(true);
      for (const [path, systemCode, message] of expected) {
        for (const mode of ['session', 'oneshot'] as const) {
          await using runtime = new HaproxyRuntime(path, { mode });
          const error = await runtime.showVersion().catch((e: unknown) => e);
          expect(error, `${path} (${mode})`).toBeInstanceOf(SocketError);
          expect(error).toMatchObject({ systemCode, message });
        }
        const io = captureIo();
        expect(await runCli(command, ['info', '--socket', path], io)).toBe(2);
        expect(io.err).toBe(`ha-haproxy: ${message}\n`);
      }
    } finally {
      await stale.stop();
    }
  });
});
