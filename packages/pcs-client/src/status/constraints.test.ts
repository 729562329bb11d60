import { describe, expect, it } from 'vitest';
import { CommandError, createRunner, ParseError } from '@ha/core';
import { fixture } from '../../test/fixtures.js';
import { PcsClient } from '../client/pcs-client.js';
import { PacemakerToolError } from '../errors.js';
import { parseConstraints } from './constraints.js';

describe('parseConstraints', () => {
  it('reads the constraints of a whole CIB', () => {
    expect(
      parseConstraints(fixture('crm_mon/2.1.5/healthy.cib.xml')).map(
        (constraint) => `${constraint.kind} ${constraint.id}`,
      ),
    ).toEqual(['colocation colocation-WebServer-VirtualIP-INFINITY', 'order order-VirtualIP-WebServer-mandatory']);
  });

  it('a tool that reports a failure, XML without constraints, empty text: typed errors, never an empty list', () => {
    expect(() => parseConstraints(fixture('crm_resource/2.1.5/no-such-resource.xml'))).toThrow(PacemakerToolError);
    expect(() => parseConstraints(fixture('crm_resource/2.1.5/list.xml'), { file: 'list.xml' })).toThrow(
      /^list\.xml:\d+:\d+: no <constraints> section \(root element <pacemaker-result>\)$/,
    );
    expect(() => parseConstraints('')).toThrow(ParseError);
    expect(() => parseConstraints('<constraints><rsc_location', { file: 'c.xml' })).toThrow(ParseError);
    expect(() => parseConstraints('<constraints/>', { maxBytes: 4 })).toThrow(/more than the limit of 4 bytes/);
  });

  it('cibadmin failing on a missing CIB file (the real tool): a CommandError naming what cibadmin said', async () => {
    const client = new PcsClient({ runner: createRunner({ env: { CIB_file: '/nonexistent.xml' } }) });
    const error = await client.constraints().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).exitCode).toBe(105);
    expect((error as CommandError).stderr).toContain('Could not connect to the CIB: No such device or address');
    // Core picks cibadmin's last line today; its first says why (asked of core: treat "Init failed…" as noise).
    const said =
      /^(Could not connect to the CIB: No such device or address|Init failed, could not perform requested operations)$/;
    expect((error as Error).message).toMatch(/^cibadmin --query --scope constraints exited with code 105: /);
    expect(
      (error as Error).message.replace(/^cibadmin --query --scope constraints exited with code 105: /, ''),
    ).toMatch(said);
  });
});
