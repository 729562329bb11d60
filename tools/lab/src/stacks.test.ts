import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '@ha/core';
import { hostMirror, hostStack, listStacks, parseStackName, readStackManifest } from './stacks.js';

const scratch = await mkdtemp(join(tmpdir(), 'ha-lab-stacks-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('the generations of the stack', () => {
  it("knows this machine's generation from os-release, and refuses another distribution", async () => {
    const release = join(scratch, 'os-release');
    await writeFile(release, 'PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nVERSION_ID="13"\n');
    expect(hostStack(release)).toBe('debian13');
    await writeFile(release, 'VERSION_ID=12\n');
    expect(hostStack(release)).toBe('debian12');
    await writeFile(release, 'ID=fedora\nVERSION_ID=41\n');
    expect(() => hostStack(release)).toThrow(/not Debian 12 or 13/);
    expect(parseStackName('debian13')).toBe('debian13');
    expect(() => parseStackName('debian11')).toThrow(UsageError);
  });

  it("takes the mirror from the host's apt sources: the main archive, not security", async () => {
    const apt = join(scratch, 'apt');
    await mkdir(join(apt, 'sources.list.d'), { recursive: true });
    await writeFile(
      join(apt, 'sources.list.d', 'debian.sources'),
      'Types: deb\nURIs: http://mirror.example/debian-security\nSuites: bookworm-security\nComponents: main\n\n' +
        'Types: deb\nURIs: http://mirror.example/debian/\nSuites: bookworm bookworm-updates\nComponents: main\n',
    );
    expect(hostMirror(apt)).toBe('http://mirror.example/debian');
    const legacy = join(scratch, 'legacy');
    await mkdir(legacy, { recursive: true });
    await writeFile(
      join(legacy, 'sources.list'),
      '# a comment\ndeb [arch=amd64] http://other.example/debian bookworm main\n',
    );
    expect(hostMirror(legacy)).toBe('http://other.example/debian');
    expect(() => hostMirror(join(scratch, 'none'))).toThrow(/no Debian mirror/);
  });

  it('uses a root only with its manifest: a half-made build is not built', async () => {
    const stacks = join(scratch, 'stacks');
    await mkdir(join(stacks, 'debian13', 'root'), { recursive: true });
    expect(await readStackManifest('debian13', stacks)).toBeUndefined();
    await writeFile(join(stacks, 'debian13', 'stack.json'), '{"version":1,"stack":"debian13"}');
    expect(await readStackManifest('debian13', stacks)).toBeUndefined();
    const other = (await listStacks(stacks)).find((stack) => !stack.host);
    expect(other).toMatchObject({ built: false, current: false });
  });
});
