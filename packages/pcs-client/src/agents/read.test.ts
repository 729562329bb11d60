import { describe, expect, it } from 'vitest';
import { UnsafeArgumentError, type Runner, type RunOptions } from '@ha/core';
import { crmResourceAnswers } from '../../test/fixtures/crm_resource/answers.js';
import { AgentNotFoundError } from './errors.js';
import type { AgentMetadata } from './model.js';
import { listAgents, readAgentMetadata } from './read.js';

// crm_resource of one generation, from its recordings; every command line it was asked, in order.
function recordedNode(generation: '2.1.5' | '3.0.0') {
  const { answer } = crmResourceAnswers(generation);
  const ran: string[] = [];
  const run = (file: string, args: readonly string[], options?: RunOptions) => {
    ran.push([file, ...args].join(' '));
    const answered = answer(file, args, options);
    if (!answered) throw new Error(`not crm_resource: ${file}`);
    return answered;
  };
  return { runner: { run } as unknown as Runner, ran };
}

describe('readAgentMetadata', () => {
  it.each(['2.1.5', '3.0.0'] as const)('%s: a full name, read with --output-as=xml and parsed', async (generation) => {
    const { runner, ran } = recordedNode(generation);
    const metadata = await readAgentMetadata('ocf:heartbeat:IPaddr2', { runner });
    expect(metadata.agent).toEqual({ standard: 'ocf', provider: 'heartbeat', type: 'IPaddr2' });
    expect(metadata.parameters.find((parameter) => parameter.name === 'ip')?.required).toBe(true);
    expect(ran).toEqual(['crm_resource --show-metadata ocf:heartbeat:IPaddr2 --output-as=xml']);
  });

  it.each(['2.1.5', '3.0.0'] as const)(
    '%s: a bare type, resolved as pcs does when one provider has it',
    async (generation) => {
      const { runner, ran } = recordedNode(generation);
      expect((await readAgentMetadata('IPaddr2', { runner })).agent).toEqual({
        standard: 'ocf',
        provider: 'heartbeat',
        type: 'IPaddr2',
      });
      expect(ran).toEqual([
        'crm_resource --list-ocf-alternatives IPaddr2 --output-as=xml',
        'crm_resource --show-metadata ocf:heartbeat:IPaddr2 --output-as=xml',
      ]);
      const ambiguous = await readAgentMetadata('Dummy', { runner }).catch((error: unknown) => error);
      expect(ambiguous).toBeInstanceOf(AgentNotFoundError);
      expect(ambiguous).toMatchObject({
        problem: 'ambiguous',
        candidates: ['ocf:heartbeat:Dummy', 'ocf:pacemaker:Dummy'],
      });
    },
  );

  it.each(['2.1.5', '3.0.0'] as const)(
    '%s: an unknown agent names the closest of its provider, listed by crm_resource',
    async (generation) => {
      const { runner, ran } = recordedNode(generation);
      const error = await readAgentMetadata('ocf:heartbeat:IPadr2', { runner }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AgentNotFoundError);
      expect(error).toMatchObject({
        agent: 'ocf:heartbeat:IPadr2',
        problem: 'unknown',
        suggestion: 'ocf:heartbeat:IPaddr2',
        message: "no resource agent 'ocf:heartbeat:IPadr2' (did you mean 'ocf:heartbeat:IPaddr2'?)",
      });
      expect(ran.at(-1)).toBe('crm_resource --list-agents ocf:heartbeat --output-as=xml');
      const bare = await readAgentMetadata('IPadr2', { runner }).catch((caught: unknown) => caught);
      expect(bare).toMatchObject({ problem: 'unknown', suggestion: 'IPaddr2' });
      // No agent of that standard at all: still the typed error, without a suggestion.
      expect(await readAgentMetadata('lsb:nope', { runner }).catch((caught: unknown) => caught)).toMatchObject({
        problem: 'unknown',
        suggestion: undefined,
      });
    },
  );

  it('a cache the caller gives asks once per agent; a failure is not kept', async () => {
    const { runner, ran } = recordedNode('3.0.0');
    const cache = new Map<string, Promise<AgentMetadata>>();
    const first = await readAgentMetadata('ocf:pacemaker:Dummy', { runner, cache });
    expect(await readAgentMetadata('ocf:pacemaker:Dummy', { runner, cache })).toBe(first);
    await readAgentMetadata('ocf:heartbeat:nope', { runner, cache }).catch(() => undefined);
    expect(cache.has('ocf:heartbeat:nope')).toBe(false);
    expect(ran.filter((line) => line.includes('Dummy'))).toHaveLength(1);
  });

  it('a name that could be read as an option never reaches crm_resource', async () => {
    const { runner, ran } = recordedNode('2.1.5');
    await expect(readAgentMetadata('--help', { runner })).rejects.toBeInstanceOf(UnsafeArgumentError);
    await expect(listAgents('ocf heartbeat', { runner })).rejects.toBeInstanceOf(UnsafeArgumentError);
    expect(ran).toEqual([]);
  });

  it('listAgents: the agents of a standard or provider', async () => {
    const { runner } = recordedNode('3.0.0');
    expect(await listAgents('ocf:pacemaker', { runner })).toEqual(expect.arrayContaining(['Dummy', 'Stateful']));
  });
});
