import type { ExampleContext } from './readme-examples.js';

/**
 * Names each README's examples take as the reader's own: declared here so the
 * examples compile as written. Nothing else is added.
 */
export const readmeContexts: Record<string, ExampleContext> = {
  'README.md': {},
  'packages/core/README.md': { declarations: 'declare const newText: string;' },
  'packages/corosync-config/README.md': {},
  'packages/pcs-client/README.md': {},
  'packages/haproxy-config/README.md': {},
  'packages/haproxy-runtime/README.md': {
    declarations: 'declare function restartMyService(server: string): Promise<void>;',
  },
  'packages/drbd/README.md': {},
  'packages/monitor/README.md': { declarations: 'declare function readQueueDepth(): Promise<number>;' },
  'tools/lab/README.md': {},
};
