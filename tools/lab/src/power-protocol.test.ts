import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { UsageError } from '@ha/core';
import {
  formatPowerRequest,
  outletActions,
  parsePowerRequest,
  powerFaults,
  type PowerRequest,
} from './power-protocol.js';
import { renderLabFenceDevice } from './cluster-files.js';
import { parseFenceEvents } from './cluster-view.js';

const node = fc.integer({ min: 1, max: 9 }).map((k) => `node${k}`);
const request: fc.Arbitrary<PowerRequest> = fc.oneof(
  fc.record(
    { action: fc.constantFrom(...outletActions), node, from: node, services: fc.boolean() },
    { requiredKeys: ['action', 'node'] },
  ),
  fc.record({ action: fc.constantFrom('list' as const, 'ping' as const), from: node }, { requiredKeys: ['action'] }),
  fc.record({ action: fc.constant('fault' as const), fault: fc.constantFrom(...powerFaults) }),
);

describe('the power switch protocol', () => {
  it('reads back every request it writes', () => {
    fc.assert(
      fc.property(request, (value) => {
        expect(parsePowerRequest(formatPowerRequest(value))).toEqual(value);
      }),
    );
  });

  it('reads what the agent sends', () => {
    expect(parsePowerRequest('reboot node2 from=node1')).toEqual({ action: 'reboot', node: 'node2', from: 'node1' });
    expect(parsePowerRequest('list from=node3')).toEqual({ action: 'list', from: 'node3' });
  });

  it('refuses anything else with a UsageError naming what is wrong', () => {
    const refusals: [string, RegExp][] = [
      ['explode node1', /unknown action 'explode'/],
      ['off', /off takes one node/],
      ['off node1 node2', /off takes one node/],
      ['off node1;reboot', /'node1;reboot' is not a lab node name/],
      ['status node1 from=host', /'host' is not a lab node name/],
      ['status node1 user=root', /unknown field 'user'/],
      ['on node1 services=maybe', /services takes yes or no/],
      ['list node1', /list takes no node/],
      ['fault melt', /fault takes one of none, refuse, unreachable/],
      ['', /unknown action ''/],
    ];
    for (const [line, message] of refusals) {
      expect(() => parsePowerRequest(line)).toThrow(UsageError);
      expect(() => parsePowerRequest(line)).toThrow(message);
    }
  });

  it('never throws anything but a UsageError on garbage', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (line) => {
        try {
          parsePowerRequest(line);
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
        }
      }),
    );
  });
});

describe('the lab fence device', () => {
  it('maps every node to its outlet and takes a delay only as a duration', () => {
    expect(renderLabFenceDevice(3)).toContain('name="pcmk_host_map" value="node1:node1;node2:node2;node3:node3"');
    expect(renderLabFenceDevice(2, { delayMax: '3s' })).toContain('name="pcmk_delay_max" value="3s"');
    expect(() => renderLabFenceDevice(2, { delayMax: '3s"/><x' })).toThrow(UsageError);
  });

  it('reads stonith_admin --history, oldest first, with its second-resolution times', () => {
    const xml = `<pacemaker-result api-version="2.25" request="stonith_admin --history * --verbose --output-as=xml">
  <list name="fencing history" count="2">
    <fence_event action="off" target="node3" client="pacemaker-controld.69" origin="node1" status="success" delegate="node1" completed="2026-12-01 18:58:13Z"/>
    <fence_event action="reboot" target="node3" client="stonith_admin.100" origin="node1" status="failed" delegate="node2" completed="2026-12-01 18:57:46Z"/>
    <fence_event action="reboot" target="node2" client="stonith_admin.101" origin="node1" status="pending"/>
  </list>
  <status code="0" message="OK"/>
</pacemaker-result>`;
    expect(parseFenceEvents(xml)).toEqual([
      {
        target: 'node3',
        action: 'reboot',
        status: 'failed',
        delegate: 'node2',
        origin: 'node1',
        completed: Date.parse('2026-12-01T18:57:46Z'),
      },
      {
        target: 'node3',
        action: 'off',
        status: 'success',
        delegate: 'node1',
        origin: 'node1',
        completed: Date.parse('2026-12-01T18:58:13Z'),
      },
      {
        target: 'node2',
        action: 'reboot',
        status: 'pending',
        delegate: undefined,
        origin: 'node1',
        completed: undefined,
      },
    ]);
  });
});
