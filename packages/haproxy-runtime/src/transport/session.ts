import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { HaError, SocketError } from '@ha/core';
import { formatSocketAddress, type SocketAddress } from './address.js';
import { connectSocket, describeSocketError, frameRequest, type RequestOptions } from './socket.js';

/** Options of a persistent session. */
export interface SessionOptions {
  /** Deadline of each answer, counted from when it is next in line. Default 10 s. */
  timeoutMs?: number;
  connectTimeoutMs?: number;
  /** How long to keep trying to reconnect while HAProxy reloads. Default 10 s. */
  reconnectTimeoutMs?: number;
}

interface Pending {
  line: string;
  resolve: (answer: string) => void;
  reject: (error: Error) => void;
  timeoutMs: number;
}

// In prompt mode every answer ends with a newline and the prompt "> ".
const prompt = '\n> ';

/**
 * One connection in HAProxy's prompt (interactive) mode: commands are written
 * as they come, pipelined, and answers are matched to them in order by
 * splitting the stream on the prompt. A closed connection (HAProxy reloaded,
 * or its `stats timeout` passed) is reopened for the next command.
 */
export class RuntimeSession {
  private socket: Socket | undefined;
  private connecting: Promise<Socket> | undefined;
  private buffer = '';
  private readonly waiting: Pending[] = [];
  private watchdog: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly reconnectTimeoutMs: number;

  constructor(
    readonly address: SocketAddress,
    options: SessionOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    this.reconnectTimeoutMs = options.reconnectTimeoutMs ?? 10_000;
  }

  /** Sends one command and resolves with its answer (without the prompt and final newline). */
  async send(line: string, options: RequestOptions = {}): Promise<string> {
    const [answer] = await this.sendMany([{ line, ...options }]);
    if (answer instanceof Error) throw answer;
    return answer as string;
  }

  /**
   * Pipelines many commands over the connection and returns each answer in
   * order; a command whose answer never comes gets its error in its place.
   */
  async sendMany(requests: readonly ({ line: string } & RequestOptions)[]): Promise<(string | Error)[]> {
    if (this.closed) throw new HaError('PRECONDITION_FAILED', `${formatSocketAddress(this.address)}: session is closed`);
    const socket = await this.ensureConnected();
    const answers = requests.map(
      (request) =>
        new Promise<string>((resolve, reject) => {
          this.waiting.push({ line: request.line, resolve, reject, timeoutMs: request.timeoutMs ?? this.timeoutMs });
        }),
    );
    this.armWatchdog();
    // Written in large chunks: tens of thousands of commands go out in a few writes.
    let chunk = '';
    for (const request of requests) {
      chunk += frameRequest(request.line, request.payload);
      if (chunk.length >= 65_536) {
        if (!socket.write(chunk)) await waitForDrain(socket);
        chunk = '';
      }
    }
    if (chunk.length > 0) socket.write(chunk);
    return Promise.all(answers.map((answer) => answer.catch((error: Error) => error)));
  }

  /** Closes the connection; pending commands fail. */
  async close(): Promise<void> {
    this.closed = true;
    const socket = this.socket;
    this.failAll(new SocketError(formatSocketAddress(this.address), 'session closed before the answer'));
    if (socket && !socket.destroyed) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.end('quit\n');
        setTimeout(() => socket.destroy(), 1_000).unref();
      });
    }
  }

  private async ensureConnected(): Promise<Socket> {
    if (this.socket && !this.socket.destroyed) return this.socket;
    this.connecting ??= this.connectWithRetry().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  // While HAProxy reloads, its socket is briefly missing or refusing: keep trying for a while.
  private async connectWithRetry(): Promise<Socket> {
    const deadline = Date.now() + this.reconnectTimeoutMs;
    for (;;) {
      try {
        return await this.open();
      } catch (error) {
        const code = (error as SocketError).systemCode;
        if (!(error instanceof SocketError) || !['ENOENT', 'ECONNREFUSED'].includes(code ?? '') || Date.now() >= deadline) throw error;
        await sleep(100);
      }
    }
  }

  private async open(): Promise<Socket> {
    const socket = await connectSocket(this.address, this.connectTimeoutMs);
    socket.setEncoding('utf8');
    this.buffer = '';
    this.socket = socket;
    // The answer to "prompt" itself is the first prompt; it is awaited like any other answer.
    const ready = new Promise<string>((resolve, reject) => this.waiting.unshift({ line: 'prompt', resolve, reject, timeoutMs: this.connectTimeoutMs }));
    socket.on('data', (text: string) => this.receive(text));
    socket.on('error', (error: NodeJS.ErrnoException) => this.failAll(describeSocketError(this.address, error)));
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
      this.failAll(new SocketError(formatSocketAddress(this.address), 'HAProxy closed the connection before answering (reload or stats timeout?)'));
    });
    socket.write('prompt\n');
    this.armWatchdog();
    await ready;
    return socket;
  }

  private receive(text: string): void {
    this.buffer += text;
    let start = 0;
    for (;;) {
      const end = this.buffer.indexOf(prompt, start);
      if (end === -1) break;
      const answer = this.buffer.slice(start, end);
      start = end + prompt.length;
      const pending = this.waiting.shift();
      // Answers end with a newline (an empty line after most); strip exactly that.
      pending?.resolve(answer.endsWith('\n') ? answer.slice(0, -1) : answer);
    }
    if (start > 0) {
      this.buffer = this.buffer.slice(start);
      this.armWatchdog();
    }
  }

  // One timer for the head of the line: its deadline starts when it becomes the head.
  private armWatchdog(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = undefined;
    const head = this.waiting[0];
    if (!head) return;
    this.watchdog = setTimeout(() => {
      // The stream is out of step once an answer is missing: drop the connection, fail what waits.
      const error = new HaError('TIMEOUT', `${formatSocketAddress(this.address)}: no answer to '${head.line}' within ${head.timeoutMs} ms`);
      this.failAll(error);
      this.socket?.destroy();
    }, head.timeoutMs);
  }

  private failAll(error: Error): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = undefined;
    for (const pending of this.waiting.splice(0)) pending.reject(error);
  }
}

function waitForDrain(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('drain', () => resolve());
    socket.once('close', () => reject(new Error('closed while writing')));
  });
}
