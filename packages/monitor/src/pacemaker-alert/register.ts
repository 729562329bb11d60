import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HaError, UnsafeArgumentError } from '@ha/core';
import { PcsClient, PcsCommandError } from '@ha/pcs-client';

/** The agent module Pacemaker's launcher imports: this package's compiled agent (found from here, or from the bundled CLI beside it). */
export function agentModuleUrl(): string {
  // Beside this module (dist), beside the bundled CLI (dist/cli.bundle.js), or from the sources (tests) to the build.
  const candidates = [
    new URL('./agent.js', import.meta.url),
    new URL('./pacemaker-alert/agent.js', import.meta.url),
    new URL('../../dist/pacemaker-alert/agent.js', import.meta.url),
  ];
  const found = candidates.find((candidate) => existsSync(fileURLToPath(candidate)));
  if (!found)
    throw new HaError(
      'NOT_FOUND',
      'the compiled alert agent (dist/pacemaker-alert/agent.js) is missing: build @ha/monitor',
    );
  return found.href;
}

/**
 * Writes the alert agent's launcher: an executable whose first line names
 * this Node.js by absolute path. Pacemaker runs alert agents with a minimal
 * PATH, where `env node` may find no Node at all.
 */
export async function writeAgentLauncher(
  path: string,
  options: { nodePath?: string; moduleUrl?: string } = {},
): Promise<void> {
  const node = options.nodePath ?? process.execPath;
  if (!path.startsWith('/')) throw new UnsafeArgumentError(`the agent path '${path}' must be absolute`, path);
  if (/\s/.test(node) || node.length > 120)
    throw new HaError(
      'PRECONDITION_FAILED',
      `cannot name ${node} on a #! line (spaces, or longer than 120 characters)`,
    );
  const agentModule = JSON.stringify(options.moduleUrl ?? agentModuleUrl());
  const launcher =
    `#!${node}\n` +
    "// ha-monitor's Pacemaker alert agent (written by ha-monitor pacemaker-alert install).\n" +
    `import(${agentModule}).then((agent) => agent.main());\n`;
  await mkdir(dirname(path), { recursive: true, mode: 0o755 });
  await writeFile(path, launcher, { mode: 0o755 });
  await chmod(path, 0o755);
}

/** The alert's id in the CIB: not `ha-monitor`, which the cluster resource running the monitor may have (ids are unique across the CIB). */
export const defaultAlertId = 'ha-monitor-alert';

/** Options of `registerAlertAgent`. */
export interface RegisterAlertOptions {
  /** Where the agent's launcher goes (on every node: Pacemaker runs the agent where the event happens). */
  agentPath: string;
  /** The monitor's socket, given to the agent as the recipient's value. */
  socketPath: string;
  /** The alert's id in the CIB (default `ha-monitor-alert`). */
  id?: string;
  /** The pcs client that registers it (default: pcs on this machine). */
  pcs?: PcsClient;
  /** Write the launcher here too (default true; false when it is deployed otherwise). */
  writeLauncher?: boolean;
}

/**
 * Registers the alert agent with Pacemaker (`pcs alert create` and `pcs
 * alert recipient add`), replacing an earlier registration of the same id.
 * The CIB is cluster-wide: once is enough for every node.
 */
export async function registerAlertAgent(options: RegisterAlertOptions): Promise<void> {
  const id = options.id ?? defaultAlertId;
  const pcs = options.pcs ?? new PcsClient();
  if (!options.socketPath.startsWith('/'))
    throw new UnsafeArgumentError(`the socket path '${options.socketPath}' must be absolute`, options.socketPath);
  if (options.writeLauncher !== false) await writeAgentLauncher(options.agentPath);
  await unregisterAlertAgent({ id, pcs });
  await pcs.createAlert({
    id,
    path: options.agentPath,
    description: 'ha-monitor: forwards events to the running monitor',
  });
  await pcs.addAlertRecipient({ alert: id, value: options.socketPath, id: `${id}-socket` });
}

/** Removes the registration; nothing to remove is not an error. */
export async function unregisterAlertAgent(options: { id?: string; pcs?: PcsClient } = {}): Promise<void> {
  const pcs = options.pcs ?? new PcsClient();
  try {
    await pcs.removeAlert(options.id ?? defaultAlertId);
  } catch (error) {
    if (!(error instanceof PcsCommandError && /does not exist|not found|unable to find/i.test(error.message)))
      throw error;
  }
}
