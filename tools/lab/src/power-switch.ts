import { appendFile, chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { defaultRunner, HaError, type Runner } from '@ha/core';
import { LabCluster } from './cluster.js';
import { labPaths } from './layout.js';
import { isOutletRequest, parsePowerRequest, type PowerFault, type PowerRequest } from './power-protocol.js';

/**
 * The lab's network power switch: one process per lab, on the host, with one
 * outlet per node. Nodes reach it through `switch.sock` (bound into every node as
 * /run/ha-lab/switch.sock, where `fence_ha_lab` talks to it); the host drives it
 * through `power-control.sock`, which no node can see and which alone can inject
 * a fault. Requests run one at a time, as on a real switch, and each one is
 * written to the audit log.
 */
export class PowerSwitch {
  private queue: Promise<unknown> = Promise.resolve();
  private fault: PowerFault = 'none';
  /** When each node last lost power (performance.now()). */
  private readonly powerLostAt = new Map<string, number>();
  private nodeServer: Server | undefined;
  private controlServer: Server | undefined;
  private readonly paths;

  private constructor(
    private readonly lab: LabCluster,
    stateRoot: string,
  ) {
    this.paths = labPaths(stateRoot);
  }

  /** Starts listening on both sockets of the lab in `stateRoot`. */
  static async start(stateRoot: string, host: Runner = defaultRunner): Promise<PowerSwitch> {
    const lab = await LabCluster.attach(stateRoot, host);
    if (!lab) throw new HaError('NOT_FOUND', `no lab recorded in ${stateRoot}`);
    const power = new PowerSwitch(lab, stateRoot);
    await mkdir(power.paths.powerDir, { recursive: true, mode: 0o700 });
    await chmod(power.paths.powerDir, 0o700);
    power.controlServer = await power.listen(power.paths.powerControlSocket, true);
    await power.openNodeSocket();
    await writeFile(power.paths.powerPidFile, `${process.pid}\n`);
    return power;
  }

  /** Stops listening and removes the sockets. */
  async close(): Promise<void> {
    await this.closeNodeSocket();
    await new Promise<void>((resolve) => (this.controlServer ? this.controlServer.close(() => resolve()) : resolve()));
    await rm(this.paths.powerControlSocket, { force: true });
  }

  private async openNodeSocket(): Promise<void> {
    if (!this.nodeServer) this.nodeServer = await this.listen(this.paths.powerSocket, false);
  }

  private async closeNodeSocket(): Promise<void> {
    const server = this.nodeServer;
    this.nodeServer = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(this.paths.powerSocket, { force: true });
  }

  private async listen(path: string, control: boolean): Promise<Server> {
    await rm(path, { force: true });
    const server = createServer((socket) => this.serve(socket, control));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    await chmod(path, 0o600);
    return server;
  }

  private serve(socket: Socket, control: boolean): void {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('error', () => undefined);
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > 4096) return socket.destroy();
      const end = buffer.indexOf('\n');
      if (end === -1) return;
      const line = buffer.slice(0, end);
      socket.pause();
      void this.answer(line, control).then((answer) => socket.end(`${answer}\n`));
    });
  }

  // Parses, refuses what this socket may not ask, then runs the request in turn.
  private async answer(line: string, control: boolean): Promise<string> {
    const started = performance.now();
    let request: PowerRequest | undefined;
    let answer: string;
    try {
      request = parsePowerRequest(line);
      if (request.action === 'fault' && !control)
        throw new HaError('PRECONDITION_FAILED', 'faults are set from the host only');
      if (!control && this.fault === 'refuse')
        throw new HaError('PRECONDITION_FAILED', 'refused: the switch is faulty');
      const accepted = request;
      answer = `ok ${await this.inTurn(() => this.run(accepted, started, control))}`.trimEnd();
    } catch (error) {
      answer = `error ${(error as Error).message.replace(/\n/g, ' ')}`;
    }
    await this.audit(line, control, answer, performance.now() - started);
    return answer;
  }

  private inTurn<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task, task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async run(request: PowerRequest, receivedAt: number, control: boolean): Promise<string> {
    if (request.action === 'fault') {
      this.fault = request.fault;
      // Unreachable: the switch's socket is gone from every node, as a switch off the network.
      if (request.fault === 'unreachable') await this.closeNodeSocket();
      else await this.openNodeSocket();
      return request.fault;
    }
    // A node that lost power cannot command anything: not while it is off, and not with a request it
    // sent before (it may be on again by now, after a reboot: the request is still from the old boot).
    if (request.from !== undefined) {
      const lostPower = this.powerLostAt.get(request.from) ?? -1;
      if (!this.lab.isPoweredOn(request.from) || lostPower >= receivedAt)
        throw new HaError('PRECONDITION_FAILED', `refused: ${request.from} is powered off (or was, since it asked)`);
    }
    if (!isOutletRequest(request)) {
      if (request.action === 'ping') return 'pong';
      return this.lab.nodeNames.map((name) => `${name}=${this.lab.isPoweredOn(name) ? 'on' : 'off'}`).join(' ');
    }
    if (!this.lab.nodeNames.includes(request.node))
      throw new HaError('NOT_FOUND', `no outlet ${request.node} (outlets: ${this.lab.nodeNames.join(' ')})`);
    const services = request.services ?? true;
    switch (request.action) {
      case 'status':
        return this.lab.isPoweredOn(request.node) ? 'on' : 'off';
      case 'off':
        await this.powerOff(request.node);
        // A fence agent is answered as soon as the power is cut; the host's callers, once the node is gone.
        if (control) await this.lab.powerOffSettled(request.node);
        return 'off';
      case 'on': {
        const started = performance.now();
        await this.lab.applyPowerOn(request.node, { services });
        return `on boot=${Math.round(performance.now() - started)}ms`;
      }
      case 'reboot': {
        const started = performance.now();
        await this.powerOff(request.node);
        const off = performance.now();
        await this.lab.applyPowerOn(request.node, { services });
        return `on off=${Math.round(off - started)}ms boot=${Math.round(performance.now() - off)}ms`;
      }
    }
  }

  private async powerOff(node: string): Promise<void> {
    await this.lab.applyPowerOff(node);
    this.powerLostAt.set(node, performance.now());
  }

  private async audit(line: string, control: boolean, answer: string, ms: number): Promise<void> {
    const entry = {
      time: new Date().toISOString(),
      via: control ? 'host' : 'node',
      request: line,
      answer,
      ms: Math.round(ms),
    };
    await appendFile(this.paths.powerLog, `${JSON.stringify(entry)}\n`).catch(() => undefined);
  }
}

/** Runs the switch of the lab in `stateRoot` until SIGTERM or SIGINT (the `ha-lab power serve` process). */
export async function servePowerSwitch(stateRoot: string): Promise<void> {
  const power = await PowerSwitch.start(stateRoot);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await power.close();
  // A node's boot may still be waiting on its peers: the switch goes now, and that wait with it.
  process.exit(0);
}
