import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError, createDiagnostic, defaultRunner, LineCounter, type Runner } from '@ha/core';
import type { CorosyncDiagnostic } from '../codes.js';
import type { CorosyncConfig } from '../model/config.js';

/** Where and how to run the real check. */
export interface CorosyncCheckOptions {
  runner?: Runner;
  /** Named in findings instead of the temporary file. */
  file?: string;
  /** A folder both this process and the runner see (a lab node has its own /tmp). Default: the OS temp folder. */
  tempDirectory?: string;
}

/**
 * Runs the real `corosync -t` on `text` and maps what it prints into findings.
 * corosync names `FILE:LINE` for syntax errors only; its semantic errors
 * (a duplicate nodeid …) are placed at line 1. It needs an authkey in
 * /etc/corosync when crypto is on, and a log directory that exists.
 */
export async function checkWithCorosync(text: string, options: CorosyncCheckOptions = {}): Promise<CorosyncDiagnostic[]> {
  const runner = options.runner ?? defaultRunner;
  const path = join(options.tempDirectory ?? tmpdir(), `.corosync-check-${process.pid}-${randomBytes(4).toString('hex')}.conf`);
  await writeFile(path, text, { mode: 0o600 });
  try {
    let output: string;
    try {
      const result = await runner.run('corosync', ['-t', '-c', path], { timeoutMs: 15_000 });
      output = `${result.stdout}${result.stderr}`;
    } catch (error) {
      if (!(error instanceof CommandError) || error.timedOut || error.exitCode === undefined) throw error;
      output = `${error.stdout}${error.stderr}`;
    }
    return mapCorosyncOutput(output, text, path, options.file);
  } finally {
    await rm(path, { force: true });
  }
}

/** Turns `corosync -t` output into findings (exported for tests on recorded output). */
export function mapCorosyncOutput(output: string, text: string, checkedPath: string, file?: string): CorosyncDiagnostic[] {
  const lines = new LineCounter(text);
  const findings: CorosyncDiagnostic[] = [];
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    const parser = /^parser error: (.*?):(\d+): (.*)$/.exec(line);
    if (parser) {
      const start = lines.offsetOf({ line: Number(parser[2]), column: 1 });
      findings.push(createDiagnostic(lines, { code: 'CONFIG_CHECK_FAILED', message: `corosync: ${parser[3]}`, file: file ?? checkedPath, range: { start, end: start + 1 } }));
      continue;
    }
    const logged = /\b(error|warning)\s+\[\w+\s*\]\s+(.*)$/.exec(line);
    if (logged && !/Corosync Cluster Engine exiting/.test(logged[2] as string)) {
      findings.push(
        createDiagnostic(lines, {
          code: 'CONFIG_CHECK_FAILED',
          severity: logged[1] === 'error' ? 'error' : 'warning',
          message: `corosync: ${logged[2]}`,
          file: file ?? checkedPath,
          range: { start: 0, end: 1 },
        }),
      );
    }
  }
  return findings;
}

/** The host names and addresses of the machine `runner` runs on. */
export async function localIdentity(runner: Runner = defaultRunner): Promise<{ hostnames: string[]; addresses: string[] }> {
  const [hostname, addresses] = await Promise.all([runner.run('hostname', []), runner.run('ip', ['-o', 'address', 'show'])]);
  const name = hostname.stdout.trim();
  return {
    hostnames: [name, name.split('.')[0] as string],
    addresses: [...addresses.stdout.matchAll(/\sinet6? ([^/\s]+)/g)].map((match) => match[1] as string),
  };
}

/** True when one of the file's nodes is this host (by name or address): then `corosync -t` can judge it. */
export function belongsToHost(config: CorosyncConfig, identity: { hostnames: string[]; addresses: string[] }): boolean {
  return config.nodes.some(
    (node) => (node.name !== undefined && identity.hostnames.includes(node.name)) || node.links.some((link) => identity.addresses.includes(link.address) || identity.hostnames.includes(link.address)),
  );
}
