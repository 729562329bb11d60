import { chown, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultRunner } from '../run/runner.js';
import { installFile, writeFileAtomic } from './atomic-write.js';

const scratch = await mkdtemp(join(tmpdir(), 'ha-core-atomic-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

let counter = 0;
async function fileWith(content: string, mode = 0o640): Promise<string> {
  const path = join(scratch, `file-${counter++}.cfg`);
  await writeFile(path, content, { mode });
  return path;
}

// The validator the config packages use: the real tool checks the candidate.
async function shellSyntaxCheck(candidate: string): Promise<void> {
  await defaultRunner.run('sh', ['-n', candidate]);
}

describe('writeFileAtomic', () => {
  it('replaces content and keeps no temp file behind', async () => {
    const path = await fileWith('old\n');
    await writeFileAtomic(path, 'new\n');
    expect(await readFile(path, 'utf8')).toBe('new\n');
    expect((await readdir(scratch)).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  it('keeps the mode, owner and group of the file it replaces, and of its backup', async () => {
    const path = await fileWith('old\n', 0o640);
    // A group other than root's, as /etc/corosync/corosync.conf (root:haclient 0640) has on a cluster node.
    await chown(path, 0, 4);
    await writeFileAtomic(path, 'new\n');
    expect((await stat(path)).mode & 0o777).toBe(0o640);
    expect((await stat(path)).gid).toBe(4);
    await installFile(path, 'newer\n');
    expect((await stat(`${path}.bak`)).mode & 0o777).toBe(0o640);
    expect((await stat(`${path}.bak`)).gid).toBe(4);
    expect((await stat(path)).gid).toBe(4);
  });

  it('sets the exact mode asked for, whatever the umask', async () => {
    const path = join(scratch, 'secret');
    await writeFileAtomic(path, 'k', { mode: 0o400 });
    expect((await stat(path)).mode & 0o777).toBe(0o400);
  });

  it('fails with WRITE_FAILED when the directory does not exist', async () => {
    await expect(writeFileAtomic(join(scratch, 'missing', 'x'), 'y')).rejects.toMatchObject({ code: 'WRITE_FAILED' });
  });
});

describe('installFile', () => {
  it('validates, backs up, replaces and keeps the previous mode', async () => {
    const path = await fileWith('echo old\n', 0o640);
    const result = await installFile(path, 'echo new\n', { validate: shellSyntaxCheck });
    expect(result).toMatchObject({ changed: true, backupPath: `${path}.bak` });
    expect(await readFile(path, 'utf8')).toBe('echo new\n');
    expect(await readFile(`${path}.bak`, 'utf8')).toBe('echo old\n');
    expect((await stat(path)).mode & 0o777).toBe(0o640);
  });

  it('leaves the file untouched when the real tool rejects the candidate', async () => {
    const path = await fileWith('echo old\n');
    await expect(installFile(path, 'if then fi (\n', { validate: shellSyntaxCheck })).rejects.toMatchObject({
      code: 'COMMAND_FAILED',
    });
    expect(await readFile(path, 'utf8')).toBe('echo old\n');
    expect((await readdir(scratch)).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  it('rolls back when activation fails', async () => {
    const path = await fileWith('echo old\n');
    const error = await installFile(path, 'echo new\n', {
      activate: async () => {
        throw new Error('reload refused');
      },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFIG_REJECTED', stage: 'activate', rolledBack: true, findings: [] });
    expect((error as Error).message).toBe(`${path}: activation failed: reload refused (previous file restored)`);
    expect(await readFile(path, 'utf8')).toBe('echo old\n');
  });

  it('runs onRollback once the previous file is back, and only after a failed activation', async () => {
    const path = await fileWith('echo old\n');
    const seen: string[] = [];
    const error = await installFile(path, 'echo new\n', {
      activate: async () => {
        throw new Error('confirm failed');
      },
      onRollback: async (restored, cause) => {
        seen.push(`${await readFile(restored, 'utf8')}|${(cause as Error).message}`);
      },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ stage: 'activate', rolledBack: true });
    expect(seen).toEqual(['echo old\n|confirm failed']);
    await installFile(path, 'echo newer\n', {
      activate: async () => undefined,
      onRollback: async () => void seen.push('called'),
    });
    expect(seen).toHaveLength(1);
  });

  it('removes a new file again when activation of a first install fails', async () => {
    const path = join(scratch, 'first-install.cfg');
    await expect(installFile(path, 'x', { activate: () => Promise.reject(new Error('no')) })).rejects.toThrow();
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('writes nothing when the content is unchanged, and can roll back by hand', async () => {
    const path = await fileWith('same\n');
    expect((await installFile(path, 'same\n')).changed).toBe(false);
    const result = await installFile(path, 'changed\n', { backupPath: false });
    expect(result.backupPath).toBeUndefined();
    await result.rollback();
    expect(await readFile(path, 'utf8')).toBe('same\n');
  });
});

describe('stale reads and locks', () => {
  it('refuses a change based on content that has changed since', async () => {
    const { installFile, sha256 } = await import('./atomic-write.js');
    const path = join(scratch, 'stale.cfg');
    await writeFile(path, 'first\n');
    const readHash = sha256('first\n');
    await writeFile(path, 'someone else\n');
    await expect(installFile(path, 'mine\n', { expectedSha256: readHash })).rejects.toMatchObject({
      code: 'CONFIG_REJECTED',
      stage: 'stale',
      message: `${path}: has changed since it was read; read it again and redo the change (not written)`,
    });
    expect(await readFile(path, 'utf8')).toBe('someone else\n');
    await installFile(path, 'mine\n', { expectedSha256: sha256('someone else\n') });
    expect(await readFile(path, 'utf8')).toBe('mine\n');
    await expect(installFile(join(scratch, 'new.cfg'), 'x', { expectedSha256: readHash })).rejects.toMatchObject({
      code: 'CONFIG_REJECTED',
      stage: 'stale',
    });
    await installFile(join(scratch, 'new.cfg'), 'x', { expectedSha256: null });
  });

  it('serializes two holders of a file lock, and takes over a lock whose owner died', async () => {
    const { withFileLock } = await import('./lock.js');
    const path = join(scratch, 'locked.cfg');
    const events: string[] = [];
    const first = withFileLock(path, async () => {
      events.push('first in');
      await new Promise((resolve) => setTimeout(resolve, 100));
      events.push('first out');
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = withFileLock(path, async () => {
      events.push('second in');
    });
    await Promise.all([first, second]);
    expect(events).toEqual(['first in', 'first out', 'second in']);
    // A lock file naming a process that no longer exists.
    await writeFile(`${path}.lock`, '999999999\n');
    expect(await withFileLock(path, async () => 'taken over')).toBe('taken over');
    await writeFile(`${path}.lock`, `${process.pid}\n`);
    await expect(withFileLock(path, async () => 'never', { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
  });
});
