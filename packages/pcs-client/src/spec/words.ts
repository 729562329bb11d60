import { escapeForMessage } from '@ha/core';
import { formatPlan } from '../plan/cli.js';
import type { SpecApplyReport } from './apply.js';
import { formatSpecDiff, type SpecChange } from './diff.js';

/** The changes, one line each, as `ha-pcs diff` prints them. */
export function changeLines(changes: readonly SpecChange[]): string {
  return formatSpecDiff(changes)
    .map((line) => `${escapeForMessage(line, 2000)}\n`)
    .join('');
}

/** An apply's report in words: the changes, the plan (as `ha-pcs plan` says it), and what was done. */
export function applyWords(report: SpecApplyReport): string {
  if (report.outcome === 'unchanged') return 'no change: the cluster is the spec\n';
  const plan = report.plan ? formatPlan(report.plan).split('\n').slice(1).join('\n') : '';
  const said: Record<SpecApplyReport['outcome'], string> = {
    applied: `applied in one CIB update (epoch ${report.versionBefore.epoch} → ${report.versionAfter?.epoch ?? '?'})`,
    planned: 'dry run: nothing pushed',
    refused: `refused: ${report.refused?.message ?? ''}`,
    unchanged: '',
  };
  return `${changeLines(report.changes)}plan:\n${plan}${plan.endsWith('\n') ? '' : '\n'}${escapeForMessage(said[report.outcome], 2000)}\n`;
}
