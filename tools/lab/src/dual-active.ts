import { readFileSync, readlinkSync } from 'node:fs';
import { listPids, readCommandLine } from './proc.js';

/** What the sampler looks for in every node. */
export interface DualActiveTarget {
  /** The virtual IP (an IPv4 address): held by a node when its network namespace has it as a local address. */
  vip: string;
  /** Text in the service's command line (the WebServer's `ha-lab-web` path): run by a node when a process of its PID namespace has it. */
  serviceCommand: string;
}

/** One instant at which more than one node held the VIP or ran the service. */
export interface DualActiveBreach {
  /** When the sample was taken (ISO 8601). */
  at: string;
  /** The nodes holding the VIP at that instant. */
  vip: string[];
  /** The nodes running the service at that instant. */
  service: string[];
}

/** What a sampling run saw. */
export interface DualActiveReport {
  /** Samples taken. */
  samples: number;
  /** The longest gap between two samples, in ms (proof that sampling kept its pace). */
  longestGapMs: number;
  /** Every sample with two holders or more; empty when none was seen. */
  breaches: DualActiveBreach[];
  /** Each node's count of samples in which it held the VIP. */
  vipSamples: Record<string, number>;
}

/** The current PID 1 of each node (host PIDs), or undefined for a node that is off. */
export type NodeInits = () => { name: string; pid: number | undefined }[];

/**
 * Watches every node of a lab, every `intervalMs` (100 by default), for two
 * nodes holding the VIP or running the service at once. It reads the nodes'
 * namespaces from the host's /proc (the addresses of each node's network
 * namespace, the command lines of each PID namespace), so a sample costs no
 * process and cannot disturb what it measures.
 */
export class DualActiveSampler {
  private timer: NodeJS.Timeout | undefined;
  private report: DualActiveReport = { samples: 0, longestGapMs: 0, breaches: [], vipSamples: {} };
  private last = 0;

  constructor(
    private readonly inits: NodeInits,
    private readonly target: DualActiveTarget,
    private readonly intervalMs = 100,
  ) {}

  /** Starts sampling (a first sample at once). */
  start(): void {
    this.report = { samples: 0, longestGapMs: 0, breaches: [], vipSamples: {} };
    this.last = 0;
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  /** Stops and returns what was seen. */
  stop(): DualActiveReport {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    return this.report;
  }

  /** One sample now: the nodes holding the VIP and those running the service. */
  sampleNow(): { vip: string[]; service: string[] } {
    const nodes = this.inits().filter((node): node is { name: string; pid: number } => node.pid !== undefined);
    const vip = nodes.filter((node) => holdsAddress(node.pid, this.target.vip)).map((node) => node.name);
    const namespaces = new Map(nodes.map((node) => [pidNamespace(node.pid), node.name]));
    const service = new Set<string>();
    for (const pid of listPids()) {
      if (!readCommandLine(pid).some((arg) => arg.includes(this.target.serviceCommand))) continue;
      const owner = namespaces.get(pidNamespace(pid));
      if (owner !== undefined) service.add(owner);
    }
    return { vip, service: [...service].sort() };
  }

  private sample(): void {
    const now = performance.now();
    if (this.last > 0) this.report.longestGapMs = Math.max(this.report.longestGapMs, Math.round(now - this.last));
    this.last = now;
    const seen = this.sampleNow();
    this.report.samples += 1;
    for (const name of seen.vip) this.report.vipSamples[name] = (this.report.vipSamples[name] ?? 0) + 1;
    if (seen.vip.length > 1 || seen.service.length > 1)
      this.report.breaches.push({ at: new Date().toISOString(), ...seen });
  }
}

// /proc/PID/net is the network namespace of PID: its local routing table lists every address it holds.
function holdsAddress(pid: number, address: string): boolean {
  let table: string;
  try {
    table = readFileSync(`/proc/${pid}/net/fib_trie`, 'utf8');
  } catch {
    return false;
  }
  const escaped = address.replace(/\./g, '\\.');
  return new RegExp(`\\|-- ${escaped}\\n\\s+/32 host LOCAL`).test(table);
}

function pidNamespace(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}
