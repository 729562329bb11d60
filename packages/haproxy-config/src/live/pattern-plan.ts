import { HaError } from '@ha/core';
import type { MapEntry } from '@ha/haproxy-runtime';
import type { PatternChange } from './change.js';
import type { PlannedStep, RuntimeStep } from './plan.js';
import {
  addPatternEntry,
  deletePatternEntry,
  parsePatternFile,
  patternFileEntries,
  printPatternFile,
  replacePatternEntries,
  setPatternEntry,
} from './pattern-file.js';

/**
 * Plans a map or ACL change (pure): the file's new text, and the runtime
 * steps with their undo from `current`, what the running process holds.
 * Bad keys or values are `TypeError`s; a key to set or delete that the file
 * lacks, an `HaError` `NOT_FOUND`; one to add that it has, `PRECONDITION_FAILED`.
 */
export function planPatternChange(
  text: string,
  change: PatternChange,
  current: readonly MapEntry[],
): { text: string; steps: PlannedStep[] } {
  const kind = 'map' in change ? 'map' : 'acl';
  const id = 'map' in change ? change.map : change.acl;
  const file = parsePatternFile(text, kind);
  const words = (list: readonly string[]): RuntimeStep => ({ words: list });
  // Everything the running process had: the undo of a whole replacement, and of a delete.
  const previous = current.map((entry) => (kind === 'map' ? ([entry.key, entry.value ?? ''] as const) : entry.key));
  const restoreAll: RuntimeStep = { replace: { id, kind, entries: previous } };
  const valuesOf = (key: string) => current.filter((entry) => entry.key === key).map((entry) => entry.value ?? '');
  let steps: PlannedStep[];
  switch (change.kind) {
    case 'map-add':
      // A second entry of a key the process holds (drift) would be shadowed by the first: set it instead.
      if (valuesOf(change.key).length > 0)
        throw new HaError('PRECONDITION_FAILED', `the running map ${id} has '${change.key}' already (use map-set)`);
      addPatternEntry(file, change.key, change.value);
      steps = [
        { step: words(['add', 'map', id, change.key, change.value]), undo: [words(['del', 'map', id, change.key])] },
      ];
      break;
    case 'map-set': {
      setPatternEntry(file, change.key, change.value);
      const [old] = valuesOf(change.key);
      steps = [
        {
          step: words(['set', 'map', id, change.key, change.value]),
          undo: old === undefined ? [restoreAll] : [words(['set', 'map', id, change.key, old])],
        },
      ];
      break;
    }
    case 'map-delete':
      deletePatternEntry(file, change.key);
      steps = [{ step: words(['del', 'map', id, change.key]), undo: [restoreAll] }];
      break;
    case 'map-replace':
      replacePatternEntries(file, change.entries);
      steps = [{ step: { replace: { id, kind, entries: change.entries } }, undo: [restoreAll] }];
      break;
    case 'acl-add':
      addPatternEntry(file, change.pattern);
      steps = [{ step: words(['add', 'acl', id, change.pattern]), undo: [words(['del', 'acl', id, change.pattern])] }];
      break;
    case 'acl-delete':
      deletePatternEntry(file, change.pattern);
      steps = [{ step: words(['del', 'acl', id, change.pattern]), undo: [restoreAll] }];
      break;
    case 'acl-replace':
      replacePatternEntries(file, change.patterns);
      steps = [{ step: { replace: { id, kind, entries: change.patterns } }, undo: [restoreAll] }];
      break;
  }
  return { text: printPatternFile(file), steps };
}

/** A map or ACL file's entries as `show map` lists them, for comparing with the running process. */
export function patternFileContent(text: string, kind: 'map' | 'acl'): [string, string][] {
  return patternFileEntries(parsePatternFile(text, kind));
}
