/**
 * Reads the facts the tests compare out of crm_mon's human text output
 * (`crm_mon -1 --inactive`): which nodes are offline or in standby, where
 * each primitive runs and in what state, on which nodes each clone runs, and
 * which failed actions are listed. Test code only: the library reads XML.
 */
export interface CrmMonTextFacts {
  offline: string[];
  standby: string[];
  /** Top-level and group primitives: id → "STATE NODE" ("Started node1", "Stopped"). */
  primitives: Map<string, string>;
  /** Clone id → sorted nodes it is active on (Started, Promoted or Unpromoted). */
  clones: Map<string, string[]>;
  /** "resource@node" of each failed action. */
  failures: string[];
}

export function readCrmMonText(text: string): CrmMonTextFacts {
  const facts: CrmMonTextFacts = { offline: [], standby: [], primitives: new Map(), clones: new Map(), failures: [] };
  let section = '';
  let clone: string | undefined;
  let bundle = false;
  for (const raw of text.split('\n')) {
    if (/^\S/.test(raw)) {
      section = raw.trim();
      clone = undefined;
      bundle = false;
      continue;
    }
    const depth = raw.search(/\S/);
    const line = raw.trim().replace(/^\* /, '');
    if (section.startsWith('Node List')) {
      const list = /^(\w+): \[ (.*) \]$/.exec(line);
      if (list && /OFFLINE/.test(list[1] as string)) facts.offline.push(...(list[2] as string).split(' '));
      const node = /^Node (\S+): (.*)$/.exec(line);
      if (node) {
        if (/standby/.test(node[2] as string)) facts.standby.push(node[1] as string);
        if (/offline|OFFLINE/.test(node[2] as string)) facts.offline.push(node[1] as string);
      }
    } else if (section.startsWith('Full List of Resources')) {
      if (depth === 2) {
        clone = /^Clone Set: (\S+)/.exec(line)?.[1];
        bundle = line.startsWith('Container bundle');
        if (clone) facts.clones.set(clone, []);
      }
      if (clone && depth > 2) {
        const active = /^(Started|Promoted|Unpromoted|Masters|Slaves)(?: \([^)]*\))?: \[ (.*) \]$/.exec(line);
        if (active) facts.clones.get(clone)?.push(...(active[2] as string).split(' '));
        // Unmanaged clones list their instances one a line instead.
        const instance = /^\S+\t\([^)]*\):\t (Started|Promoted|Unpromoted|Master|Slave) (\S+)/.exec(line);
        if (instance) facts.clones.get(clone)?.push(instance[2] as string);
        continue;
      }
      if (bundle) continue;
      const primitive = /^(\S+)\t\([^)]*\):\t (\S+)(?: (\S+))?/.exec(line);
      if (primitive) {
        const node = primitive[3] && !primitive[3].startsWith('(') ? ` ${primitive[3]}` : '';
        facts.primitives.set(primitive[1] as string, `${primitive[2]}${node}`);
      }
    } else if (section.startsWith('Failed Resource Actions')) {
      const failure = /^(\S+) .* on (\S+) (?:returned|'|failed)/.exec(line);
      if (failure) facts.failures.push(`${failure[1]}@${failure[2]}`);
    }
  }
  for (const [id, nodes] of facts.clones) facts.clones.set(id, [...new Set(nodes)].sort());
  facts.offline = [...new Set(facts.offline)].sort();
  facts.standby.sort();
  facts.failures.sort();
  return facts;
}
