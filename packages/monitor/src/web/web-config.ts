import { ParseError, parseDuration } from '@ha/core';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';

/**
 * Go's `tls.ClientAuthType` names, as the Prometheus exporter toolkit takes them:
 * from asking for nothing to a certificate that must chain to `client_ca_file`.
 */
export type ClientAuthType =
  | 'NoClientCert'
  | 'RequestClientCert'
  | 'RequireAnyClientCert'
  | 'VerifyClientCertIfGiven'
  | 'RequireAndVerifyClientCert';

/** A TLS version as the exporter toolkit names it. */
export type TlsVersionName = 'TLS10' | 'TLS11' | 'TLS12' | 'TLS13';

/** A PEM given in the file itself, or the file that holds it. */
export type PemSource =
  | {
      /** The PEM text. */
      pem: string;
    }
  | {
      /** Its path, resolved against the web configuration's folder. */
      file: string;
    };

/** `rate_limit`: a token bucket over all requests. */
export interface RateLimit {
  /** One token comes back per interval, in ms. */
  intervalMs: number;
  /** How many requests may come at once. */
  burst: number;
}

/** `tls_server_config`: what the endpoint serves TLS with. Each PEM is inline or a file, never both. */
export interface WebTlsConfig {
  /** The server certificate (chain), inline PEM or `cert_file` resolved against the config's folder. */
  cert: PemSource;
  /** Its private key, inline PEM or `key_file`. */
  key: PemSource;
  /** CAs a client certificate must chain to (`client_ca` or `client_ca_file`). */
  clientCa: PemSource | undefined;
  /** What a client must show (default `NoClientCert`). */
  clientAuthType: ClientAuthType;
  /** When set, a client certificate must carry one of these DNS, IP, e-mail or URI names. */
  clientAllowedSans: string[] | undefined;
  /** Lowest TLS version accepted (default TLS 1.2). */
  minVersion: TlsVersionName;
  /** Highest TLS version accepted (default TLS 1.3). */
  maxVersion: TlsVersionName;
}

/** The exporter toolkit's web configuration file, as the monitor's endpoint applies it. */
export interface WebConfig {
  /** TLS, or undefined for plain HTTP. */
  tls: WebTlsConfig | undefined;
  /** `basic_auth_users`: user name → bcrypt hash. Empty: no basic authentication. */
  basicAuthUsers: Map<string, string>;
  /** `http_server_config.headers`: response headers added to every answer. */
  headers: Record<string, string>;
  /** `rate_limit`: a token bucket over all requests; undefined when absent or its interval is 0. */
  rateLimit: RateLimit | undefined;
}

const clientAuthTypes = [
  'NoClientCert',
  'RequestClientCert',
  'RequireAnyClientCert',
  'VerifyClientCertIfGiven',
  'RequireAndVerifyClientCert',
] as const;
const tlsVersions = ['TLS10', 'TLS11', 'TLS12', 'TLS13'] as const;
// $2a$, $2b$, $2y$ (htpasswd) with a two-digit cost and 53 characters of salt and hash.
const bcryptHash = /^\$2[abxy]\$\d{2}\$[./A-Za-z0-9]{53}$/;

// The file's keys, strictly: a key this endpoint does not apply is refused rather than ignored, so
// nobody believes a cipher list or a curve preference is in force when it is not.
const webConfigSchema = z.strictObject({
  tls_server_config: z
    .strictObject({
      cert: z.string().optional(),
      key: z.string().optional(),
      cert_file: z.string().optional(),
      key_file: z.string().optional(),
      client_ca: z.string().optional(),
      client_ca_file: z.string().optional(),
      client_auth_type: z.enum(clientAuthTypes).optional(),
      client_allowed_sans: z.array(z.string()).optional(),
      min_version: z.enum(tlsVersions).optional(),
      max_version: z.enum(tlsVersions).optional(),
    })
    .nullish(),
  http_server_config: z
    .strictObject({
      // HTTP/1.1 only here; `http2: false` is what it already is, `true` (the toolkit's default) asks for nothing we refuse to do.
      http2: z.boolean().optional(),
      headers: z
        .strictObject({
          'Content-Security-Policy': z.string().optional(),
          'X-Frame-Options': z.enum(['deny', 'sameorigin', 'DENY', 'SAMEORIGIN']).optional(),
          'X-Content-Type-Options': z.enum(['nosniff']).optional(),
          'X-XSS-Protection': z.string().optional(),
          'Strict-Transport-Security': z.string().optional(),
        })
        .optional(),
    })
    .nullish(),
  basic_auth_users: z
    .record(
      z.string().min(1),
      z.string().regex(bcryptHash, 'is not a bcrypt hash ($2y$10$…, e.g. from htpasswd -nBC 10)'),
    )
    .nullish(),
  rate_limit: z.strictObject({ interval: z.string(), burst: z.number().int().min(1) }).nullish(),
});

/**
 * Parses the Prometheus exporter toolkit's web configuration file (`web-config.yml`). Relative file
 * names resolve against `directory` (the file's own folder, as the toolkit does). A YAML or schema
 * problem is a `ParseError` naming the file, line and column; so are the combinations the toolkit
 * refuses (a client CA without a client auth policy, a policy that verifies without a CA, both a PEM
 * and its file).
 */
export function parseWebConfig(text: string, options: { file?: string; directory?: string } = {}): WebConfig {
  const { file } = options;
  const lines = new LineCounter();
  const document = parseDocument(text, { uniqueKeys: true, lineCounter: lines });
  const refuse = (keyPath: readonly string[], message: string) => refusal(document, lines, keyPath, message, file);
  const syntax = document.errors[0];
  if (syntax !== undefined) {
    const position = syntax.linePos?.[0];
    const message = (syntax.message.split('\n')[0] as string).replace(/ at line \d+, column \d+:?$/, '');
    throw new ParseError(
      'MALFORMED_WEB_CONFIG',
      message,
      position ? { file, line: position.line, column: position.col } : { file },
    );
  }
  let plain: unknown;
  try {
    plain = document.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    // An alias to no anchor, or too many aliases: found only when the data is built.
    throw new ParseError('MALFORMED_WEB_CONFIG', (error as Error).message, { file });
  }
  const parsed = webConfigSchema.safeParse(plain);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    const keyPath = issue.path.map(String);
    const unknown =
      issue.code === 'unrecognized_keys' ? ` (not applied by this endpoint: ${issue.keys.join(', ')})` : '';
    throw refuse(
      [...keyPath, ...(issue.code === 'unrecognized_keys' ? [issue.keys[0] as string] : [])],
      `${keyPath.join('.') || 'the file'}: ${issue.message}${unknown}`,
    );
  }
  const data = parsed.data;
  const resolve = (name: string) =>
    name.startsWith('/') || options.directory === undefined ? name : `${options.directory}/${name}`;
  const pemOrFile = (pem: string | undefined, name: string | undefined, key: string): PemSource | undefined => {
    if (pem !== undefined && name !== undefined)
      throw refuse(
        ['tls_server_config', `${key}_file`],
        `tls_server_config: both ${key} and ${key}_file are set; give one`,
      );
    return pem !== undefined ? { pem } : name !== undefined ? { file: resolve(name) } : undefined;
  };

  let tls: WebTlsConfig | undefined;
  const server = data.tls_server_config;
  if (server) {
    const cert = pemOrFile(server.cert, server.cert_file, 'cert');
    const key = pemOrFile(server.key, server.key_file, 'key');
    if (!cert || !key)
      throw refuse(
        ['tls_server_config'],
        'tls_server_config: a certificate and its key are both required (cert_file and key_file)',
      );
    const clientCa = pemOrFile(server.client_ca, server.client_ca_file, 'client_ca');
    const clientAuthType = server.client_auth_type ?? 'NoClientCert';
    if (clientCa && clientAuthType === 'NoClientCert')
      throw refuse(
        ['tls_server_config', 'client_ca_file'],
        'tls_server_config: a client CA is configured without a client_auth_type',
      );
    if (!clientCa && (clientAuthType === 'RequireAndVerifyClientCert' || clientAuthType === 'VerifyClientCertIfGiven'))
      throw refuse(
        ['tls_server_config', 'client_auth_type'],
        `tls_server_config: ${clientAuthType} needs client_ca_file`,
      );
    if (
      server.client_allowed_sans &&
      clientAuthType !== 'RequireAnyClientCert' &&
      clientAuthType !== 'RequireAndVerifyClientCert'
    )
      throw refuse(
        ['tls_server_config', 'client_allowed_sans'],
        'tls_server_config: client_allowed_sans needs client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert',
      );
    const minVersion = server.min_version ?? 'TLS12';
    const maxVersion = server.max_version ?? 'TLS13';
    if (tlsVersions.indexOf(minVersion) > tlsVersions.indexOf(maxVersion))
      throw refuse(['tls_server_config', 'min_version'], 'tls_server_config: min_version is above max_version');
    tls = {
      cert,
      key,
      clientCa,
      clientAuthType,
      clientAllowedSans: server.client_allowed_sans,
      minVersion,
      maxVersion,
    };
  }

  let rateLimit: WebConfig['rateLimit'];
  if (data.rate_limit) {
    let intervalMs: number;
    try {
      intervalMs = parseDuration(data.rate_limit.interval);
    } catch {
      throw refuse(
        ['rate_limit', 'interval'],
        `rate_limit.interval: '${data.rate_limit.interval}' is not a duration (1s, 500ms)`,
      );
    }
    if (intervalMs > 0) rateLimit = { intervalMs, burst: data.rate_limit.burst };
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(data.http_server_config?.headers ?? {})) if (value) headers[name] = value;
  return { tls, basicAuthUsers: new Map(Object.entries(data.basic_auth_users ?? {})), headers, rateLimit };
}

// A ParseError at the key the problem is about, or at the nearest parent the file has.
function refusal(
  document: Document,
  lines: LineCounter,
  keyPath: readonly string[],
  message: string,
  file: string | undefined,
): ParseError {
  for (let length = keyPath.length; length > 0; length--) {
    const offset = keyOffset(document, keyPath.slice(0, length));
    if (offset !== undefined) {
      const { line, col } = lines.linePos(offset);
      return new ParseError('INVALID_WEB_CONFIG', message, { file, line, column: col });
    }
  }
  return new ParseError('INVALID_WEB_CONFIG', message, { file });
}

// Where the key at `keyPath` starts in the text, if the file has it.
function keyOffset(document: Document, keyPath: readonly string[]): number | undefined {
  let node: unknown = document.contents;
  let offset: number | undefined;
  for (const key of keyPath) {
    if (!isMap(node)) return undefined;
    const pair = node.items.find((item) => String(isScalar(item.key) ? item.key.value : item.key) === key);
    if (!pair) return undefined;
    offset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
    node = pair.value;
  }
  return offset;
}
