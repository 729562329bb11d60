import type { z } from 'zod';
import { parseXmlTree, type XmlElement } from '../xml/tree.js';
import { operationKey } from './flatten.js';
import {
  clusterSpecSchema,
  type ClusterSpec,
  type SpecPrimitive,
  type SpecResource,
  type SpecResourceSet,
} from './model.js';
import { configurationFromSpec } from './to-cib.js';

/**
 * What `specProblems` finds: a field that does not match the schema
 * (`INVALID`), an id used twice (`DUPLICATE_ID`: Pacemaker's ids are global),
 * a reference to nothing the spec holds (`UNKNOWN_REFERENCE`: a constraint's
 * resource, a fencing level's device, a tag's object), a group member that
 * is also a top-level resource (`MEMBER_ALSO_TOP_LEVEL`), two operations of a
 * primitive with the same action, interval and role (`DUPLICATE_OPERATION`),
 * a `name` that is not the `cluster-name` property (`NAME_MISMATCH`), raw XML
 * that is not well-formed or a value XML cannot hold (`UNWRITABLE`).
 */
export type SpecProblemCode =
  | 'INVALID'
  | 'DUPLICATE_ID'
  | 'UNKNOWN_REFERENCE'
  | 'MEMBER_ALSO_TOP_LEVEL'
  | 'DUPLICATE_OPERATION'
  | 'NAME_MISMATCH'
  | 'UNWRITABLE';

/** One problem of a spec, at the path of its field. */
export interface SpecProblem {
  /** What kind of problem. */
  code: SpecProblemCode;
  /** The field, as a path into the spec: `resources[3].operations[0].interval`, `constraints[1].withRsc`. */
  path: string;
  /** What is wrong, naming the ids involved. */
  message: string;
}

/** A path into the spec as people read it: `resources[3].operations[0].interval`. */
export function formatSpecPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

/** zod's issues as problems; of a union's branches, the one that failed least says what is wrong. */
function schemaProblems(error: z.ZodError): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const visit = (issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[]) => {
    for (const issue of issues) {
      const path = [...prefix, ...issue.path];
      if (issue.code === 'invalid_union' && issue.errors.length > 0) {
        const [closest] = [...issue.errors].sort((a, b) => a.length - b.length);
        if (closest && closest.length > 0) {
          visit(closest, path);
          continue;
        }
      }
      problems.push({ code: 'INVALID', path: formatSpecPath(path), message: issue.message });
    }
  };
  visit(error.issues, []);
  return problems;
}

/**
 * Everything wrong with a spec that the spec alone tells (pure: no cluster, no
 * agent metadata): first whether it matches `clusterSpecSchema` (each zod
 * issue a problem at its path); then, for a spec that does, duplicate ids
 * (also among the ids `configurationFromSpec` would generate and those of raw
 * XML), references to resources, devices or objects it does not hold, group
 * members also at top level, duplicate operations, and a `name` unlike its
 * `cluster-name`. An empty list: nothing found.
 */
export function specProblems(value: unknown): SpecProblem[] {
  const parsed = clusterSpecSchema.safeParse(value);
  if (!parsed.success) return schemaProblems(parsed.error);
  const spec = parsed.data;
  const problems: SpecProblem[] = [];
  const firstUse = new Map<string, string>();
  const duplicated = new Set<string>();
  const useId = (id: string, path: string) => {
    const earlier = firstUse.get(id);
    if (earlier === undefined) firstUse.set(id, path);
    else {
      duplicated.add(id);
      problems.push({ code: 'DUPLICATE_ID', path, message: `id '${id}' is already used at ${earlier}` });
    }
  };
  const topLevel = new Map<string, number>();
  (spec.resources ?? []).forEach((resource, index) => topLevel.set(resource.id, index));
  const resources = new Set<string>();
  const stonith = new Set<string>();
  const checkPrimitive = (primitive: SpecPrimitive, path: string) => {
    useId(primitive.id, `${path}.id`);
    resources.add(primitive.id);
    if (primitive.class === 'stonith') stonith.add(primitive.id);
    const seen = new Map<string, number>();
    (primitive.operations ?? []).forEach((op, index) => {
      const key = operationKey(op);
      const earlier = seen.get(key);
      if (earlier !== undefined)
        problems.push({
          code: 'DUPLICATE_OPERATION',
          path: `${path}.operations[${index}]`,
          message: `${primitive.id} has operation '${key}' twice (also ${path}.operations[${earlier}])`,
        });
      else seen.set(key, index);
    });
  };
  const checkResource = (resource: SpecResource, path: string) => {
    if (resource.kind === 'primitive') return checkPrimitive(resource, path);
    useId(resource.id, `${path}.id`);
    resources.add(resource.id);
    if (resource.kind === 'group')
      resource.members.forEach((member, index) => {
        const elsewhere = topLevel.get(member.id);
        if (elsewhere !== undefined) {
          problems.push({
            code: 'MEMBER_ALSO_TOP_LEVEL',
            path: `${path}.members[${index}]`,
            message: `${member.id} is a member of group ${resource.id} and also a resource of its own (resources[${elsewhere}])`,
          });
          resources.add(member.id);
          duplicated.add(member.id);
        } else checkPrimitive(member, `${path}.members[${index}]`);
      });
    if (resource.kind === 'clone') checkResource(resource.resource, `${path}.resource`);
  };
  (spec.resources ?? []).forEach((resource, index) => checkResource(resource, `resources[${index}]`));
  (spec.nodes ?? []).forEach((node, index) => useId(node.id, `nodes[${index}].id`));
  (spec.constraints ?? []).forEach((constraint, index) => useId(constraint.id, `constraints[${index}].id`));
  (spec.alerts ?? []).forEach((alert, index) => {
    useId(alert.id, `alerts[${index}].id`);
    (alert.recipients ?? []).forEach((recipient, inner) =>
      useId(recipient.id, `alerts[${index}].recipients[${inner}].id`),
    );
  });
  (spec.tags ?? []).forEach((tag, index) => useId(tag.id, `tags[${index}].id`));
  problems.push(...referenceProblems(spec, resources, stonith));
  const clusterName = spec.properties?.['cluster-name'];
  if (spec.name !== undefined && clusterName !== undefined && clusterName !== spec.name)
    problems.push({
      code: 'NAME_MISMATCH',
      path: 'name',
      message: `name '${spec.name}' is not the cluster-name property '${clusterName}' (properties.cluster-name)`,
    });
  problems.push(...writtenIdProblems(spec, duplicated));
  return problems;
}

function referenceProblems(spec: ClusterSpec, resources: Set<string>, stonith: Set<string>): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const tags = new Set((spec.tags ?? []).map((tag) => tag.id));
  const known = (id: string) => resources.has(id) || tags.has(id);
  const refer = (id: string | undefined, path: string, what: string) => {
    if (id !== undefined && !known(id))
      problems.push({ code: 'UNKNOWN_REFERENCE', path, message: `${what} '${id}' is no resource or tag of the spec` });
  };
  const referSets = (sets: SpecResourceSet[] | undefined, path: string) =>
    (sets ?? []).forEach((set, index) =>
      set.resources.forEach((id, inner) => refer(id, `${path}.sets[${index}].resources[${inner}]`, 'resource')),
    );
  (spec.constraints ?? []).forEach((constraint, index) => {
    const path = `constraints[${index}]`;
    switch (constraint.type) {
      case 'location':
        refer(constraint.rsc, `${path}.rsc`, 'resource');
        referSets(constraint.sets, path);
        break;
      case 'colocation':
        refer(constraint.rsc, `${path}.rsc`, 'resource');
        refer(constraint.withRsc, `${path}.withRsc`, 'resource');
        referSets(constraint.sets, path);
        break;
      case 'order':
        refer(constraint.first, `${path}.first`, 'resource');
        refer(constraint.then, `${path}.then`, 'resource');
        referSets(constraint.sets, path);
        break;
      case 'ticket':
        refer(constraint.rsc, `${path}.rsc`, 'resource');
        referSets(constraint.sets, path);
        break;
      default:
    }
  });
  (spec.fencingLevels ?? []).forEach((level, index) =>
    level.devices.forEach((device, inner) => {
      if (!stonith.has(device))
        problems.push({
          code: 'UNKNOWN_REFERENCE',
          path: `fencingLevels[${index}].devices[${inner}]`,
          message: `fence device '${device}' is no stonith resource of the spec`,
        });
    }),
  );
  const everything = new Set([...resources, ...tags, ...(spec.constraints ?? []).map((constraint) => constraint.id)]);
  (spec.tags ?? []).forEach((tag, index) =>
    tag.refs.forEach((ref, inner) => {
      if (!everything.has(ref))
        problems.push({
          code: 'UNKNOWN_REFERENCE',
          path: `tags[${index}].refs[${inner}]`,
          message: `tag ${tag.id} names '${ref}', which the spec does not hold`,
        });
    }),
  );
  return problems;
}

/** Ids that collide only once written: generated ones, and those inside raw XML. */
function writtenIdProblems(spec: ClusterSpec, reported: Set<string>): SpecProblem[] {
  let root: XmlElement;
  try {
    root = parseXmlTree(configurationFromSpec(spec));
  } catch (error) {
    return [
      {
        code: 'UNWRITABLE',
        path: '',
        message: `the spec cannot be written as a configuration: ${(error as Error).message}`,
      },
    ];
  }
  const seen = new Set<string>();
  const problems: SpecProblem[] = [];
  const counted = new Set<string>();
  const pending = [root];
  for (let element = pending.pop(); element !== undefined; element = pending.pop()) {
    pending.push(...element.children);
    // resource_ref and obj_ref name an id defined elsewhere: only definitions count.
    if (element.name === 'resource_ref' || element.name === 'obj_ref') continue;
    const id = element.attributes.id;
    if (id === undefined) continue;
    // An id the spec itself names twice is reported once, at its second use, with its path.
    if (seen.has(id) && !counted.has(id) && !reported.has(id)) {
      counted.add(id);
      problems.push({
        code: 'DUPLICATE_ID',
        path: '',
        message: `id '${id}' would be written twice (generated ids, or ids in raw XML)`,
      });
    }
    seen.add(id);
  }
  return problems;
}
