import { describe, expect, it } from 'vitest';
import { ConfigRejectedError } from './config-rejected.js';
import { HaError } from './ha-error.js';
import { ServiceUnavailableError } from './service-unavailable.js';
import { errorShape } from '../testing/error-shape.js';

const finding = (line: number, folded?: number) => ({
  code: 'BAD',
  severity: 'error' as const,
  message: 'something is wrong',
  file: '/etc/x.conf',
  range: { start: 0, end: 1 },
  line,
  column: 3,
  ...(folded === undefined ? {} : { folded }),
});

describe('ConfigRejectedError', () => {
  it('names the first finding, counts the rest (folded ones by what they stand for) and says the file was not written', () => {
    const error = new ConfigRejectedError('/etc/x.conf', 'validate', [finding(4), finding(9), finding(9, 25)]);
    expect(error).toBeInstanceOf(HaError);
    expect(errorShape(error)).toMatchInlineSnapshot(`
      {
        "code": "CONFIG_REJECTED",
        "detail": undefined,
        "findings": [
          {
            "code": "BAD",
            "column": 3,
            "file": "/etc/x.conf",
            "line": 4,
            "message": "something is wrong",
            "range": {
              "end": 1,
              "start": 0,
            },
            "severity": "error",
          },
          {
            "code": "BAD",
            "column": 3,
            "file": "/etc/x.conf",
            "line": 9,
            "message": "something is wrong",
            "range": {
              "end": 1,
              "start": 0,
            },
            "severity": "error",
          },
          {
            "code": "BAD",
            "column": 3,
            "file": "/etc/x.conf",
            "folded": 25,
            "line": 9,
            "message": "something is wrong",
            "range": {
              "end": 1,
              "start": 0,
            },
            "severity": "error",
          },
        ],
        "message": "/etc/x.conf:4:3: something is wrong (not written; 26 more findings)",
        "name": "ConfigRejectedError",
        "path": "/etc/x.conf",
        "rolledBack": false,
        "stage": "validate",
      }
    `);
  });

  it('says the previous file was restored once rolled back, keeping stage and detail', () => {
    const error = new ConfigRejectedError('/etc/haproxy/haproxy.cfg', 'reload', [], {
      detail: 'the master refused the reload',
    }).withRollback();
    expect(error).toMatchObject({ stage: 'reload', rolledBack: true, detail: 'the master refused the reload' });
    expect(error.message).toMatchInlineSnapshot(
      `"/etc/haproxy/haproxy.cfg: the master refused the reload (previous file restored)"`,
    );
  });
});

describe('ServiceUnavailableError', () => {
  it('names the service and keeps the exit code', () => {
    const error = new ServiceUnavailableError('drbd', 'DRBD is not available here', { exitCode: 20 });
    expect(errorShape(error)).toMatchInlineSnapshot(`
      {
        "code": "SERVICE_UNAVAILABLE",
        "exitCode": 20,
        "message": "DRBD is not available here",
        "name": "ServiceUnavailableError",
        "service": "drbd",
      }
    `);
  });
});
