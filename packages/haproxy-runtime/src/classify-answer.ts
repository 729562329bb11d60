import { PermissionDeniedError, RuntimeCommandError, UnknownCommandError } from './errors.js';

// HAProxy's text protocol has no status field. It can label its messages (`set severity-output`),
// but the master CLI opens a new connection to the worker for every routed command and drops that
// setting, so the one classification that holds on every path reads the text itself. The patterns
// below are the messages of HAProxy 2.6's and 3.0's CLI (their `cli_err`/`cli_msg` calls), checked
// against the labels of the real 2.6 and 3.0 in test/answers.int.test.ts.

// Commands whose answer is text to read, not the outcome of a change.
const readingVerbs = new Set([
  'show',
  'get',
  'help',
  'prompt',
  'quit',
  'echo',
  'debug',
  'trace',
  'user',
  'operator',
  'expert-mode',
  'experimental-mode',
  'mcli-debug-mode',
]);

// How HAProxy words a refusal of a read (`get weight x/y`, `show table nope`, `show env NOPE` …),
// matched against the answer's first line. Dumps never start like this.
const readRefusals = [
  /^No such\b/,
  /^Unknown\b/,
  /^(Can't|Cannot|Couldn't|Unable to)\b/,
  /^(Missing|Invalid|Malformed|Unsupported|Expects|Required?)\b/,
  /^(Failed|Out of memory|Not enough memory|Trailing garbage|Value out of range)\b/,
  /^\w+ not found[.!]?$/,
  /^'[^']+' (expects|received|requires|unable)\b/,
  /^(Usage|syntax):/,
  /^(Certificate ID does not match|HAProxy was compiled|didn't find|unknown option|wrong (CA|CRL) index|Optional argument only supports)/,
];

// What a change answers when it worked (most answer nothing at all), matched against the whole answer.
const confirmations = [
  /^New server registered\.$/,
  /^Server deleted\.$/,
  /^New version created: \d+$/,
  /^Done\.$/,
  // set server B/S addr A [port P]; 3.0 says "nothing changed" where 2.6 said it of the address and the port
  /^nothing changed$/,
  /^(IP changed from '[^']*' to '[^']*'|no need to change the addr)(, (port changed from '[^']*' to '[^']*'|no need to change the port))?( by '[^']*')?$/,
  // 3.0 says only this when the address stays
  /^port changed from '[^']*' to '[^']*'( by '[^']*')?$/,
  // set server B/S fqdn F (HAProxy's own spelling)
  /^(no need to change the FDQN|\S+ changed its FQDN from \S+ to \S+)( by '[^']*')?$/,
  /^(server ssl setting|TLS ticket key|OCSP Response) updated[.!]$/,
  /^(Frontend was already shut down|All sockets are already (enabled|disabled)|File descriptor was already closed)\.$/,
  /^Transaction (created|updated|aborted) for certificate \S+!$/,
  // set ssl ca-file|crl-file (2.6 and 3.0 write it in lower case)
  /^transaction (created|updated) for (CA|CRL)( file)? \S+!$/,
  /^New empty certificate store '[^']*'!$/,
  /^New (CA|CRL) file created '[^']*'!$/,
  /^((Certificate|CA file|CRL file) '[^']*' deleted|Entry '[^']*' deleted in crtlist '[^']*')!$/,
  /^(Committing|Inserting certificate) [^\n]*(\n[^\n]*)*\nSuccess!$/,
];

/**
 * Decides whether HAProxy refused a command, from its answer: the one rule
 * behind `execute`, `executeRaw`, `batch`, every typed command and the master
 * CLI's routed commands. Returns the typed error for a refusal, `undefined` for
 * an answer that is data or a success.
 *
 * - `Permission denied` → {@link PermissionDeniedError}; `Unknown command` →
 *   {@link UnknownCommandError}, whatever the command.
 * - A read (`show`, `get`, `help` …) is refused when its answer starts the way
 *   HAProxy words a refusal (`No such server.`, `Can't find backend.`,
 *   `Unknown map identifier…`, `Variable not found`); any other answer is data.
 * - Any other command changes something: it worked when it answers nothing or
 *   a known confirmation (`New server registered.`, `IP changed from …`,
 *   `New version created: 1`); any other answer (`Trailing garbage in weight
 *   string`, `No such server.`) is its refusal → {@link RuntimeCommandError}.
 *
 * @param line The command as sent, with or without a master CLI prefix (`@1 `, `@!PID `, `@master `).
 * @param answer HAProxy's answer, without the newlines that end it.
 * @example
 * classifyAnswer('set server web/nope weight 5', 'No such server.'); // RuntimeCommandError (REJECTED)
 * classifyAnswer('show version', '2.6.12-1+deb12u4'); // undefined
 */
export function classifyAnswer(line: string, answer: string): RuntimeCommandError | undefined {
  const text = answer.trim();
  const first = text.split('\n', 1)[0]?.trim() ?? '';
  if (first.startsWith('Permission denied')) return new PermissionDeniedError(line, answer);
  if (first.startsWith('Unknown command')) return new UnknownCommandError(line, answer);
  if (isReadingCommand(line))
    return readRefusals.some((pattern) => pattern.test(first)) ? new RuntimeCommandError(line, answer) : undefined;
  if (text === '' || confirmations.some((pattern) => pattern.test(text))) return undefined;
  return new RuntimeCommandError(line, answer);
}

/** Returns the answer, or throws the refusal {@link classifyAnswer} finds in it. */
export function acceptAnswer(line: string, answer: string): string {
  const refusal = classifyAnswer(line, answer);
  if (refusal) throw refusal;
  return answer;
}

/** Whether a command's answer is text to read (`show …`), so that only its first line tells a refusal. */
export function isReadingCommand(line: string): boolean {
  const verb =
    line
      .replace(/^@(!?\d+|master)\s+/, '')
      .trimStart()
      .split(/\s/, 1)[0] ?? '';
  return readingVerbs.has(verb);
}
