import { connect } from 'node:net';

/**
 * The Pacemaker alert agent. Pacemaker runs it (as hacluster) for each
 * event, with the event in `CRM_alert_*` variables and the recipient's value
 * (our socket's path) in `CRM_alert_recipient`. It forwards the event to the
 * running monitor as one JSON line and waits for `ok`. Node built-ins only:
 * it starts fast, once per event.
 */
export async function forwardAlert(env: NodeJS.ProcessEnv, options: { timeoutMs?: number } = {}): Promise<void> {
  const socket = env.CRM_alert_recipient;
  if (!socket || !socket.startsWith('/'))
    throw new Error(
      "CRM_alert_recipient must be the absolute path of the monitor's socket (pcs alert recipient add ALERT value=/path/to.sock)",
    );
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(env))
    if (key.startsWith('CRM_alert_') && value !== undefined) fields[key.slice('CRM_alert_'.length)] = value;
  const line = `${JSON.stringify(fields)}\n`;
  await new Promise<void>((resolve, reject) => {
    const connection = connect(socket);
    let answer = '';
    const timer = setTimeout(() => {
      connection.destroy();
      reject(new Error(`no answer from ${socket} within ${options.timeoutMs ?? 5_000} ms`));
    }, options.timeoutMs ?? 5_000);
    connection.setEncoding('utf8');
    connection.on('connect', () => connection.write(line));
    connection.on('data', (chunk: string) => {
      answer += chunk;
      if (answer.includes('\n')) connection.end();
    });
    connection.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // No socket: no monitor on this node (one monitor per cluster, run as a resource elsewhere). Not a failure.
      if (error.code === 'ENOENT') resolve();
      else reject(new Error(`cannot reach the monitor at ${socket}: ${error.message}`));
    });
    connection.on('close', () => {
      clearTimeout(timer);
      if (answer.startsWith('ok')) resolve();
      else reject(new Error(`the monitor at ${socket} answered '${answer.trim()}'`));
    });
  });
}

/** The bin's entry: exit 0 when delivered, 1 (logged by Pacemaker) when not. */
export async function main(): Promise<void> {
  try {
    await forwardAlert(process.env);
  } catch (error) {
    process.stderr.write(`ha-monitor-alert-agent: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
