import { HaError, parseWithSchema } from '@ha/core';
import { z } from 'zod';
import { parseXmlTree, type XmlElement } from '../xml/tree.js';

const scoreSchema = z.number();
const extraSchema = z.record(z.string(), z.string());

/** One constraint of the CIB, typed by kind; what is not mapped stays in `attributes`. */
export const constraintSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('location'),
    id: z.string(),
    resource: z.string().optional(),
    /** `rsc-pattern`, when the constraint matches resources by a regular expression. */
    resourcePattern: z.string().optional(),
    node: z.string().optional(),
    score: scoreSchema.optional(),
    role: z.string().optional(),
    /** True when placement is decided by rules rather than a node and score. */
    hasRules: z.boolean(),
    /** Made by `pcs resource move` (`cli-prefer-…`) or `ban` (`cli-ban-…`). */
    fromCli: z.boolean(),
    attributes: extraSchema,
  }),
  z.object({ kind: z.literal('colocation'), id: z.string(), resource: z.string().optional(), withResource: z.string().optional(), score: scoreSchema.optional(), role: z.string().optional(), withRole: z.string().optional(), sets: z.boolean(), attributes: extraSchema }),
  z.object({ kind: z.literal('order'), id: z.string(), first: z.string().optional(), then: z.string().optional(), firstAction: z.string().optional(), thenAction: z.string().optional(), orderKind: z.string().optional(), symmetrical: z.boolean().optional(), sets: z.boolean(), attributes: extraSchema }),
  z.object({ kind: z.literal('ticket'), id: z.string(), resource: z.string().optional(), ticket: z.string().optional(), lossPolicy: z.string().optional(), sets: z.boolean(), attributes: extraSchema }),
]);
export type Constraint = z.infer<typeof constraintSchema>;

/**
 * Parses the `<constraints>` section of a CIB (`cibadmin --query --scope
 * constraints`, or a whole CIB) into typed constraints.
 */
export function parseConstraints(text: string, options: { file?: string } = {}): Constraint[] {
  const root = parseXmlTree(text, options);
  const section = root.name === 'constraints' ? root : findDescendant(root, 'constraints');
  if (!section) throw new HaError('PARSE_ERROR', `${options.file ?? 'CIB'}: no <constraints> section`);
  const constraints: Constraint[] = [];
  for (const element of section.children) {
    const a = element.attributes;
    const sets = element.children.some((child) => child.name === 'resource_set');
    if (element.name === 'rsc_location') {
      constraints.push({
        kind: 'location',
        id: a.id ?? '',
        resource: a.rsc,
        resourcePattern: a['rsc-pattern'],
        node: a.node,
        score: score(a.score),
        role: a.role,
        hasRules: element.children.some((child) => child.name === 'rule'),
        fromCli: /^cli-(prefer|ban)-/.test(a.id ?? ''),
        attributes: a,
      });
    } else if (element.name === 'rsc_colocation') {
      constraints.push({ kind: 'colocation', id: a.id ?? '', resource: a.rsc, withResource: a['with-rsc'], score: score(a.score), role: a['rsc-role'], withRole: a['with-rsc-role'], sets, attributes: a });
    } else if (element.name === 'rsc_order') {
      constraints.push({
        kind: 'order',
        id: a.id ?? '',
        first: a.first,
        then: a.then,
        firstAction: a['first-action'],
        thenAction: a['then-action'],
        orderKind: a.kind,
        symmetrical: a.symmetrical === undefined ? undefined : a.symmetrical === 'true',
        sets,
        attributes: a,
      });
    } else if (element.name === 'rsc_ticket') {
      constraints.push({ kind: 'ticket', id: a.id ?? '', resource: a.rsc, ticket: a.ticket, lossPolicy: a['loss-policy'], sets, attributes: a });
    }
  }
  return parseWithSchema(z.array(constraintSchema), constraints, options.file ?? 'CIB constraints');
}

/** The location constraints (including `move`/`ban` leftovers) that name a resource. */
export function locationConstraintsOf(constraints: readonly Constraint[], resourceId: string): Extract<Constraint, { kind: 'location' }>[] {
  return constraints.filter((constraint): constraint is Extract<Constraint, { kind: 'location' }> => {
    if (constraint.kind !== 'location') return false;
    if (constraint.resource === resourceId) return true;
    if (constraint.resourcePattern === undefined) return false;
    try {
      return new RegExp(constraint.resourcePattern).test(resourceId);
    } catch {
      return false;
    }
  });
}

function score(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (/^[+]?INFINITY$/i.test(text)) return 1_000_000;
  if (/^-INFINITY$/i.test(text)) return -1_000_000;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function findDescendant(element: XmlElement, name: string): XmlElement | undefined {
  for (const child of element.children) {
    if (child.name === name) return child;
    const found = findDescendant(child, name);
    if (found) return found;
  }
  return undefined;
}
