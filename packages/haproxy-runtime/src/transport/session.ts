import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { HaError, SocketError } from '@ha/core';
import { formatSocketAddress, type SocketAddress } from './address.js';
import { connectSocket, describeSocketError, frameRequest, type RequestOptions } from './socket.js';

/** Options of a persistent session. */
export interface SessionOptions {
  /** Deadline of each answer, counted from when it is next in line. Default 10 s. */
  timeoutMs?: number;
  /** Deadline of a connection, and of HAProxy's first prompt on it, in ms. Default 5 s. */
  connectTimeoutMs?: number;
  /** How long to keep trying to reconnect while HAProxy reloads. Default 10 s. */
  reconnectTimeoutMs?: number;
  /**
   * Before a batch, when the connection was last checked this many ms ago or
   * more, ask `show info` whether the process behind it is stopping (an old
   * worker after a reload keeps its connections and answers with stale state)
   * and, if so, reconnect to the new one. Default 200; -1 never checks (for
   * sockets that are not a worker's, or when every round trip counts).
   */
  verifyAfterMs?: number;
}

interface Pending {
  line: string;
  resolve: (answer: string) => void;
  reject: (error: Error) => void;
  timeoutMs: number;
  /** In prompt mode HAProxy echoes `+ ` for each line of a payload before the answer. */
  hasPayload: boolean;
}

// In prompt mode every answer ends with a newline and the prompt "> ".
const prompt = '\n> ';

/**
 * One connection in HAProxy's prompt (interactive) mode: commands are written
 * as they come, pipelined, and answers are matched to them in order by
 * splitting the stream on the prompt. A closed connection (HAProxy reloaded,
 * or its `stats timeout` passed) is reopened for the next command. While no
 * command is in flight the connection does not keep the process alive.
 * Answers are not classified here: `HaproxyRuntime` does that.
 */
export class RuntimeSession implements AsyncDisposable {
  private socket: Socket | undefined;
  private connecting: Promise<Socket> | undefined;
  private buffer = '';
  private readonly waiting = new Fifo<Pending>();
  private watchdog: NodeJS.Timeout | undefined;
  private closed = false;
  private writing: Promise<void> = Promise.resolve();
  private readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly reconnectTimeoutMs: number;
  private readonly verifyAfterMs: number;
  private lastVerified = 0;
  private everConnected = false;

  /** Nothing is opened until the first command. */
  constructor(
    /** Where it connects. */
    readonly address: SocketAddress,
    options: SessionOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    this.reconnectTimeoutMs = options.reconnectTimeoutMs ?? 10_000;
    this.verifyAfterMs = options.verifyAfterMs ?? 200;
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
    if (this.closed)
      throw new HaError('PRECONDITION_FAILED', `${formatSocketAddress(this.address)}: session is closed`);
    // Batches are written one after the other: answers come back in the order lines were written,
    // so a batch must not interleave its lines with another's.
    const turn = this.writing.then(() => this.write(requests));
    this.writing = turn.then(
      () => undefined,
      () => undefined,
    );
    const answers = await turn;
    return Promise.all(answers.map((answer) => answer.catch((error: Error) => error)));
  }

  private async write(requests: readonly ({ line: string } & RequestOptions)[]): Promise<Promise<string>[]> {
    let socket = await this.ensureConnected();
    if (this.verifyAfterMs >= 0 && Date.now() - this.lastVerified >= this.verifyAfterMs)
      socket = await this.ensureCurrentProcess(socket);
    const answers = requests.map((request) =>
      this.expect(request.line, request.timeoutMs ?? this.timeoutMs, request.payload !== undefined),
    );
    // Rejections are read by the caller; keep them from counting as unhandled meanwhile.
    for (const answer of answers) answer.catch(() => undefined);
    this.armWatchdog();
    // Written in large chunks: tens of thousands of commands go out in a few writes.
    let chunk = '';
    try {
      for (const request of requests) {
        chunk += frameRequest(request.line, request.payload);
        if (chunk.length >= 65_536) {
          if (!socket.write(chunk)) await waitForDrain(socket);
          chunk = '';
        }
      }
      if (chunk.length > 0) socket.write(chunk);
    } catch (error) {
      this.failAll(
        new SocketError(formatSocketAddress(this.address), `write failed: ${(error as Error).message}`, {
          cause: error,
        }),
      );
    }
    return answers;
  }

  /** Closes the connection (`quit`, then waits for HAProxy to close its side, 1 s at most); pending commands fail, later ones are refused. */
  async close(): Promise<void> {
    this.closed = true;
    const socket = this.socket;
    this.failAll(new SocketError(formatSocketAddress(this.address), 'session closed before the answer'));
    if (socket && !socket.destroyed) {
      // Closing is work in flight too: an idle, unref'd socket would let the process exit before `close` resolves.
      socket.ref();
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.end('quit\n');
        setTimeout(() => socket.destroy(), 1_000).unref();
      });
    }
  }

  /** `close()`, for `await using session = new RuntimeSession(…)`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private expect(line: string, timeoutMs: number, hasPayload: boolean): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      this.waiting.push({ line, resolve, reject, timeoutMs, hasPayload });
    });
  }

  // After a reload the old worker keeps serving this connection, with stale state,
  // and lingers for as long as it is open: leave it for the new worker.
  private async ensureCurrentProcess(socket: Socket): Promise<Socket> {
    const deadline = Date.now() + this.reconnectTimeoutMs;
    let current = socket;
    for (;;) {
      const info = this.expect('show info', this.timeoutMs, false);
      this.armWatchdog();
      current.write('show info\n');
      if (!/^Stopping: 1$/m.test(await info)) {
        this.lastVerified = Date.now();
        return current;
      }
      if (Date.now() >= deadline)
        throw new SocketError(
          formatSocketAddress(this.address),
          'only a stopping HAProxy process answers (a reload that never finished?)',
        );
      this.socket = undefined;
      current.destroy();
      await sleep(50);
      current = await this.ensureConnected();
    }
  }

  private async ensureConnected(): Promise<Socket> {
    if (this.socket && !this.socket.destroyed) return this.socket;
    this.connecting ??= this.connectWithRetry().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  // While HAProxy reloads, its socket is briefly missing or refusing: once connected, a
  // lost connection is retried for a while. A first connection fails at once.
  private async connectWithRetry(): Promise<Socket> {
    const deadline = Date.now() + (this.everConnected ? this.reconnectTimeoutMs : 0);
    for (;;) {
      try {
        const socket = await this.open();
        this.everConnected = true;
        return socket;
      } catch (error) {
        const code = (error as SocketError).systemCode;
        if (
          !(error instanceof SocketError) ||
          !['ENOENT', 'ECONNREFUSED'].includes(code ?? '') ||
          Date.now() >= deadline
        )
          throw error;
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
    const ready = new Promise<string>((resolve, reject) =>
      this.waiting.pushFront({ line: 'prompt', resolve, reject, timeoutMs: this.connectTimeoutMs, hasPayload: false }),
    );
    socket.on('data', (text: string) => this.receive(text));
    socket.on('error', (error: NodeJS.ErrnoException) => this.failAll(describeSocketError(this.address, error)));
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
      this.failAll(
        new SocketError(
          formatSocketAddress(this.address),
          'HAProxy closed the connection before answering (reload or stats timeout?)',
        ),
      );
    });
    socket.write('prompt\n');
    this.armWatchdog();
    await ready;
    return socket;
  }

  private receive(text: string): void {
    // Search only what is new (and the prompt's length before it): a 9 MB answer arrives in
    // hundreds of chunks, and scanning the whole buffer each time would be quadratic.
    const searchFrom = Math.max(0, this.buffer.length - prompt.length + 1);
    this.buffer += text;
    let start = 0;
    for (let from = searchFrom; ; from = start) {
      const end = this.buffer.indexOf(prompt, from);
      if (end === -1) break;
      const answer = this.buffer.slice(start, end);
      start = end + prompt.length;
      const pending = this.waiting.shift();
      // Answers end with a newline (an empty line after most); strip exactly that.
      let text = answer.endsWith('\n') ? answer.slice(0, -1) : answer;
      if (pending?.hasPayload) text = text.replace(/^(\+ )+/, '');
      pending?.resolve(text);
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
    const head = this.waiting.peek();
    this.holdProcess(head !== undefined);
    if (!head) return;
    this.watchdog = setTimeout(() => {
      // The stream is out of step once an answer is missing: drop the connection, fail what waits.
      const error = new HaError(
        'TIMEOUT',
        `${formatSocketAddress(this.address)}: no answer to '${head.line}' within ${head.timeoutMs} ms`,
      );
      this.failAll(error);
      this.socket?.destroy();
    }, head.timeoutMs);
  }

  private failAll(error: Error): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = undefined;
    this.holdProcess(false);
    for (const pending of this.waiting.takeAll()) pending.reject(error);
  }

  // An idle connection must not keep the process alive: a script that forgets close() would
  // otherwise wait for HAProxy's `stats timeout` to end it. A command in flight must.
  private holdProcess(busy: boolean): void {
    if (busy) this.socket?.ref();
    else this.socket?.unref();
  }
}

function waitForDrain(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      socket.off('close', onClose);
      resolve();
    };
    const onClose = () => {
      socket.off('drain', onDrain);
      reject(new Error('closed while writing'));
    };
    socket.once('drain', onDrain);
    socket.once('close', onClose);
  });
}

// A queue whose shift is O(1): a batch of 40,000 commands waits in it.
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  push(item: T): void {
    this.items.push(item);
  }

  pushFront(item: T): void {
    if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  takeAll(): T[] {
    const rest = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return rest;
  }
}
