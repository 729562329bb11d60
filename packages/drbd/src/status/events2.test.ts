import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CommandError, defaultRunner, ServiceUnavailableError, type Runner } from '@ha/core';
import { fixture } from '../../test/fixtures.js';
import { Events2Tracker, parseEvents2Line, parseEvents2Stream, watchEvents2, type Events2Item } from './events2.js';
import { evaluateDrbdHealth } from './health.js';
import { drbdUnavailableFrom } from '../errors.js';
import { readDrbdStatus } from './read.js';

async function collect(lines: Iterable<string> | AsyncIterable<string>): Promise<Events2Item[]> {
  const items: Events2Item[] = [];
  for await (const item of parseEvents2Stream(lines)) items.push(item);
  return items;
}

describe('drbdsetup events2', () => {
  it('replays a whole story: initial state, network failure, reconnect, resync, split brain, garbage', async () => {
    const items = await collect(fixture('drbd-9/events2-replay.txt').split('\n'));
    const timeline: string[] = [];
    for (const item of items) {
      if (item.type === 'warning') timeline.push(`warning line ${item.lineNumber}`);
      else if (item.type === 'initialized') timeline.push(`initialized: ${evaluateDrbdHealth(item.status).state}`);
      else if (item.event.verb !== 'exists') {
        const health = evaluateDrbdHealth(item.status);
        const percentInSync = health.resources[0]?.percentInSync;
        const progress = percentInSync !== undefined ? ` ${percentInSync}%` : '';
        timeline.push(`${item.event.verb} ${item.event.object}: ${health.state}${progress}`);
      }
    }
    expect(timeline).toEqual([
      'initialized: healthy',
      'change connection: degraded',
      'change peer-device: degraded',
      'change connection: degraded',
      'warning line 10',
      // Connected again, but the peer device has not said it is resyncing yet.
      'change connection: degraded',
      'change peer-device: syncing 93.75%',
      'change peer-device: syncing 96.87%',
      'change peer-device: healthy',
      'change connection: degraded',
      'call helper: split-brain',
      'response helper: split-brain',
      'change connection: split-brain',
      'change peer-device: split-brain',
      'warning line 20',
    ]);
    const last = items.findLast((item) => item.type === 'event');
    expect(last?.type === 'event' && last.status.resources[0]).toMatchObject({
      name: 'r0',
      role: 'Primary',
      splitBrain: true,
      devices: [{ volume: 0, minor: 0, diskState: 'UpToDate', quorum: true, size: 1048412, written: 331776 }],
      connections: [
        {
          name: 'node2',
          peerNodeId: 1,
          connectionState: 'StandAlone',
          paths: [
            {
              thisHost: { address: '10.213.0.1', port: 7789, family: 'ipv4' },
              remoteHost: { address: '10.213.0.2', port: 7789 },
              established: true,
            },
          ],
          peerDevices: [{ replicationState: 'Off', peerDiskState: 'DUnknown', outOfSync: 0 }],
        },
      ],
    });
  });

  it('parses lines with and without timestamps; the end of the initial dump is no event', () => {
    expect(parseEvents2Line('change device name:r0 volume:0 minor:0 disk:Diskless client:no')).toEqual({
      verb: 'change',
      object: 'device',
      resource: 'r0',
      fields: { name: 'r0', volume: '0', minor: '0', disk: 'Diskless', client: 'no' },
    });
    expect(parseEvents2Line('2026-11-25T10:00:00.000001+00:00 destroy resource name:r0')).toMatchObject({
      timestamp: '2026-11-25T10:00:00.000001+00:00',
      verb: 'destroy',
      object: 'resource',
    });
    expect(parseEvents2Line('exists -')).toBeUndefined();
    expect(parseEvents2Line('change device volume:0')).toMatchObject({ type: 'warning', message: 'no resource name' });
    expect(parseEvents2Line('change device name:r0 oops', 7)).toMatchObject({
      type: 'warning',
      lineNumber: 7,
      message: "'oops' is not key:value",
    });
    // A number that is not one would have been a NaN in the state.
    expect(parseEvents2Line('change device name:r0 volume:zero disk:UpToDate')).toMatchObject({
      type: 'warning',
      message: "volume: expects a number, got 'zero'",
    });
    expect(parseEvents2Line('change peer-device name:r0 peer-node-id:1 volume:0 done:5%')).toMatchObject({
      type: 'warning',
      message: "done: expects a number, got '5%'",
    });
  });

  it('a split brain clears when the connection is back; rename and destroy follow the resource', () => {
    const tracker = new Events2Tracker();
    const apply = (line: string) => {
      const event = parseEvents2Line(line);
      if (event && !('type' in event)) tracker.apply(event);
    };
    apply('exists resource name:r0 role:Secondary suspended:quorum');
    expect(tracker.status().resources[0]).toMatchObject({ suspended: true, suspendedReasons: ['quorum'] });
    apply('call helper name:r0 peer-node-id:1 conn-name:b volume:0 helper:split-brain');
    expect(tracker.status().resources[0]?.splitBrain).toBe(true);
    apply('change connection name:r0 peer-node-id:1 conn-name:b connection:Connected role:Primary');
    expect(tracker.status().resources[0]?.splitBrain).toBe(false);
    apply('rename resource name:r0 new_name:data');
    expect(tracker.status().resources.map((resource) => resource.name)).toEqual(['data']);
    apply('destroy connection name:data peer-node-id:1 conn-name:b');
    expect(tracker.status().resources[0]?.connections).toEqual([]);
    apply('destroy resource name:data');
    expect(tracker.status().resources).toEqual([]);
  });

  it('status() is a snapshot: later events do not change what was handed out', () => {
    const tracker = new Events2Tracker();
    const event = parseEvents2Line('exists device name:r0 volume:0 disk:UpToDate');
    if (!event || 'type' in event) throw new Error('not an event');
    tracker.apply(event);
    const before = tracker.status();
    const change = parseEvents2Line('change device name:r0 volume:0 disk:Failed');
    if (!change || 'type' in change) throw new Error('not an event');
    tracker.apply(change);
    expect(before.resources[0]?.devices[0]?.diskState).toBe('UpToDate');
    expect(tracker.status().resources[0]?.devices[0]?.diskState).toBe('Failed');
  });

  it('any line gives an event, a warning or nothing, never a throw; the stream goes on', async () => {
    const line = fc.oneof(
      fc.string(),
      fc
        .tuple(
          fc.constantFrom('exists', 'create', 'change', 'destroy', 'call', 'response', 'rename', 'bogus'),
          fc.constantFrom('resource', 'device', 'connection', 'peer-device', 'path', 'helper', '-'),
          fc.array(
            fc.tuple(
              fc.constantFrom(
                'name',
                'volume',
                'peer-node-id',
                'conn-name',
                'disk',
                'connection',
                'replication',
                'done',
                'eta',
                'helper',
                'suspended',
                'new_name',
                'local',
                'peer',
                'size',
              ),
              fc.string({ maxLength: 8 }).filter((value) => !/\s/.test(value)),
            ),
            { maxLength: 6 },
          ),
        )
        .map(([verb, object, fields]) => [verb, object, ...fields.map(([key, value]) => `${key}:${value}`)].join(' ')),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 30 }), async (lines) => {
        const items = await collect(lines);
        const events = items.filter((item) => item.type === 'event').length;
        const warnings = items.filter((item) => item.type === 'warning').length;
        expect(events + warnings).toBeLessThanOrEqual(lines.length);
        for (const item of items) if (item.type !== 'warning') evaluateDrbdHealth(item.status);
      }),
    );
  });

  it('reads from an async source as it arrives (the live stream)', async () => {
    async function* slowly() {
      yield 'exists resource name:r0 role:Primary';
      await new Promise((resolve) => setTimeout(resolve, 5));
      yield 'exists -';
      yield 'change resource name:r0 role:Secondary';
    }
    const items = await collect(slowly());
    expect(items.map((item) => item.type)).toEqual(['event', 'initialized', 'event']);
  });
});

describe('the live path on this machine (no DRBD kernel module)', () => {
  it('readDrbdStatus runs the real drbdsetup and reports DRBD as unavailable, typed', async () => {
    const error = await readDrbdStatus().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', service: 'drbd', exitCode: 20 });
    expect((error as Error).cause).toBeInstanceOf(CommandError);
  });

  it('watchEvents2 runs the real drbdsetup events2: without the module, a ServiceUnavailableError with its words, not a hang', async () => {
    const error = await (async () => {
      for await (const item of watchEvents2()) void item;
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', service: 'drbd', exitCode: 20 });
    // What the real drbdsetup printed here: `modprobe: FATAL: Module drbd not found …`, `Failed to modprobe drbd …`.
    const cause = (error as Error).cause as CommandError;
    expect(cause).toBeInstanceOf(CommandError);
    expect(cause.command).toMatch(/^drbdsetup events2 --now --timestamps --statistics/);
    expect(cause.stderr).toMatch(/Failed to modprobe drbd/);
    expect((error as Error).message).toMatch(
      /^DRBD is not available here: the drbd kernel module is not loaded \(drbdsetup events2 .* exited with code 20: modprobe: FATAL: Module drbd not found/,
    );
    expect((error as Error).message).not.toContain('\n');
  });

  it("drbdUnavailableFrom: only drbdsetup's own signs of a missing module make DRBD unavailable", () => {
    const failure = (file: string, exitCode: number, stderr: string) =>
      new CommandError({
        file,
        args: [],
        command: file,
        exitCode,
        signal: undefined,
        stdout: '',
        stderr,
        timedOut: false,
        durationMs: 1,
      });
    // drbdadm prints this on every run without the module, a dry run that works included.
    expect(
      drbdUnavailableFrom(failure('drbdadm', 1, 'modinfo: ERROR: Module drbd not found.\nno resources defined!\n')),
    ).toBeUndefined();
    expect(
      drbdUnavailableFrom(
        failure('drbdadm', 1, "Command 'drbdsetup new-resource r0 0' terminated with exit code 20\n"),
      ),
    ).toBeInstanceOf(ServiceUnavailableError);
    expect(drbdUnavailableFrom(failure('drbdsetup', 20, ''))).toBeInstanceOf(ServiceUnavailableError);
    expect(drbdUnavailableFrom(failure('drbdsetup', 10, 'r0: No such resource\n'))).toBeUndefined();
    // drbdmeta's exit 20 is its own (a disk it cannot open), not the module's.
    expect(
      drbdUnavailableFrom(
        failure(
          'drbdadm',
          20,
          "open(/dev/sdb1) failed: No such file or directory\nCommand 'drbdmeta 0 v09 /dev/sdb1 internal create-md 1 --force' terminated with exit code 20\n",
        ),
      ),
    ).toBeUndefined();
    expect(drbdUnavailableFrom(new Error('other'))).toBeUndefined();
  });

  it('watchEvents2 stops its process when aborted', async () => {
    // A stand-in for drbdsetup that prints the initial state and then waits, as events2 does.
    const script = 'echo "exists resource name:r0 role:Primary"; echo "exists -"; exec sleep 30';
    const runner: Runner = {
      ...defaultRunner,
      stream: (_file, _args, options) => defaultRunner.stream('sh', ['-c', script], options),
    };
    const controller = new AbortController();
    const seen: string[] = [];
    const started = Date.now();
    for await (const item of watchEvents2({ runner, signal: controller.signal })) {
      seen.push(item.type);
      if (item.type === 'initialized') controller.abort();
    }
    expect(seen).toEqual(['event', 'initialized']);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
