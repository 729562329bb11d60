import type { AlertEvent } from '../model.js';
import { formatEventText, type Sink } from './sink.js';

/** Events on standard output (or any writer): JSON lines, or one line of text each. */
export function createStdoutSink(
  options: { format?: 'json' | 'text'; write?: (line: string) => void; name?: string } = {},
): Sink {
  const write = options.write ?? ((line: string) => void process.stdout.write(line));
  return {
    name: options.name ?? 'stdout',
    durable: false,
    async send(event: AlertEvent) {
      write(`${options.format === 'text' ? formatEventText(event) : JSON.stringify(event)}\n`);
    },
  };
}
