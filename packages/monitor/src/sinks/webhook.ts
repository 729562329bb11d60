import { createHmac } from 'node:crypto';
import { HaError, ParseError } from '@ha/core';
import type { AlertEvent } from '../model.js';
import type { Sink } from './sink.js';

/** Options of `createWebhookSink`. */
export interface WebhookSinkOptions {
  /** Where to POST (`http://` or `https://`). */
  url: string;
  /** Signs each request: `X-Ha-Monitor-Signature: sha256=HMAC(secret, TIMESTAMP + "." + BODY)`. */
  secret?: string;
  /** More request headers (`Authorization` …). */
  headers?: Record<string, string>;
  /** A request that takes longer fails (and is retried), ms (default 10 s). */
  timeoutMs?: number;
  /** The sink's name (default `webhook`): name each of several webhooks (`webhook.ops`). */
  name?: string;
}

/** The signature a receiver recomputes to trust a request (see `WebhookSinkOptions.secret`). */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Checks a URL is http(s) and returns it parsed. */
export function httpUrl(text: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ParseError('INVALID_URL', `${what}: '${text}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ParseError('INVALID_URL', `${what}: '${text}' is not http or https`);
  return url;
}

/** POSTs one JSON request of `body` and throws unless the answer is 2xx. */
export async function postJson(
  url: URL,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'user-agent': 'ha-monitor', ...headers },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new HaError(
      'SOCKET_ERROR',
      `POST ${url.href}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
      { cause: error },
    );
  }
  const text = await response.text().catch(() => '');
  if (!response.ok)
    throw new HaError(
      'REJECTED',
      `POST ${url.href}: ${response.status} ${response.statusText}${text ? `: ${text.slice(0, 200)}` : ''}`,
    );
}

/** Each event as a JSON POST (`{"version":1,"event":{…}}`), optionally signed with HMAC-SHA256. */
export function createWebhookSink(options: WebhookSinkOptions): Sink {
  const url = httpUrl(options.url, 'webhook');
  return {
    name: options.name ?? 'webhook',
    async send(event: AlertEvent) {
      const body = JSON.stringify({ version: 1, event });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature: Record<string, string> = options.secret
        ? {
            'x-ha-monitor-timestamp': timestamp,
            'x-ha-monitor-signature': webhookSignature(options.secret, timestamp, body),
          }
        : {};
      await postJson(url, body, { ...options.headers, ...signature }, options.timeoutMs ?? 10_000);
    },
  };
}
