import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError } from '@ha/core';
import { parseSpecText, specToYaml } from './yaml.js';

const written = `# The web tier of the shop.
properties:
  stonith-enabled: "true" # never off in production
resources:
  # the address clients use
  - id: VirtualIP
    agent: ocf:heartbeat:IPaddr2
    params:
      ip: 10.213.0.100 # moved in March
  - id: WebServer # the shop itself
    agent: ocf:heartbeat:apache
`;

describe('parseSpecText', () => {
  it('reads YAML and JSON into plain data', () => {
    expect(parseSpecText(written)).toMatchObject({ resources: [{ id: 'VirtualIP' }, { id: 'WebServer' }] });
    expect(parseSpecText('{"resources": []}')).toEqual({ resources: [] });
  });

  it('refuses a syntax error or a repeated key with the file, line and column', () => {
    for (const [text, line] of [
      ['resources:\n  - id: a\n   bad: [1, 2\n', 3],
      ['properties:\n  a: 1\n  a: 2\n', 3],
    ] as const) {
      const error = (() => {
        try {
          parseSpecText(text, { file: 'cluster.yaml' });
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(ParseError);
      expect(error).toMatchObject({ code: 'PARSE_ERROR', reason: 'MALFORMED_SPEC', file: 'cluster.yaml', line });
    }
  });
});

describe('specToYaml', () => {
  it('writes what it reads back', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        // As JSON text: -0 and 0 are one number there, as in a spec.
        expect(JSON.stringify(parseSpecText(specToYaml(value)))).toBe(JSON.stringify(value));
      }),
    );
  });

  it('updates a file in place: every comment of what survives stays, items are matched by id', () => {
    const spec = parseSpecText(written) as { resources: Record<string, unknown>[] };
    const next = {
      ...spec,
      resources: [
        { id: 'Database', agent: 'ocf:heartbeat:pgsql' },
        { ...spec.resources[0], params: { ip: '10.213.0.101' } },
        spec.resources[1],
      ],
    };
    const text = specToYaml(next, { previous: written });
    expect(parseSpecText(text)).toEqual(next);
    for (const comment of [
      '# The web tier of the shop.',
      '# never off in production',
      '# moved in March',
      '# the shop itself',
      '# the address clients use',
    ])
      expect(text).toContain(comment);
    // The comment on WebServer's line stays on WebServer's line, though an item came before it.
    expect(text).toMatch(/id: WebServer # the shop itself/);
    expect(text).toMatch(/ip: 10\.213\.0\.101 # moved in March/);
  });

  it('drops what the new value no longer has, and writes anew over a file that is not YAML', () => {
    const text = specToYaml({ resources: [] }, { previous: written });
    expect(parseSpecText(text)).toEqual({ resources: [] });
    expect(text).not.toContain('properties');
    expect(parseSpecText(specToYaml({ a: 1 }, { previous: 'a: [' }))).toEqual({ a: 1 });
  });
});
