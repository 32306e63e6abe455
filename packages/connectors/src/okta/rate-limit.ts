import type { AxiosResponse } from 'axios';
import { headerValue, sleep, type RateLimitInfo } from '../core';

/** Okta's `X-Rate-Limit-*` headers read against the response's own `Date`, so clock skew does not matter. */
export interface OktaRateLimit extends RateLimitInfo {
  /** A 429 from the concurrency limit (`limit` and `remaining` both 0): its reset is only a suggestion. */
  concurrency: boolean;
  /** For a 429: how long to wait. */
  retryAfterMs?: number;
}

// Duplicate headers arrive joined ("a, b"); the largest value is the safe reading.
function largestNumber(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const nums = value.split(',').map((v) => Number(v.trim())).filter((n) => Number.isFinite(n));
  return nums.length ? Math.max(...nums) : undefined;
}

/** Reads Okta's rate-limit headers; `jitterMs` picks the short wait of a concurrency 429. */
export function readOktaRateLimit(res: Pick<AxiosResponse, 'headers' | 'status'>, now = Date.now(), jitterMs = () => 1000 + Math.random() * 4000): OktaRateLimit {
  const limit = largestNumber(headerValue(res.headers, 'x-rate-limit-limit'));
  const remaining = largestNumber(headerValue(res.headers, 'x-rate-limit-remaining'));
  const resetEpoch = largestNumber(headerValue(res.headers, 'x-rate-limit-reset'));
  const dateMs = Date.parse(headerValue(res.headers, 'date') ?? '');
  const concurrency = limit === 0 && remaining === 0;
  let resetAt: Date | undefined;
  if (resetEpoch !== undefined && !concurrency) {
    // Okta's SDK waits reset − Date + 1 s: both come from Okta's clock.
    const waitMs = Number.isNaN(dateMs) ? resetEpoch * 1000 - now : resetEpoch * 1000 - dateMs + 1000;
    resetAt = new Date(now + Math.max(0, waitMs));
  }
  const info: OktaRateLimit = { limit, remaining, resetAt, concurrency };
  if (res.status === 429) info.retryAfterMs = concurrency ? jitterMs() : resetAt ? Math.max(1000, resetAt.getTime() - now) : undefined;
  return info;
}

/** Okta counts limits per endpoint family; this names the family of a request path. */
export function endpointFamily(url: string): string {
  const path = url.replace(/^https?:\/\/[^/]+/, '').replace(/^.*?(\/api\/v1\/|\/oauth2\/|\/security\/)/, '$1');
  const m = /^\/api\/v1\/([a-zA-Z-]+)(\/[^/?]+)?(\/[a-zA-Z]+)?/.exec(path);
  if (!m) return path.startsWith('/oauth2/') ? 'oauth2' : 'other';
  return m[3] && !m[3].startsWith('/lifecycle') ? `${m[1]}/:id${m[3]}` : m[1];
}

/**
 * Per-family slow-down: when a family's bucket falls below the ratio, later requests of that
 * family wait for its reset while other families keep going.
 */
export class OktaBuckets {
  private readonly pausedUntil = new Map<string, number>();

  constructor(private readonly slowDownBelowRatio: number) {}

  observe(family: string, info: OktaRateLimit): void {
    if (info.concurrency || info.limit === undefined || info.remaining === undefined || !info.resetAt || info.limit <= 0) return;
    if (info.remaining / info.limit < this.slowDownBelowRatio) this.pausedUntil.set(family, info.resetAt.getTime());
  }

  async wait(family: string, signal?: AbortSignal): Promise<void> {
    const until = this.pausedUntil.get(family);
    if (until === undefined) return;
    const ms = until - Date.now();
    if (ms <= 0) this.pausedUntil.delete(family);
    else await sleep(ms, signal);
  }
}
