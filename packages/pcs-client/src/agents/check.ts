import { escapeForMessage } from '@ha/core';
import type { OptionValue } from '../client/args.js';
import { closestName } from '../fencing/validate.js';
import type { AgentMetadata, AgentParameter } from './model.js';
import { formatAgentName } from './name.js';
import { isIntegerWord, isScoreWord, isTimeWord, parsePacemakerBoolean } from './values.js';

/**
 * What `checkAgentParameters` finds: a parameter the agent does not have
 * (`UNKNOWN_PARAMETER`), a required one not given (`MISSING_PARAMETER`), a
 * value the parameter's type does not allow (`WRONG_TYPE`), a parameter the
 * agent keeps for old configurations only (`DEPRECATED_PARAMETER`, a warning).
 */
export type AgentParameterCode = 'UNKNOWN_PARAMETER' | 'MISSING_PARAMETER' | 'WRONG_TYPE' | 'DEPRECATED_PARAMETER';

/** One finding of `checkAgentParameters`. */
export interface AgentParameterFinding {
  /** `error` (pcs must not run) or `warning` (a deprecated parameter). */
  severity: 'error' | 'warning';
  /** Where the parameter is: the caller's prefix, then its name (`resources[2].params.ip`). */
  path: string;
  /** What kind of problem. */
  code: AgentParameterCode;
  /** One line for humans, naming the agent and the parameter. */
  message: string;
  /** The parameter, as given (or, when missing, as the agent names it). */
  parameter: string;
  /** What to write instead, when something is close: a parameter name, an option of a `select`, a replacement. */
  suggestion?: string | undefined;
  /** What is allowed: the agent's parameter names (unknown parameter), or a `select`'s values. */
  allowed?: string[] | undefined;
}

/** Options of `checkAgentParameters`. */
export interface CheckAgentParametersOptions {
  /** Where the parameters sit, put before each name in `path` (default `params`: `params.ip`). */
  path?: string;
  /** Names taken besides the agent's own (a fence device also takes the fencer's `pcmk_*` options). */
  extraParameters?: readonly string[];
  /** Names never to require, as someone else fills them in (the fencer gives a fence agent `port`, `action`). */
  suppliedParameters?: readonly string[];
}

/**
 * Checks a resource's parameters (instance attributes) against its agent's
 * metadata, before anything runs: each must be one the agent lists, each
 * required one given (by its name, or by the one it replaces or is replaced
 * by), and each value of the parameter's type as Pacemaker and the agent read
 * it: `integer` a whole number, `boolean` one of Pacemaker's words (true/false,
 * yes/no, on/off, y/n, 1/0, any case), `select` one of its values, `time`
 * (and `timeout`, `duration`) an interval like `10s`, `1min`, `500ms` or
 * `PT10S`, `score` a number or INFINITY; other types pass. An empty value
 * counts as not given. Pure: returns the findings, errors then warnings
 * in the order of the parameters, and never throws for any `params`.
 *
 * @example
 * checkAgentParameters(ipaddr2, { ipp: '10.0.0.1' }, { path: 'resources[0].params' })
 * // [{ severity: 'error', code: 'UNKNOWN_PARAMETER', path: 'resources[0].params.ipp', suggestion: 'ip', … },
 * //  { severity: 'error', code: 'MISSING_PARAMETER', path: 'resources[0].params.ip', … }]
 */
export function checkAgentParameters(
  metadata: AgentMetadata,
  params: Readonly<Record<string, OptionValue | undefined>>,
  options: CheckAgentParametersOptions = {},
): AgentParameterFinding[] {
  const agent = formatAgentName(metadata.agent);
  const prefix = options.path ?? 'params';
  const at = (name: string) => (prefix === '' ? name : `${prefix}.${name}`);
  const byName = new Map(metadata.parameters.map((parameter) => [parameter.name, parameter]));
  const allowed = [...new Set([...byName.keys(), ...(options.extraParameters ?? [])])];
  const given = new Map<string, string>();
  for (const [name, value] of Object.entries(params)) {
    const text = wordOf(value);
    if (text !== undefined && text !== '') given.set(name, text);
  }
  const errors: AgentParameterFinding[] = [];
  const warnings: AgentParameterFinding[] = [];
  for (const [name, value] of given) {
    const parameter = byName.get(name);
    if (!parameter) {
      if (allowed.includes(name)) continue;
      const suggestion = closestName(name, allowed);
      errors.push({
        severity: 'error',
        path: at(name),
        code: 'UNKNOWN_PARAMETER',
        parameter: name,
        message:
          `agent ${agent} has no parameter '${escapeForMessage(name)}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}; ` +
          (allowed.length > 0 ? `its parameters are: ${allowed.join(', ')}` : 'it takes no parameters'),
        suggestion,
        allowed,
      });
      continue;
    }
    const wrong = typeProblem(parameter, value);
    if (wrong)
      errors.push({
        severity: 'error',
        path: at(name),
        code: 'WRONG_TYPE',
        parameter: name,
        message: `parameter ${name} of ${agent} ${wrong.expected}, not '${escapeForMessage(value)}'`,
        suggestion: wrong.suggestion,
        allowed: parameter.type === 'select' ? parameter.values : undefined,
      });
    if (parameter.deprecated) {
      const replacement = parameter.replacedWith[0];
      warnings.push({
        severity: 'warning',
        path: at(name),
        code: 'DEPRECATED_PARAMETER',
        parameter: name,
        message: `parameter ${name} of ${agent} is deprecated${replacement ? `: use ${parameter.replacedWith.join(' or ')}` : ''}`,
        suggestion: replacement,
      });
    }
  }
  const supplied = new Set(options.suppliedParameters ?? []);
  const missing = metadata.parameters.filter((parameter) => {
    if (!parameter.required) return false;
    const names = equivalentNames(parameter, metadata.parameters);
    return !names.some((name) => supplied.has(name)) && !names.some((name) => given.has(name));
  });
  // A deprecated name and its replacement both marked required stand for one need: name the current one.
  const current = missing.filter(
    (parameter) => !parameter.deprecated || !missing.some((other) => parameter.replacedWith.includes(other.name)),
  );
  for (const parameter of current)
    errors.push({
      severity: 'error',
      path: at(parameter.name),
      code: 'MISSING_PARAMETER',
      parameter: parameter.name,
      message: `agent ${agent} needs parameter ${parameter.name}${parameter.shortdesc ? ` (${parameter.shortdesc})` : ''}`,
    });
  return [...errors, ...warnings];
}

// A value as pcs writes it (`optionWords`): booleans as true/false, numbers in JavaScript's decimal form.
function wordOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

// The parameter itself, the one it replaces, and those that replace it: any of them given meets a requirement.
function equivalentNames(parameter: AgentParameter, parameters: readonly AgentParameter[]): string[] {
  const names = new Set([parameter.name, ...parameter.replacedWith]);
  if (parameter.obsoletes !== undefined) names.add(parameter.obsoletes);
  for (const other of parameters)
    if (other.obsoletes === parameter.name || other.replacedWith.includes(parameter.name)) names.add(other.name);
  return [...names];
}

function typeProblem(
  parameter: AgentParameter,
  value: string,
): { expected: string; suggestion?: string | undefined } | undefined {
  switch (parameter.type) {
    case 'integer':
      return isIntegerWord(value) ? undefined : { expected: 'is an integer' };
    case 'nonnegative_integer':
      return isIntegerWord(value) && !value.startsWith('-') ? undefined : { expected: 'is an integer of 0 or more' };
    case 'port':
      return isIntegerWord(value) && Number(value) >= 0 && Number(value) <= 65535
        ? undefined
        : { expected: 'is a port (0 to 65535)' };
    case 'boolean':
      return parsePacemakerBoolean(value) === undefined
        ? { expected: 'is a boolean (true/false, yes/no, on/off, y/n, 1/0)' }
        : undefined;
    case 'time':
    case 'timeout':
    case 'duration':
      return isTimeWord(value) ? undefined : { expected: 'is a time (10s, 1min, 500ms, PT10S)' };
    case 'score':
      return isScoreWord(value) ? undefined : { expected: 'is a score (an integer or INFINITY)' };
    case 'select': {
      const values = parameter.values ?? [];
      if (values.length === 0 || values.includes(value)) return undefined;
      return { expected: `is one of ${values.join(', ')}`, suggestion: closestName(value, values) };
    }
    default:
      return undefined;
  }
}
