// What the spec writes is what Pacemaker accepts: every real CIB of the fixtures, read as a spec and written back
// into itself (`cibWithConfiguration`), gets the same findings from this generation's real crm_verify (2.1 on
// debian12, 3.0 on debian13) as the CIB as it was. No cluster and no lab: crm_verify reads the CIB on stdin.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Runner } from '@ha/core';
import { labTools } from '@ha/lab/vitest';
import { cibWithConfiguration, runVerify, specFromCib, type VerifyReport } from '../src/index.js';
import { corpusCibs } from './spec-corpus.js';

let tools: Runner;

beforeAll(async () => {
  tools = await labTools();
}, 60_000);

/** What must not change: each distinct finding, its severity and how often it was said. */
const findings = (report: VerifyReport) =>
  report.findings.map(({ severity, message, count, kind }) => ({ severity, message, count, kind }));

describe('crm_verify on the CIB written from its spec', () => {
  for (const cib of corpusCibs()) {
    it(cib.name, async () => {
      const written = cibWithConfiguration(cib.xml, specFromCib(cib.xml));
      const [before, after] = await Promise.all([
        runVerify(tools, { kind: 'xml', xml: cib.xml }),
        runVerify(tools, { kind: 'xml', xml: written }),
      ]);
      expect(after.valid).toBe(before.valid);
      expect(findings(after)).toEqual(findings(before));
    });
  }
});
