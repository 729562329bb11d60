import { describe, expect, it } from 'vitest';
import { evaluateHealthFindings } from './health.js';

const states = ['healthy', 'degraded', 'failed'] as const;

describe('evaluateHealthFindings', () => {
  it('is healthy with the best state when nothing was found', () => {
    expect(evaluateHealthFindings(states, [])).toEqual({ healthy: true, state: 'healthy', reasons: [] });
  });

  it('takes the worst state of the findings and keeps every reason in order', () => {
    const health = evaluateHealthFindings(states, [
      { state: 'degraded', code: 'LINK_DOWN', message: 'link 1 to node2 is down', subject: 'node2' },
      { state: 'failed', code: 'NO_QUORUM', message: 'quorum is lost' },
      { state: 'degraded', code: 'LINK_DOWN', message: 'link 0 to node3 is down', subject: 'node3' },
    ]);
    expect(health).toMatchInlineSnapshot(`
      {
        "healthy": false,
        "reasons": [
          {
            "code": "LINK_DOWN",
            "message": "link 1 to node2 is down",
            "subject": "node2",
          },
          {
            "code": "NO_QUORUM",
            "message": "quorum is lost",
          },
          {
            "code": "LINK_DOWN",
            "message": "link 0 to node3 is down",
            "subject": "node3",
          },
        ],
        "state": "failed",
      }
    `);
  });
});
