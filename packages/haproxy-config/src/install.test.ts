import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isHaError, ToolNotFoundError, withFileLock } from '@ha/core';
import { InstallError, install, readConfigFile } from './install.js';
import { setDirective } from './edit/edits.js';

const scratch = await mkdtemp(join(tmpdir(), 'ha-haproxy-install-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const seed = 'global\n    stats socket /run/haproxy/ha-install-test.sock\n\ndefaults\n    mode http\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n';

async function seedFile(name: string): Promise<string> {
  const path = join(scratch, name);
  await writeFile(path, seed);
  return path;
}

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as InstallError);

// install() against a plain file (no HAProxy to reload): every way it stops is an InstallError naming its stage.
describe('install stops with an InstallError that says where', () => {
  it('stale: the file changed since it was read; nothing is written', async () => {
    const path = await seedFile('stale.cfg');
    const { document, sha256 } = await readConfigFile(path);
    await writeFile(path, `${seed}# someone else's change\n`);
    setDirective(document, { kind: 'global' }, ['maxconn', '4000']);
    const error = await failure(install(document, { path, expectedSha256: sha256, check: false }));
    expect(error).toBeInstanceOf(InstallError);
    expect(error).toMatchObject({ stage: 'stale', code: 'PRECONDITION_FAILED', rolledBack: false, findings: [] });
    expect(error?.message).toMatch(/stale\.cfg: has changed since it was read/);
    expect(isHaError(error?.cause) && error.cause.code).toBe('PRECONDITION_FAILED');
    expect(await readFile(path, 'utf8')).toBe(`${seed}# someone else's change\n`);
  });

  it('lock: another installer holds the file longer than lockTimeoutMs', async () => {
    const path = await seedFile('locked.cfg');
    const error = await withFileLock(path, () => failure(install(`${seed}# new\n`, { path, check: false, lockTimeoutMs: 200 })));
    expect(error).toBeInstanceOf(InstallError);
    expect(error).toMatchObject({ stage: 'lock', code: 'TIMEOUT', rolledBack: false });
    expect(await readFile(path, 'utf8')).toBe(seed);
  });

  it('check: haproxy -c refuses the file (its findings on the error), or cannot run at all', async () => {
    const path = await seedFile('refused.cfg');
    const refused = await failure(install(`${seed}backend b\n    server s 127.0.0.1:notaport\n`, { path }));
    expect(refused).toMatchObject({ stage: 'check', code: 'VALIDATION_ERROR', rolledBack: false });
    expect(refused?.findings[0]).toMatchObject({ file: path, line: 10, code: 'HAPROXY_ALERT' });
    const missing = await failure(install(`${seed}# new\n`, { path, checkOptions: { haproxy: join(scratch, 'no-such-haproxy') } }));
    expect(missing).toMatchObject({ stage: 'check', code: 'TOOL_NOT_FOUND', rolledBack: false });
    expect(missing?.cause).toBeInstanceOf(ToolNotFoundError);
    expect(await readFile(path, 'utf8')).toBe(seed);
  });

  it('write: the file cannot be written where it is', async () => {
    const error = await failure(install(seed, { path: join(scratch, 'no-such-directory', 'haproxy.cfg'), check: false }));
    expect(error).toMatchObject({ stage: 'write', code: 'WRITE_FAILED', rolledBack: false });
  });

  it('reload: the previous file is put back', async () => {
    const path = await seedFile('reload.cfg');
    const error = await failure(
      install(`${seed}# new\n`, {
        path,
        check: false,
        reload: async () => {
          throw new Error('the reload was refused');
        },
      }),
    );
    expect(error).toMatchObject({ stage: 'reload', code: 'WRITE_FAILED', rolledBack: true });
    expect(error?.message).toMatch(/the reload failed \(the reload was refused\); the previous file is back/);
    expect(await readFile(path, 'utf8')).toBe(seed);
  });
});
