import { connect } from 'node:net';
import { HaError, UsageError } from '@ha/core';

/**
 * The lab power switch's wire protocol: one request line, one answer line.
 *   request: `ACTION [NODE] [from=NODE] [services=no]` or (host side only) `fault none|refuse|unreachable`
 *   answer:  `ok [DETAIL]` or `error MESSAGE`
 * Node names are `node1` … `node9`; nothing else is ever spliced into a line.
 */

/** What a node (through `fence_ha_lab`) may ask the switch. */
export const outletActions = ['on', 'off', 'reboot', 'status'] as const;
/** One of `outletActions`. */
export type OutletAction = (typeof outletActions)[number];

/** A fault of the switch itself, set from the host: it refuses every request, or stops answering. */
export const powerFaults = ['none', 'refuse', 'unreachable'] as const;
/** One of `powerFaults`. */
export type PowerFault = (typeof powerFaults)[number];

/** A request about one outlet. */
export interface OutletRequest {
  /** What to do to the outlet. */
  action: OutletAction;
  /** The node on that outlet. */
  node: string;
  /** The node the request came from (its hostname); a powered-off node cannot command. */
  from?: string;
  /** For `on` and `reboot`: start corosync and pacemaker after boot (a real boot); default true. */
  services?: boolean;
}

/** A request about the switch itself. */
export interface SwitchRequest {
  /** `list`: every outlet and its state; `ping`: is the switch there. */
  action: 'list' | 'ping';
  /** The node the request came from. */
  from?: string;
}

/** A fault to inject (host side only). */
export interface FaultRequest {
  /** Set the switch's fault. */
  action: 'fault';
  /** The fault (`none` repairs it). */
  fault: PowerFault;
}

/** One request to the switch. */
export type PowerRequest = OutletRequest | SwitchRequest | FaultRequest;

/** True for a request about one outlet. */
export function isOutletRequest(request: PowerRequest): request is OutletRequest {
  return (outletActions as readonly string[]).includes(request.action);
}

/** An outlet's state as the switch reports it. */
export type OutletState = 'on' | 'off';

const nodePattern = /^node[1-9]$/;

/** Reads one request line; a malformed one is a UsageError naming what is wrong. */
export function parsePowerRequest(line: string): PowerRequest {
  const words = line.trim().split(/\s+/).filter(Boolean);
  const [action, ...rest] = words;
  const named = new Map<string, string>();
  const positional: string[] = [];
  for (const word of rest) {
    const equals = word.indexOf('=');
    if (equals === -1) positional.push(word);
    else named.set(word.slice(0, equals), word.slice(equals + 1));
  }
  for (const key of named.keys())
    if (key !== 'from' && key !== 'services') throw new UsageError(`unknown field '${key}'`);
  const from = named.get('from');
  if (from !== undefined && !nodePattern.test(from)) throw new UsageError(`'${from}' is not a lab node name`);
  const fromField = from === undefined ? {} : { from };
  if (action === 'list' || action === 'ping') {
    if (positional.length > 0) throw new UsageError(`${action} takes no node`);
    return { action, ...fromField };
  }
  if (action === 'fault') {
    const fault = positional[0];
    if (positional.length !== 1 || !powerFaults.includes(fault as PowerFault))
      throw new UsageError(`fault takes one of ${powerFaults.join(', ')}`);
    return { action, fault: fault as PowerFault };
  }
  if (!outletActions.includes(action as OutletAction))
    throw new UsageError(`unknown action '${action ?? ''}' (one of ${[...outletActions, 'list', 'ping'].join(', ')})`);
  const node = positional[0];
  if (positional.length !== 1 || node === undefined) throw new UsageError(`${action} takes one node`);
  if (!nodePattern.test(node)) throw new UsageError(`'${node}' is not a lab node name`);
  const services = named.get('services');
  if (services !== undefined && services !== 'yes' && services !== 'no')
    throw new UsageError(`services takes yes or no, got '${services}'`);
  return {
    action: action as OutletAction,
    node,
    ...fromField,
    ...(services === undefined ? {} : { services: services === 'yes' }),
  };
}

/** The request as its line (without the newline). */
export function formatPowerRequest(request: PowerRequest): string {
  if (request.action === 'fault') return `fault ${request.fault}`;
  const from = request.from === undefined ? '' : ` from=${request.from}`;
  if (!isOutletRequest(request)) return `${request.action}${from}`;
  const services = request.services === undefined ? '' : ` services=${request.services ? 'yes' : 'no'}`;
  return `${request.action} ${request.node}${from}${services}`;
}

/**
 * Sends one request and returns the answer's detail (what follows `ok`). An
 * `error` answer is a PRECONDITION_FAILED error with the switch's message; a
 * switch that is not there is SERVICE-like NOT_FOUND.
 */
export async function askPowerSwitch(socketPath: string, request: PowerRequest, timeoutMs = 60_000): Promise<string> {
  const line = formatPowerRequest(request);
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(socketPath);
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new HaError('TIMEOUT', `the lab's power switch did not answer '${line}' within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${line}\n`));
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received.includes('\n')) {
        clearTimeout(timer);
        socket.end();
        resolve(received.slice(0, received.indexOf('\n')));
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new HaError(
          'NOT_FOUND',
          `the lab's power switch is not running (${socketPath}: ${error.code ?? error.message}); is a lab up?`,
        ),
      );
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (!received.includes('\n'))
        reject(new HaError('PRECONDITION_FAILED', `the lab's power switch closed the connection on '${line}'`));
    });
  });
  const space = answer.indexOf(' ');
  const status = space === -1 ? answer : answer.slice(0, space);
  const detail = space === -1 ? '' : answer.slice(space + 1);
  if (status !== 'ok') throw new HaError('PRECONDITION_FAILED', `power switch: ${detail || answer}`);
  return detail;
}
