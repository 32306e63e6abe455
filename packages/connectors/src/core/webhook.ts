import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EntityType, Severity } from '@trustsync/model';

/** A webhook delivery as the ingress received it: the raw body is what signatures cover. */
export interface WebhookDelivery {
  method: string;
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  rawBody: Buffer;
}

/** Outcome of checking a delivery's authenticity. */
export type WebhookVerdict = { ok: true } | { ok: false; reason: string };

/** One vendor event parsed from a delivery, before it is stored. */
export interface ParsedWebhookEvent {
  /** The vendor's event id; null when the vendor sends none (the payload hash is used then). */
  externalEventId: string | null;
  eventType: string;
  category: 'device' | 'user' | 'detection' | 'compliance' | 'dlp' | 'containment' | 'policy' | 'auth' | 'other';
  sourceEntityType: EntityType | null;
  sourceEntityId: string | null;
  severity: Severity | null;
  eventTime: string | null;
  payload: unknown;
}

/** A vendor's webhook scheme: pure functions, no I/O. */
export interface WebhookScheme {
  /** Checks a delivery against the integration's secret and settings, at time `now`. */
  verify(delivery: WebhookDelivery, secret: string, settings: Record<string, unknown>, now: Date): WebhookVerdict;
  /** Answers a vendor's one-time verification request (Okta's GET challenge), if this is one. */
  challenge?(delivery: WebhookDelivery, secret: string, settings: Record<string, unknown>): { status: number; body: unknown } | undefined;
  /** Splits a verified body into events; throws on a body this vendor never sends. */
  parse(body: unknown): ParsedWebhookEvent[];
}

/** Constant-time comparison of two strings (false when lengths differ). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** HMAC of `data` with `secret`, in hex or base64. */
export function hmac(algorithm: 'sha256' | 'sha1' | 'sha512', secret: string, data: Buffer | string, encoding: 'hex' | 'base64' = 'hex'): string {
  return createHmac(algorithm, secret).update(data).digest(encoding);
}
