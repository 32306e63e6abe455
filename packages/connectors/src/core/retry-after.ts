/**
 * Parses a rate-limit wait into milliseconds from `now`. Vendors send it in many forms:
 * `"1"`, `"13s"`, `"0 seconds"` (Zscaler), an HTTP date, or an epoch time in seconds or
 * milliseconds (Falcon's `X-RateLimit-RetryAfter`, Okta's `X-Rate-Limit-Reset`).
 * Returns undefined when the value says nothing usable. Never returns less than `minMs`,
 * so a `"0 seconds"` answer cannot turn into a zero-delay spin.
 */
export function parseRetryAfter(value: string | number | undefined | null, now = Date.now(), minMs = 1000): number | undefined {
  if (value === undefined || value === null) return undefined;
  const raw = String(value).trim();
  if (raw === '') return undefined;
  const seconds = /^(\d+(?:\.\d+)?)\s*(s|sec|secs|second|seconds)?$/i.exec(raw);
  if (seconds) {
    const n = Number(seconds[1]);
    // Epoch values: seconds since 1970 are > 1e9, milliseconds > 1e12.
    if (n > 1e12) return Math.max(minMs, n - now);
    if (n > 1e9) return Math.max(minMs, n * 1000 - now);
    return Math.max(minMs, Math.round(n * 1000));
  }
  const ms = /^(\d+)\s*ms$/i.exec(raw);
  if (ms) return Math.max(minMs, Number(ms[1]));
  const minutes = /^(\d+)\s*(m|min|mins|minute|minutes)$/i.exec(raw);
  if (minutes) return Math.max(minMs, Number(minutes[1]) * 60_000);
  const date = Date.parse(raw);
  if (!Number.isNaN(date)) return Math.max(minMs, date - now);
  return undefined;
}

/** Reads a header case-insensitively from axios-style or fetch-style headers; joined values come back as one string. */
export function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  const h = headers as { get?: (n: string) => unknown } & Record<string, unknown>;
  const viaGet = typeof h.get === 'function' ? h.get(name) : undefined;
  if (viaGet !== undefined && viaGet !== null) return Array.isArray(viaGet) ? viaGet.join(', ') : String(viaGet);
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(h)) {
    if (k.toLowerCase() === lower && v !== undefined && v !== null) return Array.isArray(v) ? v.join(', ') : String(v);
  }
  return undefined;
}
