import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CommandError,
  DiagnosticCollector,
  defaultRunner,
  pickFailureLine,
  type CheckResult,
  type Runner,
} from '@ha/core';
import type { CorosyncCode, CorosyncDiagnostic } from '../codes.js';
import type { CorosyncConfig } from '../model/config.js';
import type { CorosyncDocument } from '../parse/cst.js';
import { serialize } from '../print/serialize.js';

/** Where and how to run the real check. */
export interface CorosyncCheckOptions {
  /** Runs `corosync -t` (a lab node's runner checks there). Default: this host. */
  runner?: Runner | undefined;
  /** Named in findings instead of the temporary file. Default: the document's `file`. */
  file?: string | undefined;
  /** A folder both this process and the runner see (a lab node has its own /tmp). Default: the OS temp folder. */
  tempDirectory?: string | undefined;
}

/**
 * Runs the real `corosync -t` on a document or text and maps what it prints
 * into findings. corosync names `FILE:LINE` for syntax errors only; its
 * semantic errors (a duplicate nodeid …) are placed at line 1. It needs an
 * authkey in /etc/corosync when crypto is on, and a log directory that exists.
 * `valid` is false when corosync refused the file (it exits non-zero): if it
 * said nothing we could map, its failure line is the one finding.
 *
 * @example
 * const { valid, findings } = await checkWithCorosync(document);
 */
export async function checkWithCorosync(
  input: CorosyncDocument | string,
  options: CorosyncCheckOptions = {},
): Promise<CheckResult<CorosyncCode>> {
  const text = typeof input === 'string' ? input : serialize(input);
  const file = options.file ?? (typeof input === 'string' ? undefined : input.file);
  const path = join(
    options.tempDirectory ?? tmpdir(),
    `.corosync-check-${process.pid}-${randomBytes(4).toString('hex')}.conf`,
  );
  await writeFile(path, text, { mode: 0o600 });
  try {
    return await runCorosyncCheck(path, text, { runner: options.runner ?? defaultRunner, file: file ?? path });
  } finally {
    await rm(path, { force: true });
  }
}

/** `corosync -t` on a file already written (`path`, holding `text`); findings name `file`. */
export async function runCorosyncCheck(
  path: string,
  text: string,
  options: { runner: Runner; file: string },
): Promise<CheckResult<CorosyncCode>> {
  let output: string;
  let exitCode: number;
  try {
    const result = await options.runner.run('corosync', ['-t', '-c', path], { timeoutMs: 15_000 });
    output = `${result.stdout}${result.stderr}`;
    exitCode = 0;
  } catch (error) {
    if (!(error instanceof CommandError) || error.timedOut || error.exitCode === undefined) throw error;
    output = `${error.stdout}${error.stderr}`;
    exitCode = error.exitCode;
  }
  const findings = mapCorosyncOutput(output, text, path, options.file, exitCode);
  return { valid: !findings.some((finding) => finding.severity === 'error'), findings, output };
}

/**
 * Turns `corosync -t` output into findings (exported for tests on recorded
 * output). `text` is the checked file, so that corosync's `FILE:LINE` becomes a
 * place in it (lines counted by `\n`, as corosync counts them). With the
 * exit code of a refusal and no error we could map, corosync's failure line
 * is the one error (at 1:1).
 */
export function mapCorosyncOutput(
  output: string,
  text: string,
  checkedPath: string,
  file?: string,
  exitCode = 0,
): CorosyncDiagnostic[] {
  const findings = new DiagnosticCollector<CorosyncCode>({ text, file: file ?? checkedPath, breaks: 'lf' });
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    const parser = /^parser error: (.*?):(\d+): (.*)$/.exec(line);
    if (parser) {
      const start = findings.lineCounter.offsetOf({ line: Number(parser[2]), column: 1 });
      findings.report('CONFIG_CHECK_FAILED', `corosync: ${parser[3]}`, { start, end: start + 1 });
      continue;
    }
    const logged = /\b(error|warning)\s+\[\w+\s*\]\s+(.*)$/.exec(line);
    if (logged && !/Corosync Cluster Engine exiting/.test(logged[2] as string)) {
      findings.report(
        'CONFIG_CHECK_FAILED',
        `corosync: ${logged[2]}`,
        { start: 0, end: 1 },
        logged[1] === 'error' ? 'error' : 'warning',
      );
    }
  }
  if (exitCode !== 0 && !findings.hasErrors) {
    findings.report(
      'CONFIG_CHECK_FAILED',
      `corosync: ${pickFailureLine(output, '') ?? `it exited with code ${exitCode}`}`,
      { start: 0, end: 1 },
    );
  }
  return findings.diagnostics();
}

/** The host names and addresses of the machine `runner` runs on. */
export async function localIdentity(runner: Runner = defaultRunner): Promise<HostIdentity> {
  const [hostname, addresses] = await Promise.all([
    runner.run('hostname', []),
    runner.run('ip', ['-o', 'address', 'show']),
  ]);
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
  return namesHost(
    new Set(config.nodes.flatMap((node) => (node.name === undefined ? [] : [node.name]))),
    new Set(config.nodes.flatMap((node) => node.links.map((link) => link.address))),
    identity,
  );
}

/** True when a node of the file is this host, by the names and addresses of its nodes (`checkConfig` collects them). */
export function namesHost(
  nodeNames: ReadonlySet<string>,
  nodeAddresses: ReadonlySet<string>,
  identity: HostIdentity,
): boolean {
  return (
    identity.hostnames.some((name) => nodeNames.has(name) || nodeAddresses.has(name)) ||
    identity.addresses.some((address) => nodeAddresses.has(address))
  );
}
