import type { AgentName } from './model.js';

/**
 * Reads a full agent name: `standard:provider:type` for `ocf`, `standard:type`
 * for the others (`stonith:fence_dummy`, `systemd:nginx`, `lsb:haproxy`).
 * Returns `undefined` for a name that is not a full one: a bare type
 * (`IPaddr2`, which pcs resolves among the OCF providers), an `ocf` name
 * without its provider, or an empty part.
 *
 * @example parseAgentName('ocf:heartbeat:IPaddr2') // { standard: 'ocf', provider: 'heartbeat', type: 'IPaddr2' }
 */
export function parseAgentName(text: string): AgentName | undefined {
  const [standard = '', ...rest] = text.split(':');
  if (standard === '' || rest.length === 0) return undefined;
  if (standard === 'ocf') {
    const [provider = '', type = '', ...more] = rest;
    return provider === '' || type === '' || more.length > 0 ? undefined : { standard, provider, type };
  }
  // A systemd unit may hold a colon (`systemd:foo@a:b.service`): everything after the standard is the type.
  const type = rest.join(':');
  return type === '' ? undefined : { standard, type };
}

/** The name as crm_resource and pcs take it: `ocf:heartbeat:IPaddr2`, `stonith:fence_dummy`. */
export function formatAgentName(agent: AgentName): string {
  return [agent.standard, agent.provider, agent.type].filter((part) => part !== undefined).join(':');
}
