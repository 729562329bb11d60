import { defaultRunner, type Runner } from '@ha/core';
import { assertAgent } from '../client/args.js';
import { PacemakerToolError } from '../errors.js';
import { closestName } from '../fencing/validate.js';
import { AgentNotFoundError } from './errors.js';
import { parseAgentList, parseAgentMetadata } from './metadata.js';
import type { AgentMetadata, AgentName } from './model.js';
import { formatAgentName, parseAgentName } from './name.js';

/** Options of `readAgentMetadata` and `listAgents`. */
export interface ReadAgentOptions {
  /** Runs crm_resource (default: this machine); the agents are those installed where it runs. */
  runner?: Runner;
  /** Deadline of each crm_resource, ms (default 30 s: an agent's `meta-data` action runs for it). */
  timeoutMs?: number;
  /**
   * Metadata already read, by agent name as asked: give the same map to
   * several calls with the same runner to ask crm_resource once per agent
   * (the caller owns it; an agent upgraded meanwhile is not seen).
   */
  cache?: Map<string, Promise<AgentMetadata>>;
}

// crm_resource's answers that are not failures of the tool: 1 (no agents for that standard), 105 (no such agent).
const answerCodes = [1, 105];
const noSuchObject = 105;

/**
 * A resource agent's metadata, typed, from `crm_resource --show-metadata
 * AGENT --output-as=xml` run through the runner. A full name
 * (`ocf:heartbeat:IPaddr2`, `stonith:fence_dummy`, `lsb:haproxy`,
 * `systemd:nginx`), or a bare OCF type (`IPaddr2`) as pcs takes it, resolved
 * through `--list-ocf-alternatives` when exactly one provider supplies it. An
 * agent that is not installed is an `AgentNotFoundError` naming the closest
 * installed agent of its standard and provider (`--list-agents`); a bare type
 * several providers supply is one too (`ambiguous`, with the candidates).
 *
 * @example
 * const metadata = await readAgentMetadata('ocf:heartbeat:IPaddr2', { runner: lab.runner('node1') });
 * metadata.parameters.find((parameter) => parameter.name === 'ip')?.required // true
 */
export async function readAgentMetadata(agent: string, options: ReadAgentOptions = {}): Promise<AgentMetadata> {
  assertAgent(agent);
  const cached = options.cache?.get(agent);
  if (cached) return cached;
  const reading = readUncached(agent, options);
  options.cache?.set(agent, reading);
  // A failed read is not kept: the next call asks again.
  reading.catch(() => options.cache?.delete(agent));
  return reading;
}

async function readUncached(agent: string, options: ReadAgentOptions): Promise<AgentMetadata> {
  const name = agent.includes(':') ? parseAgentName(agent) : await resolveBareType(agent, options);
  if (!name) throw new AgentNotFoundError(agent, { problem: 'unknown' });
  const full = formatAgentName(name);
  const args = ['--show-metadata', full, '--output-as=xml'];
  try {
    return parseAgentMetadata(await crmResource(args, options), {
      agent: name,
      file: `crm_resource --show-metadata ${full}`,
    });
  } catch (error) {
    if (!(error instanceof PacemakerToolError && error.statusCode === noSuchObject)) throw error;
    const scope = [name.standard, name.provider].filter((part) => part !== undefined).join(':');
    const near = closestName(name.type, await listAgentsOrNone(scope, options));
    throw new AgentNotFoundError(
      agent,
      { problem: 'unknown', suggestion: near === undefined ? undefined : formatAgentName({ ...name, type: near }) },
      { cause: error },
    );
  }
}

/**
 * The agents of a standard, or of one OCF provider (`crm_resource
 * --list-agents ocf:heartbeat --output-as=xml`), in the tool's order. A
 * standard or provider with no agents is a `PacemakerToolError`.
 *
 * @example await listAgents('ocf:pacemaker') // ['ClusterMon', 'Dummy', 'HealthCPU', …]
 */
export async function listAgents(scope: string, options: ReadAgentOptions = {}): Promise<string[]> {
  assertAgent(scope);
  return parseAgentList(await crmResource(['--list-agents', scope, '--output-as=xml'], options), {
    file: `crm_resource --list-agents ${scope}`,
  });
}

async function listAgentsOrNone(scope: string, options: ReadAgentOptions): Promise<string[]> {
  try {
    return await listAgents(scope, options);
  } catch (error) {
    if (error instanceof PacemakerToolError) return [];
    throw error;
  }
}

// pcs takes a bare type and looks for it among the OCF providers: the same here, so the check reads the same agent.
async function resolveBareType(type: string, options: ReadAgentOptions): Promise<AgentName> {
  let providers: string[];
  try {
    providers = parseAgentList(await crmResource(['--list-ocf-alternatives', type, '--output-as=xml'], options), {
      file: `crm_resource --list-ocf-alternatives ${type}`,
    });
  } catch (error) {
    if (!(error instanceof PacemakerToolError && error.statusCode === noSuchObject)) throw error;
    const near = closestName(type, await listAgentsOrNone('ocf', options));
    throw new AgentNotFoundError(type, { problem: 'unknown', suggestion: near }, { cause: error });
  }
  const [provider, ...others] = providers;
  if (provider === undefined) throw new AgentNotFoundError(type, { problem: 'unknown' });
  if (others.length > 0)
    throw new AgentNotFoundError(type, {
      problem: 'ambiguous',
      candidates: providers.map((each) => formatAgentName({ standard: 'ocf', provider: each, type })),
    });
  return { standard: 'ocf', provider, type };
}

async function crmResource(args: readonly string[], options: ReadAgentOptions): Promise<string> {
  const runner = options.runner ?? defaultRunner;
  const result = await runner.run('crm_resource', args, {
    timeoutMs: options.timeoutMs ?? 30_000,
    allowExitCodes: answerCodes,
  });
  return result.stdout;
}
