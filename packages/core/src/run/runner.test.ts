import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { UnsafeArgumentError } from '../errors/ha-error.js';
import { CommandError, ToolNotFoundError } from './command-error.js';
import { createRunner, defaultRunner, formatCommand } from './runner.js';

const scratch = await mkdtemp(join(tmpdir(), 'ha-core-runner-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('run', () => {
  it('returns output, exit code and duration of a command that succeeds', async () => {
    const result = await defaultRunner.run('sh', ['-c', 'printf "%s|" "$@"', 'sh', 'a b', "it's", '$HOME;rm']);
    expect(result.stdout).toBe("a b|it's|$HOME;rm|");
    expect(result.exitCode).toBe(0);
    expect(result.durationMs).toBeGreaterThan(0);
    expect(result.command).toBe(`sh -c 'printf "%s|" "$@"' sh 'a b' 'it'\\''s' '$HOME;rm'`);
  });

  it('maps a non-zero exit to CommandError with command, arguments, code and stderr', async () => {
    const failure = await defaultRunner
      .run('sh', ['-c', 'echo out; echo "bad thing" >&2; exit 3'])
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CommandError);
    const error = failure as CommandError;
    expect(error).toMatchObject({
      code: 'COMMAND_FAILED',
      file: 'sh',
      exitCode: 3,
      stdout: 'out\n',
      stderr: 'bad thing\n',
      timedOut: false,
    });
    expect(error.args).toEqual(['-c', 'echo out; echo "bad thing" >&2; exit 3']);
    expect(error.message).toContain('exited with code 3: bad thing');
  });

  it('accepts exit codes the caller declares as answers', async () => {
    const result = await defaultRunner.run('sh', ['-c', 'exit 1'], { allowExitCodes: [1] });
    expect(result.exitCode).toBe(1);
  });

  it('kills a command that outlives its timeout and says so', async () => {
    const error = (await defaultRunner
      .run('sleep', ['10'], { timeoutMs: 150 })
      .catch((e: unknown) => e)) as CommandError;
    expect(error).toBeInstanceOf(CommandError);
    expect(error.code).toBe('COMMAND_TIMED_OUT');
    expect(error.timedOut).toBe(true);
    expect(error.signal).toBe('SIGTERM');
    expect(error.durationMs).toBeLessThan(5_000);
  });

  it('reports a program that is not installed as ToolNotFoundError', async () => {
    const error = await defaultRunner.run('ha-no-such-tool', ['--version']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolNotFoundError);
    expect(error).toMatchObject({ code: 'TOOL_NOT_FOUND', file: 'ha-no-such-tool', args: ['--version'] });
  });

  it('refuses NUL bytes and non-strings before anything runs', async () => {
    await expect(defaultRunner.run('echo', ['a\0b'])).rejects.toBeInstanceOf(UnsafeArgumentError);
    await expect(defaultRunner.run('echo', [42 as unknown as string])).rejects.toBeInstanceOf(UnsafeArgumentError);
    await expect(defaultRunner.run('', [])).rejects.toBeInstanceOf(UnsafeArgumentError);
  });

  it('feeds input and honours a clean environment', async () => {
    const runner = createRunner({ cleanEnv: true, env: { PATH: process.env.PATH, ONLY: 'this' } });
    const result = await runner.run('sh', ['-c', 'cat; env | grep -c ^ONLY=; env | grep -c ^HOME= || true'], {
      input: 'typed\n',
    });
    expect(result.stdout).toBe('typed\n1\n0\n');
  });

  it('wraps every command and labels it in errors', async () => {
    const runner = createRunner({
      label: 'box',
      wrap: (file, args) => ({ file: 'env', args: ['WRAPPED=1', file, ...args] }),
    });
    expect((await runner.run('sh', ['-c', 'echo $WRAPPED'])).stdout).toBe('1\n');
    const error = (await runner.run('sh', ['-c', 'exit 4']).catch((e: unknown) => e)) as CommandError;
    expect(error.command).toBe(`[box] sh -c 'exit 4'`);
    await expect(runner.run('ha-no-such-tool', [])).rejects.toBeInstanceOf(ToolNotFoundError);
  });
});

describe('spawnDetached', () => {
  it('starts a daemon that outlives the call and writes to its log file', async () => {
    const log = join(scratch, 'daemon.log');
    const daemon = await defaultRunner.spawnDetached('sh', ['-c', 'echo started; exec sleep 30'], { logFile: log });
    try {
      expect(daemon.pid).toBeGreaterThan(0);
      for (let i = 0; i < 50 && !(await readFile(log, 'utf8').catch(() => '')).includes('started'); i++)
        await sleep(20);
      expect(await readFile(log, 'utf8')).toBe('started\n');
      expect(() => process.kill(daemon.pid, 0)).not.toThrow();
    } finally {
      process.kill(daemon.pid, 'SIGKILL');
    }
  });

  it('reports a missing daemon program', async () => {
    await expect(defaultRunner.spawnDetached('ha-no-such-daemon', [])).rejects.toBeInstanceOf(ToolNotFoundError);
  });
});

describe('formatCommand', () => {
  it('quotes only what a shell user would have to quote', () => {
    expect(formatCommand('crm_mon', ['--one-shot', '--output-as=xml'])).toBe('crm_mon --one-shot --output-as=xml');
    expect(formatCommand('echo', ['', 'a;b', 'x y'])).toBe(`echo '' 'a;b' 'x y'`);
  });
});

describe('stream', () => {
  it('hands a long-running command its output a line at a time, and stops it', async () => {
    const process = defaultRunner.stream('sh', [
      '-c',
      'i=0; while true; do echo "line $i"; i=$((i+1)); sleep 0.02; done',
    ]);
    const seen: string[] = [];
    for await (const line of process.lines) {
      seen.push(line);
      if (seen.length === 3) break;
    }
    await process.stop();
    expect(seen).toEqual(['line 0', 'line 1', 'line 2']);
    await expect(process.done).resolves.toMatchObject({ file: 'sh' });
  });

  it('with chunks, hands output that has no newline yet the moment it is written', async () => {
    // A dot, then nothing for a second: line by line it would wait for the newline.
    const process = defaultRunner.stream('sh', ['-c', 'printf .; sleep 1; printf "é\\n"'], { chunks: true });
    const started = Date.now();
    const seen: { text: string; at: number }[] = [];
    for await (const chunk of process.lines) seen.push({ text: chunk, at: Date.now() - started });
    expect(seen.map((entry) => entry.text).join('')).toBe('.é\n');
    expect(seen[0]?.text).toBe('.');
    expect(seen[0]?.at).toBeLessThan(800);
    await expect(process.done).resolves.toMatchObject({ exitCode: 0 });
  });

  it('stop ends the whole command, also what a wrapper forked (nsenter into a PID namespace forks)', async () => {
    // The outer shell ignores SIGTERM, as a forking wrapper that does not pass it on would; its child holds the pipe.
    const process = defaultRunner.stream('sh', ['-c', "trap '' TERM; sh -c 'echo ready; sleep 30; echo late' & wait"]);
    for await (const line of process.lines) if (line === 'ready') break;
    const started = Date.now();
    await process.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(process.done).resolves.toMatchObject({ file: 'sh' });
  });

  it('reports a command that fails, and one that is missing, as typed errors', async () => {
    const failing = defaultRunner.stream('sh', ['-c', 'echo partial; echo broken >&2; exit 20']);
    const lines: string[] = [];
    for await (const line of failing.lines) lines.push(line);
    expect(lines).toEqual(['partial']);
    await expect(failing.done).rejects.toMatchObject({ code: 'COMMAND_FAILED', exitCode: 20, stderr: 'broken\n' });
    const missing = defaultRunner.stream('ha-no-such-tool', []);
    await expect(missing.done).rejects.toBeInstanceOf(ToolNotFoundError);
  });
});
