import type { CliIo } from '../cli/cli.js';

/** A CLI's io that keeps what a command printed: `out` (stdout) and `err` (stderr), as text. */
export function captureIo(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
  };
  return io;
}
