import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError, defaultRunner, type Runner } from '@ha/core';
import type { CorosyncDiagnostic } from '../codes.js';
import type { CorosyncConfig } from '../model/config.js';
import { diagnosticAt } from '../findings.js';

/** Where and how to run the real check. */
export interface CorosyncCheckOptions {
  /** Runs `corosync -t` (a lab node's runner checks there). Default: this host. */
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

/**
 * Turns `corosync -t` output into findings (exported for tests on recorded
 * output). `text` is the checked file, so that corosync's `FILE:LINE` becomes a
 * position in it: lines are counted by `\n`, as corosync counts them.
 */
export function mapCorosyncOutput(output: string, text: string, checkedPath: string, file?: string): CorosyncDiagnostic[] {
  const findings: CorosyncDiagnostic[] = [];
  const source = file ?? checkedPath;
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    const parser = /^parser error: (.*?):(\d+): (.*)$/.exec(line);
    if (parser) {
      const { offset, lineNumber } = lineStart(text, Number(parser[2]));
      findings.push(diagnosticAt('CONFIG_CHECK_FAILED', 'error', `corosync: ${parser[3]}`, source, offset, lineNumber, 0, 1));
      continue;
    }
    const logged = /\b(error|warning)\s+\[\w+\s*\]\s+(.*)$/.exec(line);
    if (logged && !/Corosync Cluster Engine exiting/.test(logged[2] as string)) {
      findings.push(diagnosticAt('CONFIG_CHECK_FAILED', logged[1] === 'error' ? 'error' : 'warning', `corosync: ${logged[2]}`, source, 0, 1, 0, 1));
    }
  }
  return findings;
}

// Where 1-based line `wanted` starts (the last line when the text is shorter).
function lineStart(text: string, wanted: number): { offset: number; lineNumber: number } {
  let offset = 0;
  let lineNumber = 1;
  while (lineNumber < wanted) {
    const newline = text.indexOf('\n', offset);
    if (newline === -1 || newline + 1 >= text.length) break;
    offset = newline + 1;
    lineNumber++;
  }
  return { offset, lineNumber };
}

/** The host names and addresses of the machine `runner` runs on. */
export async function localIdentity(runner: Runner = defaultRunner): Promise<HostIdentity> {
  const [hostname, addresses] = await Promise.all([runner.run('hostname', []), runner.run('ip', ['-o', 'address', 'show'])]);
  const name = hostname.stdout.trim();
  return {
    hostnames: [name, name.split('.')[0] as string],
    addresses: [...addresses.stdout.matchAll(/\sinet6? ([^/\s]+)/g)].map((match) => match[1] as string),
  };
}

/** The names and addresses that identify a host, as `localIdentity` finds them. */
export interface HostIdentity {
  /** The host name, and its short form (`node1.example.com`, `node1`). */
  hostnames: string[];
  /** Every IPv4 and IPv6 address of the host's interfaces. */
  addresses: string[];
}

/** True when one of the file's nodes is this host (by name or address): then `corosync -t` can judge it. */
export function belongsToHost(config: CorosyncConfig, identity: HostIdentity): boolean {
  return config.nodes.some(
    (node) => (node.name !== undefined && identity.hostnames.includes(node.name)) || node.links.some((link) => identity.addresses.includes(link.address) || identity.hostnames.includes(link.address)),
  );
}

/** True when a node of the file is this host, by the names and addresses of its nodes (`checkConfig` collects them). */
export function namesHost(nodeNames: ReadonlySet<string>, nodeAddresses: ReadonlySet<string>, identity: HostIdentity): boolean {
  return identity.hostnames.some((name) => nodeNames.has(name) || nodeAddresses.has(name)) || identity.addresses.some((address) => nodeAddresses.has(address));
}
