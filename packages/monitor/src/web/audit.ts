import type { Refusal } from './guard.js';

/**
 * An audit line for each refused request, at most one a second for the same reason and peer: a
 * client that retries with a wrong password, or a flood, cannot fill the log. The lines held back
 * are counted in the next one.
 */
export function auditRefusals(write: (line: string) => void, now: () => number = Date.now): (refusal: Refusal) => void {
  const last = new Map<string, { at: number; held: number }>();
  return (refusal) => {
    const key = `${refusal.remote} ${refusal.reason}`;
    const seen = last.get(key);
    const time = now();
    if (seen && time - seen.at < 1_000) {
      seen.held += 1;
      return;
    }
    if (last.size > 1_000) last.clear();
    last.set(key, { at: time, held: 0 });
    const what = refusal.request ?? 'TLS connection';
    const status = refusal.status === 0 ? 'closed' : String(refusal.status);
    const held = seen && seen.held > 0 ? ` (and ${seen.held} more like it)` : '';
    write(`refused ${what} from ${refusal.remote}: ${refusal.reason} (${status})${held}`);
  };
}
