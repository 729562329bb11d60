import { join } from 'node:path';

/** Where the lab keeps everything it creates; one folder, so a crashed run is found and removed. */
export const defaultStateRoot = process.env.HA_LAB_STATE_DIR ?? '/var/lib/ha-lab';

/** Marker in the command line of every node's PID 1: how leftovers are recognised. */
export const nodeInitName = 'ha-lab-node-init';

/** The fixed shape of the default lab instance. */
export const labDefaults = {
  clusterName: 'lab',
  /** The lab's own subnet; nothing else is ever addressed. */
  subnetPrefix: '10.213.0',
  switchNamespace: 'ha-lab-switch',
  bridge: 'br0',
  maxNodes: 5,
  hostPassword: 'ha-lab-secret',
} as const;

/** Paths of one lab instance under its state root. */
export function labPaths(stateRoot: string = defaultStateRoot) {
  const cluster = join(stateRoot, 'cluster');
  return {
    root: stateRoot,
    cluster,
    clusterState: join(cluster, 'state.json'),
    /** The PID of the process that booted the cluster (removed with it): a lab in use is not a leftover. */
    owner: join(cluster, 'owner'),
    bin: join(cluster, 'bin'),
    nodeInit: join(cluster, 'bin', nodeInitName),
    systemctlStub: join(cluster, 'bin', 'systemctl'),
    /** Enters a generation's root (see scripts/ha-lab-chroot). */
    chroot: join(cluster, 'bin', 'ha-lab-chroot'),
    /** A small real web server (socat) that answers with the node's name, for WebServer resources. */
    webServer: join(cluster, 'bin', 'ha-lab-web'),
    /** The lab's fence agent; every node sees it as /usr/sbin/fence_ha_lab. */
    fenceAgent: join(cluster, 'bin', 'sbin', 'fence_ha_lab'),
    /** Bound into every node as /run/ha-lab: holds the power switch's socket for the nodes. */
    powerDir: join(cluster, 'power'),
    powerSocket: join(cluster, 'power', 'switch.sock'),
    /** The host's own socket to the switch (outside what the nodes see): power by hand, faults. */
    powerControlSocket: join(cluster, 'power-control.sock'),
    powerPidFile: join(cluster, 'power-switch.pid'),
    /** Every request the switch answered, one JSON line each. */
    powerLog: join(cluster, 'power-switch.log'),
    keys: join(cluster, 'keys'),
    corosyncKey: join(cluster, 'keys', 'corosync-authkey'),
    pacemakerKey: join(cluster, 'keys', 'pacemaker-authkey'),
    seedCib: join(cluster, 'keys', 'cib.xml'),
    haproxy: join(stateRoot, 'haproxy'),
    node: (name: string) => nodePaths(join(cluster, 'nodes', name)),
  };
}

/** Paths of one node's private directories, bound over the system ones inside the node. */
export function nodePaths(dir: string) {
  return {
    dir,
    ready: join(dir, 'ready'),
    initLog: join(dir, 'init.log'),
    /** Present while the node's link is cut: a node powered on again comes back still cut off. */
    linkDown: join(dir, 'link-down'),
    hosts: join(dir, 'hosts'),
    shadow: join(dir, 'shadow'),
    hold: join(dir, 'hold'),
    etcCorosync: join(dir, 'etc-corosync'),
    etcPacemaker: join(dir, 'etc-pacemaker'),
    varLibPacemaker: join(dir, 'var-lib-pacemaker'),
    varLibCorosync: join(dir, 'var-lib-corosync'),
    varLibPcsd: join(dir, 'var-lib-pcsd'),
    varLogCorosync: join(dir, 'var-log-corosync'),
    varLogPacemaker: join(dir, 'var-log-pacemaker'),
    varLogPcsd: join(dir, 'var-log-pcsd'),
  };
}

export type NodePaths = ReturnType<typeof nodePaths>;

/** `nodeK` for K = 1..N. */
export function nodeName(index: number): string {
  return `node${index}`;
}

/** The node's address in the lab subnet. */
export function nodeAddress(index: number, subnetPrefix: string = labDefaults.subnetPrefix): string {
  return `${subnetPrefix}.${index}`;
}

/** Host-side end of a node's veth (lives in the switch namespace; at most 15 characters). */
export function switchPort(index: number): string {
  return `lab-node${index}`;
}
