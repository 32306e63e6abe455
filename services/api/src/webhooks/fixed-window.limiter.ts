/** Outcome of taking one unit from a limiter. */
export type LimitVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * Counts requests per key in fixed windows, in this process only. Every key is forgotten when a
 * window ends, so memory is bounded by what one window can bring, whatever keys callers invent.
 */
export class FixedWindowLimiter {
  private windowStartMs = 0;
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Takes one unit for `key`; refused once `limit` units were taken in the current window. */
  take(key: string): LimitVerdict {
    const now = this.nowMs();
    const start = now - (now % this.windowMs);
    if (start !== this.windowStartMs) {
      this.windowStartMs = start;
      this.counts.clear();
    }
    const used = this.counts.get(key) ?? 0;
    if (used >= this.limit) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((start + this.windowMs - now) / 1000)) };
    this.counts.set(key, used + 1);
    return { ok: true };
  }
}
