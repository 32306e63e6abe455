import Bottleneck from 'bottleneck';

/** What a vendor's response headers say about the budget left. */
export interface RateLimitInfo {
  limit?: number;
  remaining?: number;
  /** When the vendor's window resets. */
  resetAt?: Date;
}

/**
 * The one gate every request to a vendor tenant passes through, whatever process or job type
 * sends it. `acquire` waits for a slot; `pauseUntil` stops the whole tenant after a 429.
 */
export interface RateGate {
  acquire(signal?: AbortSignal): Promise<void>;
  pauseUntil(until: Date): Promise<void>;
  /** Feeds the vendor's own rate-limit headers back, so the budget tightens while they say so. */
  observe(info: RateLimitInfo): Promise<void>;
  /** Total milliseconds callers spent waiting for a slot (for metrics and benchmarks). */
  readonly waitedMs: number;
}

/** A budget: `requests` per `periodSeconds`, at most `maxConcurrent` in flight. */
export interface RateBudget {
  requests: number;
  periodSeconds: number;
  maxConcurrent?: number;
}

/**
 * How a Bottleneck limiter keeps a budget. Short windows (a minute or less: Okta, Falcon, ZIA)
 * are kept by spacing requests evenly at `utilisation` of the budget, so no fixed vendor window
 * can ever see more than its limit. Long windows (Kandji's 10,000 an hour) are a token bucket:
 * a burst of one minute's share, refilled so that no window of the period sees more than the
 * budget — a sync of a few hundred requests runs at once instead of one every 360 ms.
 * `reservoir` is the bucket's starting content: only a limiter that creates the shared state uses it.
 */
export function limiterSettings(budget: RateBudget, utilisation = 0.9): { minTime: number; reservoir: number | null; reservoirIncreaseAmount: number | null; reservoirIncreaseInterval: number | null; reservoirIncreaseMaximum: number | null } {
  const periodMs = budget.periodSeconds * 1000;
  if (budget.periodSeconds <= 60 || budget.requests < 4) {
    return { minTime: periodMs / (budget.requests * utilisation), reservoir: null, reservoirIncreaseAmount: null, reservoirIncreaseInterval: null, reservoirIncreaseMaximum: null };
  }
  const burst = Math.max(1, Math.floor((budget.requests * 60) / budget.periodSeconds));
  const refillEveryMs = periodMs / ((budget.requests - burst) * utilisation);
  return { minTime: 0, reservoir: burst, reservoirIncreaseAmount: 1, reservoirIncreaseInterval: Math.ceil(refillEveryMs), reservoirIncreaseMaximum: burst };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A gate for one process, on a Bottleneck reservoir refilled every period. Used by tests, the
 * demo and single-worker deployments; the clustered gate shares the same budget across processes.
 */
export class LocalRateGate implements RateGate {
  private readonly limiter: Bottleneck;
  private pausedUntilMs = 0;
  private waited = 0;

  constructor(budget: RateBudget) {
    this.limiter = new Bottleneck({ ...limiterSettings(budget, 1), maxConcurrent: budget.maxConcurrent ?? null });
  }

  get waitedMs(): number {
    return this.waited;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    const start = Date.now();
    const pause = this.pausedUntilMs - start;
    if (pause > 0) await sleep(pause, signal);
    await this.limiter.schedule(() => Promise.resolve());
    this.waited += Date.now() - start;
  }

  async pauseUntil(until: Date): Promise<void> {
    this.pausedUntilMs = Math.max(this.pausedUntilMs, until.getTime());
  }

  async observe(info: RateLimitInfo): Promise<void> {
    // With nothing left in the vendor's window, hold every request until it resets.
    if (info.remaining === 0 && info.resetAt) await this.pauseUntil(info.resetAt);
  }

  /** Releases timers so a process can exit. */
  async close(): Promise<void> {
    await this.limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
  }
}

export { sleep };
