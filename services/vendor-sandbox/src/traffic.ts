import type { NextFunction, Request, Response } from 'express';

/** A fixed-window request budget the sandbox enforces, like a vendor tenant does. */
export interface WindowLimit {
  requests: number;
  windowMs: number;
}

/** Faults a test can arm on one vendor. */
export interface FaultPlan {
  /** The next N requests answer 429. */
  rateLimitStorm?: number;
  /** The Retry-After value those 429s carry (vendor formats: "1", "13s", "0 seconds", …). */
  retryAfter?: string;
  /** The next N requests answer this status (5xx to test backoff). */
  failNext?: { count: number; status: number };
  /** Added latency for every request, in ms. */
  latencyMs?: number;
}

/** What one vendor's sandbox has seen: the numbers tests and benchmarks assert on. */
export interface TrafficStats {
  requests: number;
  byPath: Record<string, number>;
  /** Requests the window limit answered with 429. */
  rateLimited: number;
  /** Requests that arrived while the window was already full: the client went over budget. */
  overLimit: number;
  /** 429s that faults injected. */
  injected429: number;
  unauthorized: number;
  /** Peak requests seen in any one window. */
  peakWindow: number;
}

/**
 * Counts and shapes the traffic of one vendor: the rate window, armed faults, per-path counts.
 * `send429` is the vendor's own way of saying "too many requests" (headers and body differ).
 */
export class Traffic {
  stats: TrafficStats = Traffic.empty();
  limit: WindowLimit | undefined;
  faults: FaultPlan = {};
  private windowStart = 0;
  private windowCount = 0;

  constructor(private readonly send429: (res: Response, retryAfterMs: number, retryAfterRaw?: string) => void) {}

  static empty(): TrafficStats {
    return { requests: 0, byPath: {}, rateLimited: 0, overLimit: 0, injected429: 0, unauthorized: 0, peakWindow: 0 };
  }

  reset(): void {
    this.stats = Traffic.empty();
    this.faults = {};
    this.windowStart = 0;
    this.windowCount = 0;
  }

  /** Milliseconds left in the current window (for reset headers). */
  windowLeftMs(now = Date.now()): number {
    return this.limit ? Math.max(0, this.windowStart + this.limit.windowMs - now) : 0;
  }

  /** Requests left in the current window. */
  remaining(): number {
    return this.limit ? Math.max(0, this.limit.requests - this.windowCount) : Number.MAX_SAFE_INTEGER;
  }

  middleware() {
    return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      const s = this.stats;
      s.requests++;
      const key = `${req.method} ${req.baseUrl}${req.route?.path ?? req.path}`.replace(/\/[0-9a-f-]{16,}(?=\/|$)/gi, '/:id');
      s.byPath[key] = (s.byPath[key] ?? 0) + 1;
      if (this.faults.latencyMs) await new Promise((r) => setTimeout(r, this.faults.latencyMs));
      if (this.faults.rateLimitStorm && this.faults.rateLimitStorm > 0) {
        this.faults.rateLimitStorm--;
        s.injected429++;
        this.send429(res, 1000, this.faults.retryAfter ?? '1');
        return;
      }
      if (this.faults.failNext && this.faults.failNext.count > 0) {
        this.faults.failNext.count--;
        res.status(this.faults.failNext.status).json({ error: 'sandbox injected failure' });
        return;
      }
      if (this.limit) {
        const now = Date.now();
        if (now - this.windowStart >= this.limit.windowMs) {
          this.windowStart = now;
          this.windowCount = 0;
        }
        if (this.windowCount >= this.limit.requests) {
          s.overLimit++;
          s.rateLimited++;
          this.send429(res, this.windowLeftMs(now));
          return;
        }
        this.windowCount++;
        s.peakWindow = Math.max(s.peakWindow, this.windowCount);
      }
      next();
    };
  }
}
