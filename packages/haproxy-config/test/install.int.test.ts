import { readFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HaproxyMaster } from '@ha/haproxy-runtime';
import { labTools, useLabHaproxy } from '@ha/lab/vitest';
import { ConfigRejectedError } from '@ha/core';
import { install, readConfig, setDirective, type HaproxyDocument } from '../src/index.js';

// Safe installs against the lab's real HAProxy (master-worker, reloaded through its master CLI).
const lab = useLabHaproxy({ servers: 3 });
// haproxy -c of the generation under test (Debian 13's from its root).
const tools = await labTools();

/**
 * One request on a connection of its own. A kept-alive connection can be closed by the old worker
 * as it leaves at a reload, just as the next request goes out on it: HTTP lets a server close an idle
 * connection at any time (clients retry), so that is no dropped request. A new connection is.
 */
function get(): Promise<{ status: number; version: string | null }> {
  return new Promise((resolve, reject) => {
    const request = httpGet(
      { host: lab().frontend.address, port: lab().frontend.port, path: '/', agent: false },
      (response) => {
        response.resume();
        response.on('end', () => {
          const version = response.headers['x-config'];
          resolve({ status: response.statusCode ?? 0, version: typeof version === 'string' ? version : null });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
  });
}

/** Requests in a loop until stopped; every failure is kept. */
function traffic(): { stop: () => Promise<{ ok: number; failures: string[]; versions: Set<string | null> }> } {
  let running = true;
  const failures: string[] = [];
  const versions = new Set<string | null>();
  let ok = 0;
  const loop = (async () => {
    while (running) {
      try {
        const response = await get();
        if (response.status === 200) ok++;
        else failures.push(`HTTP ${response.status}`);
        versions.add(response.version);
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { ok, failures, versions };
    },
  };
}

function withVersion(document: HaproxyDocument, version: string): HaproxyDocument {
  setDirective(document, { kind: 'frontend', name: 'web' }, ['http-response', 'set-header', 'X-Config', version], {
    match: ['http-response', 'set-header', 'X-Config'],
  });
  return document;
}

const reload = () => ({ masterSocket: lab().masterSocket });
const reloadCount = async () =>
  (await new HaproxyMaster(lab().masterSocket).showProc()).find((process) => process.type === 'master')?.reloads ?? -1;

describe('install against a real HAProxy', () => {
  it('a good change takes effect without dropping a request', async () => {
    const { document, sha256, text } = await readConfig(lab().configPath);
    const load = traffic();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const report = await install(lab().configPath, withVersion(document, 'v2'), {
      expectedSha256: sha256,
      reload: reload(),
      runner: tools,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const seen = await load.stop();
    expect(report).toMatchObject({
      changed: true,
      checked: true,
      reloaded: true,
      backupPath: `${lab().configPath}.bak`,
    });
    expect(report.reload?.success).toBe(true);
    expect(seen.failures).toEqual([]);
    expect(seen.ok).toBeGreaterThan(10);
    expect(seen.versions).toEqual(new Set([null, 'v2']));
    expect((await get()).version).toBe('v2');
    expect(await readFile(`${lab().configPath}.bak`, 'utf8')).toBe(text);
  });

  it('a change haproxy -c refuses leaves the old file and the old process serving, without a reload', async () => {
    const before = await readConfig(lab().configPath);
    const reloads = await reloadCount();
    const broken = `${before.text}\nbackend broken\n    server x 127.0.0.1:notaport\n`;
    // Our own rules would refuse it first (BAD_PORT): leave the judgement to haproxy -c.
    const error = (await install(lab().configPath, broken, {
      expectedSha256: before.sha256,
      reload: reload(),
      runner: tools,
      validate: false,
    }).catch((caught: unknown) => caught)) as ConfigRejectedError;
    expect(error).toBeInstanceOf(ConfigRejectedError);
    expect(error).toMatchObject({ stage: 'check', rolledBack: false });
    expect(error.findings[0]).toMatchObject({ file: lab().configPath, severity: 'error', code: 'HAPROXY_ALERT' });
    expect(await readFile(lab().configPath, 'utf8')).toBe(before.text);
    expect(await reloadCount()).toBe(reloads);
    expect(await get()).toEqual({ status: 200, version: 'v2' });
  });

  it('a reload that fails (the new listener cannot bind) puts the old file back, and the old process keeps serving', async () => {
    // Something else holds a port: haproxy -c cannot know, the new worker cannot bind it.
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const port = (squatter.address() as { port: number }).port;
    try {
      const before = await readConfig(lab().configPath);
      const document = withVersion(before.document, 'v3');
      setDirective(document, { kind: 'frontend', name: 'web' }, ['bind', `127.0.0.1:${port}`], {
        match: ['bind', `127.0.0.1:${port}`],
      });
      const error = (await install(lab().configPath, document, {
        expectedSha256: before.sha256,
        reload: reload(),
        runner: tools,
      }).catch((caught: unknown) => caught)) as ConfigRejectedError;
      expect(error).toBeInstanceOf(ConfigRejectedError);
      expect(error).toMatchObject({ stage: 'reload', rolledBack: true });
      expect(error.message).toMatch(/the reload failed/);
      expect(await readFile(lab().configPath, 'utf8')).toBe(before.text);
      expect(await get()).toEqual({ status: 200, version: 'v2' });
    } finally {
      squatter.close();
    }
  });

  it('a new process that does not serve is rolled back, and the previous file reloaded', async () => {
    const before = await readConfig(lab().configPath);
    const error = (await install(lab().configPath, withVersion(before.document, 'v4'), {
      expectedSha256: before.sha256,
      reload: reload(),
      runner: tools,
      confirm: async () => {
        const response = await get();
        // Pretend v4 fails our smoke test.
        if (response.version === 'v4') throw new Error('the smoke test failed on v4');
      },
    }).catch((caught: unknown) => caught)) as ConfigRejectedError;
    expect(error).toMatchObject({ stage: 'confirm', rolledBack: true });
    expect(error.message).toMatch(/the previous file is reloaded/);
    expect(await readFile(lab().configPath, 'utf8')).toBe(before.text);
    expect(await get()).toEqual({ status: 200, version: 'v2' });
  });

  it('two installers at once never interleave, and the second, based on a stale read, is refused', async () => {
    const read = await readConfig(lab().configPath);
    const results = await Promise.allSettled([
      install(lab().configPath, withVersion((await readConfig(lab().configPath)).document, 'v5'), {
        expectedSha256: read.sha256,
        reload: reload(),
        runner: tools,
      }),
      install(lab().configPath, withVersion((await readConfig(lab().configPath)).document, 'v6'), {
        expectedSha256: read.sha256,
        reload: reload(),
        runner: tools,
      }),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(ConfigRejectedError);
    expect(rejected.reason).toMatchObject({ stage: 'stale', code: 'CONFIG_REJECTED', rolledBack: false });
    expect(rejected.reason.message).toMatch(/has changed since it was read/);
    const winner = results.findIndex((result) => result.status === 'fulfilled') === 0 ? 'v5' : 'v6';
    expect((await get()).version).toBe(winner);
    expect(await readFile(lab().configPath, 'utf8')).toContain(`X-Config ${winner}`);
  });
});
