import { assertInputSize, parseWithSchema } from '@ha/core';
import { z } from 'zod';
import { assertToolSucceeded } from '../xml/pacemaker-result.js';
import { parseXmlTree, type XmlElement } from '../xml/tree.js';
import { pcsParseError } from '../errors.js';
import { parseScore } from './score.js';

const scoreSchema = z.number();
/** Every attribute of the constraint element, as written. */
const attributesSchema = z.record(z.string(), z.string());

/** One constraint of the CIB, typed by kind; what is not mapped stays in `attributes`. */
export const constraintSchema = z.discriminatedUnion('kind', [
  z.object({
    /** `rsc_location`: where a resource may or prefers to run. */
    kind: z.literal('location'),
    /** The constraint's id. */
    id: z.string(),
    /** The resource it places (`rsc`). */
    resource: z.string().optional(),
    /** `rsc-pattern`, when the constraint matches resources by a regular expression. */
    resourcePattern: z.string().optional(),
    /** The node it names. */
    node: z.string().optional(),
    /** The score (`INFINITY` is 1,000,000; negative: keep away). */
    score: scoreSchema.optional(),
    /** The role it applies to (`Promoted`). */
    role: z.string().optional(),
    /** True when placement is decided by rules rather than a node and score. */
    hasRules: z.boolean(),
    /** Made by `pcs resource move` (`cli-prefer-…`) or `ban` (`cli-ban-…`). */
    fromCli: z.boolean(),
    /** Every attribute as written. */
    attributes: attributesSchema,
  }),
  z.object({
    /** `rsc_colocation`: a resource runs where (or away from where) another runs. */
    kind: z.literal('colocation'),
    /** The constraint's id. */
    id: z.string(),
    /** The dependent resource (`rsc`). */
    resource: z.string().optional(),
    /** The resource it goes with (`with-rsc`). */
    withResource: z.string().optional(),
    /** The score (`INFINITY`: always together; `-INFINITY`: never). */
    score: scoreSchema.optional(),
    /** The dependent's role (`rsc-role`). */
    role: z.string().optional(),
    /** The other's role (`with-rsc-role`). */
    withRole: z.string().optional(),
    /** Written with `resource_set`s instead of two resources. */
    sets: z.boolean(),
    /** Every attribute as written. */
    attributes: attributesSchema,
  }),
  z.object({
    /** `rsc_order`: an action of one resource before an action of another. */
    kind: z.literal('order'),
    /** The constraint's id. */
    id: z.string(),
    /** The resource whose action comes first. */
    first: z.string().optional(),
    /** The resource whose action follows. */
    then: z.string().optional(),
    /** The first action (`start` by default). */
    firstAction: z.string().optional(),
    /** The following action. */
    thenAction: z.string().optional(),
    /** `Mandatory`, `Optional` or `Serialize`. */
    orderKind: z.string().optional(),
    /** The reverse order applies to the reverse actions (stop `then` before `first`). */
    symmetrical: z.boolean().optional(),
    /** Written with `resource_set`s. */
    sets: z.boolean(),
    /** Every attribute as written. */
    attributes: attributesSchema,
  }),
  z.object({
    /** `rsc_ticket`: a resource runs only while a ticket is granted. */
    kind: z.literal('ticket'),
    /** The constraint's id. */
    id: z.string(),
    /** The resource that depends on the ticket. */
    resource: z.string().optional(),
    /** The ticket. */
    ticket: z.string().optional(),
    /** What happens when the ticket is revoked (`stop`, `demote`, `fence`, `freeze`). */
    lossPolicy: z.string().optional(),
    /** Written with `resource_set`s. */
    sets: z.boolean(),
    /** Every attribute as written. */
    attributes: attributesSchema,
  }),
]);
/** One constraint of the CIB (location, colocation, order or ticket), by `kind`. */
export type Constraint = z.infer<typeof constraintSchema>;

/**
 * Parses the `<constraints>` section of a CIB (`cibadmin --query --scope
 * constraints`, or a whole CIB) into typed constraints. Malformed or empty
 * text, or XML without a `<constraints>` section, is a `ParseError`; a
 * Pacemaker tool's XML that reports a failure is a `PacemakerToolError`.
 */
export function parseConstraints(
  text: string,
  options: { file?: string | undefined; maxBytes?: number | undefined } = {},
): Constraint[] {
  const where = options.file ?? 'CIB';
  assertInputSize(text, where, options.maxBytes);
  const root = parseXmlTree(text, options);
  assertToolSucceeded(root, where, { file: options.file });
  const section = root.name === 'constraints' ? root : findDescendant(root, 'constraints');
  if (!section)
    throw pcsParseError('NO_CONSTRAINTS', `no <constraints> section (root element <${root.name}>)`, {
      file: options.file,
      line: root.line,
      column: root.column,
    });
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
        score: parseScore(a.score),
        role: a.role,
        hasRules: element.children.some((child) => child.name === 'rule'),
        fromCli: /^cli-(prefer|ban)-/.test(a.id ?? ''),
        attributes: a,
      });
    } else if (element.name === 'rsc_colocation') {
      constraints.push({
        kind: 'colocation',
        id: a.id ?? '',
        resource: a.rsc,
        withResource: a['with-rsc'],
        score: parseScore(a.score),
        role: a['rsc-role'],
        withRole: a['with-rsc-role'],
        sets,
        attributes: a,
      });
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
      constraints.push({
        kind: 'ticket',
        id: a.id ?? '',
        resource: a.rsc,
        ticket: a.ticket,
        lossPolicy: a['loss-policy'],
        sets,
        attributes: a,
      });
    }
  }
  return parseWithSchema(z.array(constraintSchema), constraints, options.file ?? 'CIB constraints');
}

/** The location constraints (including `move`/`ban` leftovers) that name a resource. */
export function locationConstraintsOf(
  constraints: readonly Constraint[],
  resourceId: string,
): Extract<Constraint, { kind: 'location' }>[] {
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

function findDescendant(element: XmlElement, name: string): XmlElement | undefined {
  for (const child of element.children) {
    if (child.name === name) return child;
    const found = findDescendant(child, name);
    if (found) return found;
  }
  return undefined;
}
