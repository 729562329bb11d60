import { CommandError, type CommandResult, type Runner } from '@ha/core';
import { recordedResult } from '@ha/core/testing';
import { PcsClient } from '../src/client/pcs-client.js';
import { fixture } from './fixtures.js';

/** What the stand-in answers one command with. */
export type Answer = { stdout?: string; stderr?: string; exitCode?: number };

/**
 * A stand-in for a cluster node: answers stonith_admin, cibadmin, crm_mon and pcs from recorded outputs
 * (Debian 12's, or Debian 13's), and records every command line, so a test can prove what ran and what did not.
 */
export function recordingCluster(
  generation: { pacemaker: string; pcs: string } = { pacemaker: '2.1.5', pcs: '0.11.5' },
  overrides: (file: string, args: readonly string[]) => Answer | undefined = () => undefined,
) {
  const lines: string[][] = [];
  const stonith = (name: string) => fixture(`stonith_admin/${generation.pacemaker}/${name}`);
  const cib = fixture(`pcs/${generation.pcs}/stonith.cib.xml`);
  const answer = (file: string, args: readonly string[]): Answer => {
    const override = overrides(file, args);
    if (override) return override;
    const word = args.join(' ');
    if (file === 'pcs' && word === '--version') return { stdout: `${generation.pcs}\n` };
    if (file === 'crm_mon') return { stdout: fixture('crm_mon/2.1.5/healthy-fenced.xml') };
    if (file === 'cibadmin') return { stdout: cib };
    if (file === 'stonith_admin' && args[0] === '--metadata') {
      const agent = args[2] ?? '';
      if (['fence_dummy', 'fence_apc', 'fence_ipmilan'].includes(agent))
        return { stdout: stonith(`metadata-${agent}.xml`) };
      return { stdout: stonith('metadata-no-such-agent.xml'), exitCode: 105 };
    }
    if (file === 'stonith_admin' && args[0] === '--history') return { stdout: stonith('history-empty.xml') };
    if (file === 'stonith_admin' && args[0] === '--list') return { stdout: stonith('list-node2.xml') };
    return {};
  };
  const run = (file: string, args: readonly string[]): Promise<CommandResult> => {
    if (!(file === 'pcs' && args[0] === '--version')) lines.push([file, ...args]);
    const { exitCode = 0, ...output } = answer(file, args);
    const result = recordedResult(file, args, { ...output, exitCode });
    return exitCode === 0 ? Promise.resolve(result) : Promise.reject(new CommandError(result));
  };
  const spawnDetached = (file: string, args: readonly string[]) => {
    lines.push(['(detached)', file, ...args]);
    return Promise.resolve({ pid: 1, command: [file, ...args].join(' ') });
  };
  const client = new PcsClient({ runner: { run, spawnDetached } as unknown as Runner });
  const pcsRan = () => lines.filter((line) => line[0] === 'pcs');
  return { client, lines, pcsRan };
}
