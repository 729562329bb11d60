import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import { dirname } from 'node:path';
import { createSecureContext, type SecureContextOptions, type TLSSocket } from 'node:tls';
import bcrypt from 'bcryptjs';
import { HaError, readTextFile } from '@ha/core';
import { parseWebConfig, type PemSource, type TlsVersionName, type WebConfig } from './web-config.js';

/** A request the endpoint turned away, for the audit line. */
export interface Refusal {
  /** HTTP status sent (401, 429), or 0 when the connection was closed at the TLS layer. */
  status: number;
  /** Why, in words an operator can act on (never the password). */
  reason: string;
  /** The peer's address. */
  remote: string;
  /** The request's method and path; undefined for a refused TLS connection. */
  request: string | undefined;
}

/** What a refused request is answered with. */
export interface RefusedAnswer {
  /** 401 or 429. */
  status: number;
  /** Headers of the answer (`WWW-Authenticate`, `Retry-After`). */
  headers: Record<string, string>;
  /** Why, for the audit. */
  reason: string;
}

const tlsVersionNames: Record<TlsVersionName, SecureContextOptions['minVersion']> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};

// A config and the PEMs it names, with what their files looked like when read.
interface Loaded {
  config: WebConfig;
  secureContext: SecureContextOptions | undefined;
  fingerprint: string;
}

/**
 * Applies a Prometheus exporter toolkit web configuration file to an HTTP endpoint: TLS (server
 * certificate, client certificate policy and allowed names, versions), basic authentication with
 * bcrypt hashes, response headers and a rate limit. The file and the PEM files it names are looked
 * at again at most once a second and re-read when they change, so a renewed certificate or a new
 * user applies without a restart; a change that cannot apply in place (TLS on or off, another
 * client certificate policy) or a file that no longer parses keeps what was in force and warns.
 */
export class WebGuard {
  private loaded: Loaded;
  private lastLooked = Date.now();
  private looking: Promise<void> | undefined;
  private tokens: number;
  private tokensAt = Date.now();
  // Successful checks by a digest of user, password and hash: bcrypt costs ~70 ms per check,
  // a scrape every 15 s must not pay it each time. Failures are never cached.
  private readonly verified = new Map<string, true>();
  private dummyHash: Promise<string> | undefined;

  private constructor(
    /** The web configuration file. */
    readonly file: string,
    loaded: Loaded,
    private readonly onWarning: (message: string) => void,
  ) {
    this.loaded = loaded;
    this.tokens = loaded.config.rateLimit?.burst ?? 0;
  }

  /** Reads and checks the file and every PEM it names; a problem is a typed error naming the file. */
  static async load(file: string, options: { onWarning?: (message: string) => void } = {}): Promise<WebGuard> {
    return new WebGuard(file, await loadWebConfig(file), options.onWarning ?? (() => undefined));
  }

  /** The configuration in force. */
  get config(): WebConfig {
    return this.loaded.config;
  }

  /** Options for `https.createServer`, or undefined when the file asks for no TLS. */
  serverOptions(): HttpsServerOptions | undefined {
    const { secureContext, config } = this.loaded;
    if (!secureContext || !config.tls) return undefined;
    const type = config.tls.clientAuthType;
    return {
      ...secureContext,
      requestCert: type !== 'NoClientCert',
      // Node verifies against `ca` and refuses a missing certificate only here; the other policies are checked per connection.
      rejectUnauthorized: type === 'RequireAndVerifyClientCert',
    };
  }

  /**
   * Whether a TLS connection meets the client certificate policy (`RequireAnyClientCert`,
   * `VerifyClientCertIfGiven`, `client_allowed_sans`); undefined when it does, else why not.
   */
  refuseConnection(socket: TLSSocket): string | undefined {
    const tls = this.loaded.config.tls;
    if (!tls || tls.clientAuthType === 'NoClientCert' || tls.clientAuthType === 'RequestClientCert') return undefined;
    const certificate = socket.getPeerCertificate();
    const given = certificate !== null && Object.keys(certificate).length > 0;
    if (!given && tls.clientAuthType !== 'VerifyClientCertIfGiven') return 'no client certificate';
    if (given && tls.clientAuthType !== 'RequireAnyClientCert' && !socket.authorized)
      return `client certificate not trusted (${String(socket.authorizationError)})`;
    if (tls.clientAllowedSans) {
      const names = (certificate.subjectaltname ?? '').split(', ').map((entry) => entry.replace(/^[^:]+:/, ''));
      if (!names.some((name) => tls.clientAllowedSans?.includes(name)))
        return `client certificate names none of client_allowed_sans (${names.join(', ') || 'no names'})`;
    }
    return undefined;
  }

  /**
   * Looks at the files again when a second has passed since the last look, and applies what
   * changed: `setSecureContext` is how a renewed certificate reaches new connections.
   */
  async refresh(server?: { setSecureContext?(options: SecureContextOptions): void }): Promise<void> {
    if (Date.now() - this.lastLooked < 1_000) return;
    this.lastLooked = Date.now();
    this.looking ??= this.reload(server).finally(() => {
      this.looking = undefined;
    });
    await this.looking;
  }

  private async reload(server?: { setSecureContext?(options: SecureContextOptions): void }): Promise<void> {
    const previous = this.loaded;
    if ((await fingerprintOf(this.file, previous.config).catch(() => '')) === previous.fingerprint) return;
    let next: Loaded;
    try {
      next = await loadWebConfig(this.file);
    } catch (error) {
      this.onWarning(`${(error as Error).message}; the previous web configuration stays in force`);
      // Not again until the files change once more.
      previous.fingerprint = await fingerprintOf(this.file, previous.config).catch(() => previous.fingerprint);
      return;
    }
    if (
      Boolean(next.config.tls) !== Boolean(previous.config.tls) ||
      next.config.tls?.clientAuthType !== previous.config.tls?.clientAuthType
    ) {
      this.onWarning(
        `${this.file}: TLS switched on or off, or another client_auth_type, applies at the next start; the rest applies now`,
      );
      next = { ...next, config: { ...next.config, tls: previous.config.tls }, secureContext: previous.secureContext };
    } else if (next.secureContext) server?.setSecureContext?.(next.secureContext);
    if (next.config.rateLimit?.burst !== previous.config.rateLimit?.burst)
      this.tokens = next.config.rateLimit?.burst ?? 0;
    this.verified.clear();
    this.loaded = next;
  }

  /** Undefined when the request may go on; else the answer that refuses it. `publicPaths` need no password. */
  async check(request: IncomingMessage, publicPaths: readonly string[] = []): Promise<RefusedAnswer | undefined> {
    const { rateLimit, basicAuthUsers } = this.loaded.config;
    if (rateLimit) {
      const now = Date.now();
      this.tokens = Math.min(rateLimit.burst, this.tokens + (now - this.tokensAt) / rateLimit.intervalMs);
      this.tokensAt = now;
      if (this.tokens < 1)
        return {
          status: 429,
          headers: { 'retry-after': String(Math.ceil(rateLimit.intervalMs / 1000)) },
          reason: 'rate limit',
        };
      this.tokens -= 1;
    }
    if (basicAuthUsers.size === 0) return undefined;
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (publicPaths.includes(path)) return undefined;
    const challenge = { 'www-authenticate': 'Basic realm="ha-monitor", charset="UTF-8"' };
    const credentials = parseBasicAuthorization(request.headers.authorization);
    if (!credentials) return { status: 401, headers: challenge, reason: 'no credentials' };
    const hash = basicAuthUsers.get(credentials.user);
    // An unknown user costs the same bcrypt round as a known one: timing tells nobody who exists.
    const ok = hash
      ? await this.verify(credentials.user, credentials.password, hash)
      : await bcrypt.compare(credentials.password, await this.dummy()).then(() => false);
    if (ok) return undefined;
    return {
      status: 401,
      headers: challenge,
      reason: hash ? `wrong password for '${credentials.user}'` : `unknown user '${credentials.user}'`,
    };
  }

  private async verify(user: string, password: string, hash: string): Promise<boolean> {
    const key = createHash('sha256').update(user).update('\0').update(password).update('\0').update(hash).digest('hex');
    if (this.verified.has(key)) return true;
    // bcryptjs knows $2a$/$2b$; htpasswd writes $2y$, the same algorithm under another name.
    const ok = await bcrypt.compare(password, hash.replace(/^\$2y\$/, '$2b$'));
    if (ok) {
      if (this.verified.size >= 256) this.verified.clear();
      this.verified.set(key, true);
    }
    return ok;
  }

  private dummy(): Promise<string> {
    const cost = Number(/^\$2.\$(\d\d)/.exec([...this.loaded.config.basicAuthUsers.values()][0] ?? '')?.[1] ?? 10);
    this.dummyHash ??= bcrypt.hash('not a password', cost);
    return this.dummyHash;
  }
}

/** `Authorization: Basic …` as user and password; undefined when absent or not that scheme. */
export function parseBasicAuthorization(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

async function loadWebConfig(file: string): Promise<Loaded> {
  const text = await readTextFile(file);
  const config = parseWebConfig(text, { file, directory: dirname(file) });
  const fingerprint = await fingerprintOf(file, config);
  if (!config.tls) return { config, secureContext: undefined, fingerprint };
  const pem = (source: PemSource) => ('pem' in source ? Promise.resolve(source.pem) : readTextFile(source.file));
  const secureContext: SecureContextOptions = {
    cert: await pem(config.tls.cert),
    key: await pem(config.tls.key),
    ...(config.tls.clientCa ? { ca: await pem(config.tls.clientCa) } : {}),
    minVersion: tlsVersionNames[config.tls.minVersion],
    maxVersion: tlsVersionNames[config.tls.maxVersion] as SecureContextOptions['maxVersion'],
  };
  // A key that does not match its certificate, or a PEM that is not one, is refused now, not at the first handshake.
  try {
    createSecureContext(secureContext);
  } catch (error) {
    throw new HaError('VALIDATION_ERROR', `${file}: the TLS material is not usable: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return { config, secureContext, fingerprint };
}

// What the config file and its PEM files look like on disk: a change to any of them shows here.
async function fingerprintOf(file: string, config: WebConfig): Promise<string> {
  const files = [file];
  for (const source of [config.tls?.cert, config.tls?.key, config.tls?.clientCa])
    if (source && 'file' in source) files.push(source.file);
  const parts = await Promise.all(
    files.map(async (name) => {
      const info = await stat(name);
      return `${name}:${info.ino}:${info.size}:${info.mtimeMs}`;
    }),
  );
  return parts.join('|');
}
