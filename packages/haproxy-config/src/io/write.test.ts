import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigRejectedError, sha256, ToolNotFoundError, withFileLock } from '@ha/core';
import { setDirective } from '../edit/edits.js';
import { readConfig } from './read.js';
import { install, writeConfig } from './write.js';

const scratch = await mkdtemp(join(tmpdir(), 'ha-haproxy-write-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const seed =
  'global\n    stats socket /run/haproxy/ha-install-test.sock\n\n' +
  'defaults\n    mode http\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n';

async function seedFile(name: string, text = seed): Promise<string> {
  const path = join(scratch, name);
  await writeFile(path, text);
  return path;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as ConfigRejectedError,
  );

// writeConfig and install against plain files (no HAProxy to reload): every refusal is a ConfigRejectedError naming its stage.
describe('writeConfig refuses with a ConfigRejectedError that says where, and leaves the file as it was', () => {
  it('validate: our own rules, before anything is touched, with their findings', async () => {
    const path = await seedFile('rules.cfg');
    const error = await failure(
      writeConfig(path, `${seed}frontend fe\n    bind 127.0.0.1:18401\n    default_backend ghost\n`),
    );
    expect(error).toBeInstanceOf(ConfigRejectedError);
    expect(error).toMatchObject({
      stage: 'validate',
      rolledBack: false,
      findings: [{ code: 'UNKNOWN_BACKEND', file: path, line: 11, column: 21 }],
    });
    expect(await readFile(path, 'utf8')).toBe(seed);
  });

  it('check: haproxy -c refuses what our rules let through (validate: false), its findings on the error; or cannot run at all', async () => {
    const path = await seedFile('refused.cfg');
    const refused = await failure(
      writeConfig(path, `${seed}backend b\n    server s 127.0.0.1:notaport\n`, { validate: false }),
    );
    expect(refused).toMatchObject({ stage: 'check', code: 'CONFIG_REJECTED', rolledBack: false });
    expect(refused?.findings[0]).toMatchObject({ file: path, line: 10, code: 'HAPROXY_ALERT', severity: 'error' });
    expect(refused?.findings.every((finding) => finding.severity === 'error')).toBe(true);
    const missing = await writeConfig(path, `${seed}# new\n`, {
      checkOptions: { haproxy: join(scratch, 'no-such-haproxy') },
    }).catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(ToolNotFoundError);
    expect(await readFile(path, 'utf8')).toBe(seed);
  });

  it('stale: the file changed since it was read', async () => {
    const path = await seedFile('stale.cfg');
    const { document, sha256: read } = await readConfig(path);
    await writeFile(path, `${seed}# someone else's change\n`);
    setDirective(document, { kind: 'global' }, ['maxconn', '4000']);
    const error = await failure(writeConfig(path, document, { expectedSha256: read, check: false }));
    expect(error).toMatchObject({ stage: 'stale', rolledBack: false, findings: [] });
    expect(error?.message).toMatch(/stale\.cfg: has changed since it was read/);
    expect(await readFile(path, 'utf8')).toBe(`${seed}# someone else's change\n`);
  });

  it('lock: another writer holds the file longer than the lock timeout (the lock is taken by default)', async () => {
    const path = await seedFile('locked.cfg');
    const error = await withFileLock(path, () =>
      failure(writeConfig(path, `${seed}# new\n`, { check: false, lock: { timeoutMs: 200 } })),
    );
    expect(error).toMatchObject({ stage: 'lock', rolledBack: false });
    expect(await readFile(path, 'utf8')).toBe(seed);
  });

  it('an I/O failure is no refusal: WRITE_FAILED', async () => {
    const error = await writeConfig(join(scratch, 'no-such-directory', 'haproxy.cfg'), seed, {
      check: false,
      lock: false,
    }).catch((caught: unknown) => caught);
    expect(error).not.toBeInstanceOf(ConfigRejectedError);
    expect(error).toMatchObject({ code: 'WRITE_FAILED' });
  });

  it('writes a good file atomically with a backup, checked by haproxy -c; the same content again changes nothing', async () => {
    const path = await seedFile('good.cfg');
    const next = `${seed}frontend fe\n    bind 127.0.0.1:18402\n    default_backend be\nbackend be\n    server s 127.0.0.1:18403\n`;
    const written = await writeConfig(path, next, { expectedSha256: sha256(seed) });
    expect(written).toMatchObject({ path, changed: true, backupPath: `${path}.bak` });
    expect(await readFile(path, 'utf8')).toBe(next);
    expect(await readFile(`${path}.bak`, 'utf8')).toBe(seed);
    expect(await writeConfig(path, next)).toMatchObject({ changed: false });
  });

  it('a split configuration: our rules and haproxy -c see the other files as they are, the new text in its place', async () => {
    const directory = join(scratch, 'split');
    await mkdir(directory);
    const main = await seedFile('split-main.cfg');
    await writeFile(join(directory, '20-backend.cfg'), 'backend be\n    server s 127.0.0.1:18404\n');
    const frontend = `${seed}frontend fe\n    bind 127.0.0.1:18405\n    default_backend be\n`;
    // Alone, the frontend names a backend that is not there.
    expect(await failure(writeConfig(main, frontend))).toMatchObject({
      stage: 'validate',
      findings: [{ code: 'UNKNOWN_BACKEND' }],
    });
    expect(await writeConfig(main, frontend, { checkWith: [main, directory] })).toMatchObject({ changed: true });
    await expect(writeConfig(main, frontend, { checkWith: [directory] })).rejects.toThrow(TypeError);
  });
});

describe('install is writeConfig, then reload and confirm under the lock, rolled back when they fail', () => {
  it('reloads and confirms a change, and reports what it did', async () => {
    const path = await seedFile('install.cfg');
    const calls: string[] = [];
    const report = await install(path, `${seed}# new\n`, {
      check: false,
      reload: async (file) => void calls.push(`reload ${file}`),
      confirm: async () => void calls.push('confirm'),
    });
    expect(report).toEqual({
      path,
      changed: true,
      backupPath: `${path}.bak`,
      checked: false,
      reloaded: true,
      reload: undefined,
      sha256: sha256(`${seed}# new\n`),
    });
    expect(calls).toEqual([`reload ${path}`, 'confirm']);
    // Nothing to write: nothing to reload.
    expect(
      await install(path, `${seed}# new\n`, { check: false, reload: async () => void calls.push('again') }),
    ).toMatchObject({ changed: false, reloaded: false });
    expect(calls).toHaveLength(2);
  });

  it('reload: the previous file is put back', async () => {
    const path = await seedFile('reload.cfg');
    const reload = async () => {
      throw new Error('the reload was refused');
    };
    const error = await failure(install(path, `${seed}# new\n`, { check: false, reload }));
    expect(error).toBeInstanceOf(ConfigRejectedError);
    expect(error).toMatchObject({ stage: 'reload', rolledBack: true, findings: [] });
    expect(error?.message).toMatch(
      /reload\.cfg: the reload failed: the reload was refused \(previous file restored\)$/,
    );
    expect(await readFile(path, 'utf8')).toBe(seed);
  });

  it('confirm: the previous file is put back, and reloaded again since HAProxy had loaded the new one', async () => {
    const path = await seedFile('confirm.cfg');
    const loaded: string[] = [];
    const reload = async (file: string) => void loaded.push(await readFile(file, 'utf8'));
    const confirm = async () => {
      throw new Error('the smoke test failed');
    };
    const error = await failure(install(path, `${seed}# new\n`, { check: false, reload, confirm }));
    expect(error).toMatchObject({ stage: 'confirm', rolledBack: true });
    expect(error?.message).toMatch(
      /the new configuration did not serve: the smoke test failed; the previous file is reloaded \(previous file restored\)$/,
    );
    expect(loaded).toEqual([`${seed}# new\n`, seed]);
    expect(await readFile(path, 'utf8')).toBe(seed);
  });

  it('confirm, and the reload of the previous file fails too: the message says HAProxy runs the new one', async () => {
    const path = await seedFile('confirm-twice.cfg');
    let reloads = 0;
    const reload = async () => {
      if (++reloads > 1) throw new Error('no');
    };
    const confirm = async () => {
      throw new Error('the smoke test failed');
    };
    const error = await failure(install(path, `${seed}# new\n`, { check: false, reload, confirm }));
    expect(error).toMatchObject({ stage: 'confirm', rolledBack: true });
    expect(error?.message).toMatch(/reloading the previous file failed too: HAProxy runs the new one/);
    expect(await readFile(path, 'utf8')).toBe(seed);
  });

  it('an empty reload command is a bad argument, refused before anything is written', async () => {
    const path = await seedFile('empty-reload.cfg');
    await expect(install(path, `${seed}# new\n`, { reload: { command: [] } })).rejects.toThrow(TypeError);
    expect(await readFile(path, 'utf8')).toBe(seed);
  });
});
