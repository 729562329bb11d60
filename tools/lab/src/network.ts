import { CommandError, type Runner } from '@ha/core';
import { labDefaults } from './layout.js';

/**
 * The lab's switch: a bridge in a network namespace of its own, holding the
 * host-side end of every node's veth. The host's namespace gets no lab
 * address, link or route: nothing the lab sends can leave the machine.
 */
export class LabSwitch {
  constructor(
    private readonly host: Runner,
    readonly namespace: string = labDefaults.switchNamespace,
    readonly bridge: string = labDefaults.bridge,
  ) {}

  async create(): Promise<void> {
    await this.host.run('ip', ['netns', 'add', this.namespace]);
    await this.ip('link', 'set', 'lo', 'up');
    await this.ip('link', 'add', this.bridge, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0');
    await this.ip('link', 'set', this.bridge, 'up');
  }

  async exists(): Promise<boolean> {
    const { stdout } = await this.host.run('ip', ['netns', 'list']);
    return stdout.split('\n').some((line) => line.split(' ')[0] === this.namespace);
  }

  /** Deletes the namespace (and with it the bridge and every port). Idempotent. */
  async destroy(): Promise<void> {
    if (await this.exists()) await this.host.run('ip', ['netns', 'delete', this.namespace]);
  }

  /**
   * Plugs a node in: a veth pair whose `port` end joins the bridge and whose
   * other end becomes the node's `eth0` with `address`/24.
   */
  async connect(port: string, nodePid: number, node: Runner, address: string): Promise<void> {
    await this.ip('link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', String(nodePid));
    await this.ip('link', 'set', port, 'master', this.bridge, 'up');
    await node.run('ip', ['link', 'set', 'lo', 'up']);
    await node.run('ip', ['address', 'add', `${address}/24`, 'dev', 'eth0']);
    await node.run('ip', ['link', 'set', 'eth0', 'up']);
  }

  /** Removes a port (and its veth peer) if it is still there. */
  async unplug(port: string): Promise<void> {
    await this.ip('link', 'delete', port).catch((error: unknown) => {
      if (!(error instanceof CommandError)) throw error;
    });
  }

  /** Cuts (`down`) or restores (`up`) a node's link at the switch. */
  async setPort(port: string, state: 'up' | 'down'): Promise<void> {
    await this.ip('link', 'set', port, state);
  }

  /** Whether the port exists and is administratively up; undefined when it does not exist. */
  async portIsUp(port: string): Promise<boolean | undefined> {
    try {
      const { stdout } = await this.ip('-o', 'link', 'show', port);
      return /[<,]UP[,>]/.test(stdout);
    } catch (error) {
      if (error instanceof CommandError) return undefined;
      throw error;
    }
  }

  private ip(...args: string[]) {
    return this.host.run('ip', ['-n', this.namespace, ...args]);
  }
}
