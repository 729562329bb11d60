import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '@ha/core';
import { command } from './cli.js';
import { buildMonitor, parseLabels, parseMonitorConfig } from './config.js';

const scratch = await mkdtemp(join(tmpdir(), 'ha-monitor-config-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const run = (argv: string[]) => runCliCaptured(command, argv);

const full = `
[monitor]
state_dir = /var/lib/ha-monitor
labels = cluster=prod, site=east
raise_after = 2s

[pacemaker]
interval = 2s
alert_socket = /run/ha-monitor/pacemaker.sock

[corosync]
enabled = false

[haproxy]
socket = /run/haproxy/admin.sock
interval = 500ms
sessions_ratio = 0.8

[drbd]
enabled = false

[http]
listen = 127.0.0.1:9664

[sink.stdout]
format = text

[sink.webhook.ops]
url = https://hooks.example/ops
secret = s3cret

[sink.webhook.dev]
url = http://127.0.0.1:8080/hook

[sink.alertmanager]
url = http://127.0.0.1:9093
resend = 30s

[sink.command]
command = /usr/local/bin/send_alert --team ha

[alert.PacemakerNodeStandby]
severity = warning
remind_every = 1h

[silence.maintenance-window]
match = alertname=HaproxyServerDown, server=~"srv[12]"
starts = 2026-11-25T22:00:00Z
ends = 2026-11-25T23:00:00Z
comment = kernel updates

[inhibit.rack]
source = alertname=RackDown
target = alertname=~"Pacemaker.*"
equal = rack
`;

describe('configuration', () => {
  it('reads every section, builds probes and sinks; flags and durations are typed', async () => {
    const config = parseMonitorConfig(full);
    expect(config.haproxy).toMatchObject({ interval: 500, sessions_ratio: 0.8 });
    const built = await buildMonitor(config);
    expect(built.options.probes.map((probe) => `${probe.name} ${probe.intervalMs}`)).toEqual([
      'pacemaker 2000',
      'haproxy 500',
    ]);
    expect(built.options.sinks?.map((sink) => sink.name)).toEqual([
      'stdout',
      'webhook.ops',
      'webhook.dev',
      'alertmanager',
      'command',
    ]);
    expect(built.options.alerts).toMatchObject({
      defaults: { raiseAfterMs: 2000 },
      policies: { PacemakerNodeStandby: { severity: 'warning', remindEveryMs: 3_600_000 } },
      externalLabels: { cluster: 'prod', site: 'east' },
      silences: [
        {
          id: 'maintenance-window',
          startsAt: Date.parse('2026-11-25T22:00:00Z'),
          endsAt: Date.parse('2026-11-25T23:00:00Z'),
          comment: 'kernel updates',
        },
      ],
      inhibitRules: [{ equal: ['rack'] }],
    });
    expect(built.options.stateDir).toBe('/var/lib/ha-monitor');
    expect(built.listen).toBe('127.0.0.1:9664');
    expect(built.decisions).toEqual([
      'pacemaker: on (configured)',
      'corosync: off (enabled = false)',
      'haproxy: on (configured)',
      'drbd: off (enabled = false)',
    ]);
  });

  it('every error names its section and key', () => {
    expect(() => parseMonitorConfig('[haproxy]\ninterval = soon\n', { file: 'm.ini' })).toThrow(
      "m.ini: [haproxy] interval: 'soon' is not a duration (e.g. 500ms, 5s, 2m, 1h, PT5M)",
    );
    expect(() => parseMonitorConfig('[haproxy]\nsocket = /x\nintervall = 1s\n')).toThrow(
      "[haproxy]: unknown key 'intervall'",
    );
    expect(() => parseMonitorConfig('[sink.webhook]\nsecret = x\n')).toThrow(/\[sink\.webhook\]/);
    expect(() => parseMonitorConfig('[alert.X]\nseverity = loud\n')).toThrow(/^\[alert\.X\] severity: /);
    expect(() => parseMonitorConfig('[pacemaker]\nenabled = maybe\n')).toThrow(/^\[pacemaker\] enabled: /);
    expect(() => parseMonitorConfig('[nonsense]\n')).toThrow("the file: unknown key 'nonsense'");
    expect(() => parseLabels('cluster')).toThrow(/not NAME=VALUE/);
  });

  it('the certificate thresholds of [haproxy] are typed, and critical may not exceed warning', () => {
    const config = parseMonitorConfig(
      '[haproxy]\ncertificates = yes\ncertificate_warning_days = 30\ncertificate_critical_days = 7\n',
    );
    expect(config.haproxy).toMatchObject({
      certificates: true,
      certificate_warning_days: 30,
      certificate_critical_days: 7,
    });
    expect(() => parseMonitorConfig('[haproxy]\ncertificate_warning_days = soon\n')).toThrow(
      /^\[haproxy\] certificate_warning_days: /,
    );
    expect(() =>
      parseMonitorConfig('[haproxy]\ncertificate_warning_days = 2\ncertificate_critical_days = 5\n'),
    ).toThrow(/certificate_critical_days is more than certificate_warning_days/);
  });

  it('absent sections are detected from what is installed here; the haproxy socket must exist', async () => {
    const built = await buildMonitor(
      parseMonitorConfig('[haproxy]\nenabled = false\n[pacemaker]\nenabled = false\n[corosync]\nenabled = false\n'),
    );
    // drbd-utils is installed but no DRBD module is loaded here: not in use.
    expect(built.decisions).toContain('drbd: off (auto: not found here)');
    expect(built.options.probes).toEqual([]);
    expect(built.serve).toEqual({ webConfig: undefined, publicHealthz: false });
  });

  it('[http] takes a web configuration file and a public /healthz', async () => {
    const built = await buildMonitor(
      parseMonitorConfig(
        '[http]\nweb_config = /etc/ha-monitor/web.yml\npublic_healthz = true\n[haproxy]\nenabled = false\n' +
          '[pacemaker]\nenabled = false\n[corosync]\nenabled = false\n',
      ),
    );
    expect(built.serve).toEqual({ webConfig: '/etc/ha-monitor/web.yml', publicHealthz: true });
  });
});

describe('ha-monitor CLI', () => {
  it('a bad configuration: one line, exit 2', async () => {
    const file = join(scratch, 'bad.ini');
    await writeFile(file, '[http]\nlisten = nowhere\n[haproxy]\nsocket = /x\ninterval = 1 parsec\n');
    const result = await run(['--config', file, '--once']);
    expect(result.code).toBe(2);
    expect(result.err).toBe(
      `ha-monitor: ${file}: [haproxy] interval: '1 parsec' is not a duration (e.g. 500ms, 5s, 2m, 1h, PT5M)\n`,
    );
    expect((await run(['--config', join(scratch, 'missing.ini')])).err).toMatch(
      /^ha-monitor: .*missing\.ini: cannot read/,
    );
  });

  it('a configuration file above --max-bytes is refused: one line, exit 2', async () => {
    const file = join(scratch, 'big.ini');
    await writeFile(file, full);
    const result = await run(['--config', file, '--once', '--max-bytes', '100']);
    expect(result).toMatchObject({ code: 2, out: '' });
    expect(result.err).toMatch(/^ha-monitor: .*big\.ini: [\d,]+ bytes is more than the limit of 100 bytes .*\n$/);
    expect((await run(['--once', '--max-bytes', '1e6'])).err).toBe(
      "ha-monitor: --max-bytes: '1e6' is not a number of bytes (e.g. 16777216, 64MiB)\n",
    );
  });

  it('--once with nothing to watch is an error naming why; a socket that does not answer is exit 2 with the probe failing', async () => {
    const nothing = await run(['--once', '--no-pacemaker', '--no-corosync', '--no-haproxy', '--no-drbd']);
    expect(nothing).toMatchObject({ code: 2 });
    expect(nothing.err).toMatch(/^ha-monitor: nothing to watch here \(pacemaker: off/);
    const dead = await run([
      '--once',
      '--json',
      '--no-pacemaker',
      '--no-corosync',
      '--no-drbd',
      '--haproxy-socket',
      join(scratch, 'no.sock'),
    ]);
    expect(dead.code).toBe(2);
    const result = JSON.parse(dead.out) as {
      verdict: string;
      healthy: boolean;
      probes: { name: string; ok: boolean; error: string }[];
    };
    expect(result).toMatchObject({ verdict: 'unknown', healthy: false });
    expect(result.probes).toMatchObject([{ name: 'haproxy', ok: false }]);
    expect(result.probes[0]?.error).toMatch(/no\.sock/);
    expect(dead.err).toMatch(/^ha-monitor: could not run the haproxy probe: .*no\.sock.*\n$/);
    // In text too, the last word says what exit 2 says: it could not look, not "degraded".
    const text = await run([
      '--once',
      '--no-pacemaker',
      '--no-corosync',
      '--no-drbd',
      '--haproxy-socket',
      join(scratch, 'no.sock'),
    ]);
    expect(text.code).toBe(2);
    expect(text.out).toMatch(/^FAILED haproxy: .*no\.sock/);
    expect(text.out.endsWith('\nunknown: could not run the haproxy probe\n')).toBe(true);
    expect(text.out).not.toMatch(/degraded/);
  });

  it('pacemaker-alert needs install or remove, and a socket to install', async () => {
    expect((await run(['pacemaker-alert', 'frobnicate'])).err).toMatch(/'frobnicate' is not install or remove/);
    expect((await run(['pacemaker-alert', 'install'])).err).toMatch(/install needs --socket/);
  });
});
