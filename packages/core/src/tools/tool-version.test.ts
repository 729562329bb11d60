import { describe, expect, it } from 'vitest';
import { detectToolVersion, parseToolVersion } from './tool-version.js';

describe('tool versions', () => {
  it('finds the version in real outputs', () => {
    expect(
      parseToolVersion(
        "Corosync Cluster Engine, version '3.1.7'\nCopyright (c) 2006-2021 Red Hat, Inc.\n",
        /version '([^']+)'/,
      ),
    ).toBe('3.1.7');
    expect(
      parseToolVersion(
        'HAProxy version 2.6.12-1+deb12u4 2026/10/17 - https://haproxy.org/\n',
        /HAProxy version ([0-9]\S*)/,
      ),
    ).toBe('2.6.12-1+deb12u4');
    expect(parseToolVersion('nothing here', /v(\d+)/)).toBeUndefined();
  });

  it('reports an installed tool with its version, and a missing one as not found', async () => {
    const sh = await detectToolVersion({ name: 'sh', file: 'sh', args: ['-c', 'echo v1.2'], pattern: /v(\S+)/ });
    expect(sh).toEqual({ name: 'sh', file: 'sh', found: true, version: '1.2' });
    const missing = await detectToolVersion({ name: 'ghost', file: 'ha-no-such-tool', args: [], pattern: /(.*)/ });
    expect(missing).toEqual({ name: 'ghost', file: 'ha-no-such-tool', found: false });
    const broken = await detectToolVersion({ name: 'broken', file: 'sh', args: ['-c', 'exit 9'], pattern: /(.*)/ });
    expect(broken.found).toBe(true);
    expect(broken.error).toContain('exited with code 9');
  });
});
