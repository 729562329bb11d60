import { FenceOptionError } from './errors.js';
import type { FenceAgentMetadata } from './model.js';

/**
 * The options Pacemaker's fencer itself takes on every fence device, whatever
 * its agent (`pacemaker-fenced metadata`: the same 25 in Pacemaker 2.1 and
 * 3.0): where the host map goes, delays, and per-action overrides.
 */
export const fencerParameters: readonly string[] = [
  'pcmk_host_argument',
  'pcmk_host_map',
  'pcmk_host_list',
  'pcmk_host_check',
  'pcmk_delay_max',
  'pcmk_delay_base',
  'pcmk_action_limit',
  ...['reboot', 'off', 'on', 'list', 'monitor', 'status'].flatMap((action) =>
    ['action', 'timeout', 'retries'].map((what) => `pcmk_${action}_${what}`),
  ),
];

// The fencer fills these in for each fencing itself (the node's port from the host map, the action): an agent
// marking one required does not make the user give it.
/** What the fencer gives a fence agent itself (the target's plug, the action): never required from the device. */
export const fencerSupplied: ReadonlySet<string> = new Set(['port', 'plug', 'nodename', 'action']);

/**
 * Checks a fence device's options against its agent's metadata, before pcs
 * runs: every option must be one the agent (or the fencer) lists, and every
 * option the agent requires must be given, either by its name or by the name
 * it replaces or is replaced by (`ip`/`ipaddr`, `username`/`login`). Options
 * the fencer fills in per action (`port`, `plug`, `nodename`, `action`) are
 * never required. Throws `FenceOptionError`; returns nothing when they fit.
 *
 * @example
 * checkFenceDeviceOptions(metadata, { ipadr: '10.0.0.1' })
 * // FenceOptionError "fence agent fence_apc has no option 'ipadr' (did you mean 'ipaddr'?); its options are: …"
 */
export function checkFenceDeviceOptions(
  metadata: FenceAgentMetadata,
  options: Readonly<Record<string, unknown>>,
): void {
  const own = metadata.parameters.map((parameter) => parameter.name);
  const allowed = [...new Set([...own, ...fencerParameters])];
  const given = Object.keys(options).filter((name) => options[name] !== undefined);
  const unknown = given.filter((name) => !allowed.includes(name));
  if (unknown.length > 0) {
    throw new FenceOptionError({
      agent: metadata.name,
      options: unknown,
      problem: 'unknown',
      allowed,
      suggestion: closestName(unknown[0] ?? '', allowed),
    });
  }
  const missing: string[] = [];
  for (const parameter of metadata.parameters) {
    if (!parameter.required || missing.includes(parameter.name)) continue;
    const names = new Set([parameter.name]);
    if (parameter.obsoletes) names.add(parameter.obsoletes);
    for (const other of metadata.parameters) if (other.obsoletes === parameter.name) names.add(other.name);
    if ([...names].some((name) => fencerSupplied.has(name))) continue;
    if (![...names].some((name) => given.includes(name))) missing.push(parameter.name);
  }
  // A deprecated name and its replacement both marked required name one need: report the current name only.
  const current = missing.filter(
    (name) => !metadata.parameters.some((parameter) => parameter.name === name && parameter.deprecated),
  );
  if (missing.length > 0)
    throw new FenceOptionError({
      agent: metadata.name,
      options: current.length > 0 ? current : missing,
      problem: 'missing',
      allowed,
    });
}

/**
 * The allowed name closest to a mistyped one (edit distance, at most a third
 * of its length and at least 2), or `undefined` when none is close.
 *
 * @example closestName('pcmk_host_mpa', ['pcmk_host_map', 'pcmk_host_list']) // 'pcmk_host_map'
 */
export function closestName(name: string, allowed: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const candidate of allowed) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

// Levenshtein distance, one row at a time (names are short).
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}
