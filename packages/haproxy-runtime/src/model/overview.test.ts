import { describe, expect, it } from 'vitest';
import { answer } from '../../test/fixtures.js';
import { parseStatCsv } from '../parse/stat.js';
import { parseServerStatus, summarizeStat } from './overview.js';

describe('parseServerStatus', () => {
  it('decodes every form of the status column', () => {
    expect(parseServerStatus('UP')).toEqual({ state: 'up', transitional: false, reason: undefined });
    expect(parseServerStatus('UP 1/3')).toMatchObject({ state: 'up', transitional: true });
    expect(parseServerStatus('DOWN 1/2')).toMatchObject({ state: 'down', transitional: true });
    expect(parseServerStatus('MAINT (via be/s1)')).toEqual({
      state: 'maint',
      transitional: false,
      reason: 'via be/s1',
    });
    expect(parseServerStatus('MAINT (resolution)')).toMatchObject({ state: 'maint', reason: 'resolution' });
    expect(parseServerStatus('DRAIN')).toMatchObject({ state: 'drain' });
    expect(parseServerStatus('NOLB')).toMatchObject({ state: 'nolb' });
    expect(parseServerStatus('no check')).toMatchObject({ state: 'no-check' });
    expect(parseServerStatus(undefined)).toMatchObject({ state: 'unknown' });
  });
});

describe('summarizeStat', () => {
  it('groups the real 2.6 answer and names only what is down', () => {
    const overview = summarizeStat(parseStatCsv(answer('2.6.12', 'show-stat.csv')));
    expect(overview.frontends).toEqual([expect.objectContaining({ name: 'web', status: 'OPEN', sessionLimit: 2000 })]);
    expect(overview.backends).toHaveLength(1);
    expect(overview.backends[0]).toMatchObject({ name: 'servers', status: 'UP', algorithm: 'roundrobin' });
    expect(overview.backends[0]?.servers.map((server) => [server.name, server.decoded.state])).toEqual([
      ['srv1', 'up'],
      ['srv2', 'drain'],
      ['srv3', 'down'],
    ]);
    expect(overview.health).toEqual({
      healthy: false,
      state: 'degraded',
      reasons: [{ code: 'SERVER_DOWN', subject: 'servers/srv3', message: 'server servers/srv3 is DOWN (L4CON)' }],
    });
  });

  it('reports a backend with no server up and a frontend that is not open', () => {
    const rows = parseStatCsv(
      '# pxname,svname,type,status,scur,slim\nfe,FRONTEND,0,FULL,100,100\nbe,s1,2,MAINT,0,\nbe,BACKEND,1,DOWN,0,10\n',
    );
    expect(summarizeStat(rows).health).toEqual({
      healthy: false,
      state: 'down',
      reasons: [
        { code: 'FRONTEND_NOT_OPEN', subject: 'fe', message: 'frontend fe is FULL' },
        { code: 'BACKEND_NO_SERVER_UP', subject: 'be', message: 'backend be is DOWN (no server up)' },
      ],
    });
  });

  it('is healthy when only decisions (MAINT, DRAIN) stand out', () => {
    const rows = parseStatCsv(
      '# pxname,svname,type,status\nfe,FRONTEND,0,OPEN\nbe,s1,2,MAINT\nbe,s2,2,DRAIN\nbe,s3,2,UP\nbe,BACKEND,1,UP\n',
    );
    expect(summarizeStat(rows).health).toEqual({ healthy: true, state: 'healthy', reasons: [] });
  });
});
