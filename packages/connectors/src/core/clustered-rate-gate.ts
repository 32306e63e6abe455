import Bottleneck from 'bottleneck';
import IORedis from 'ioredis';
import type { Logger } from '@trustsync/core';
import { limiterSettings, sleep, type RateBudget, type RateGate, type RateLimitInfo } from './rate-gate';

/** Options of one tenant's clustered gate. */
export interface ClusteredRateGateOptions {
  /** The process's shared Bottleneck connection (one per process, see `createBottleneckConnection`). */
  connection: Bottleneck.IORedisConnection;
  /** The plain client used for the pause key. */
  redis: IORedis;
  /** Deployment prefix (the BullMQ prefix), so test runs and deployments never share budgets. */
  prefix: string;
  /** Names the vendor tenant; every gate built with the same key shares one budget. */
  tenantKey: string;
  budget: RateBudget;
  /**
   * Share of the vendor's budget we plan to use. Requests are spaced evenly at
   * `period / (requests × utilisation)`, so clock jitter and network latency never push a
   * fixed vendor window over its limit.
   */
  utilisation?: number;
  /** Requests kept back when the vendor's headers report its remaining budget (others may be in flight). */
  reserveRequests?: number;
  logger?: Logger;
}

/** Bottleneck 2.19.5 compares Lua errors to bare strings; Redis 7 prefixes them with `ERR `, so it never heals itself. */
const LOST_STATE = /SETTINGS_KEY_NOT_FOUND|UNKNOWN_CLIENT/;

// Only ever moves the pause later, so two processes seeing different 429s keep the longer wait.
const EXTEND_PAUSE = `local cur = tonumber(redis.call('get', KEYS[1]) or '0')
if tonumber(ARGV[1]) > cur then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;

// With a shared connection Bottleneck's disconnect only unsubscribes, and may return nothing.
async function leave(limiter: Bottleneck): Promise<void> {
  try {
    await limiter.disconnect(false);
  } catch {
    // already gone with its connection
  }
}

/** One Bottleneck connection per process, over the given client (Bottleneck duplicates it for pub/sub). */
export function createBottleneckConnection(redis: IORedis): Bottleneck.IORedisConnection {
  const connection = new Bottleneck.IORedisConnection({ client: redis, Redis: IORedis } as Bottleneck.IORedisConnectionOptions);
  connection.on('error', () => undefined);
  return connection;
}

/** True when an error is Bottleneck's lost-state failure (its Redis keys or client registration vanished). */
export function isLostLimiterState(err: unknown): boolean {
  return err instanceof Error && LOST_STATE.test(err.message);
}

/**
 * The rate gate of one vendor tenant, shared by every process and job type: a Bottleneck limiter
 * clustered in Redis spaces requests across all replicas, a Redis pause key set by a 429 (or by
 * the vendor's headers running low) holds the whole tenant until the vendor resets, and a limiter
 * whose Redis state vanished (restart without persistence, eviction, a client timed out) is
 * rebuilt instead of rejecting every later request.
 */
export class ClusteredRateGate implements RateGate {
  private limiter: Bottleneck;
  private stale = false;
  private waited = 0;
  private rebuilds = 0;
  private readonly pauseKey: string;
  private readonly minTimeMs: number;
  private readonly settings: ReturnType<typeof limiterSettings>;

  constructor(private readonly opts: ClusteredRateGateOptions) {
    const utilisation = opts.utilisation ?? 0.9;
    this.settings = limiterSettings(opts.budget, utilisation);
    // The pace the vendor's own headers are compared with (observe()).
    this.minTimeMs = (opts.budget.periodSeconds * 1000) / (opts.budget.requests * utilisation);
    this.pauseKey = `${opts.prefix}:gate:${opts.tenantKey}:pause`;
    this.limiter = this.build();
  }

  get waitedMs(): number {
    return this.waited;
  }

  /** How often the limiter was rebuilt after losing its Redis state (metrics, tests). */
  get rebuildCount(): number {
    return this.rebuilds;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    const start = Date.now();
    for (;;) {
      await this.waitWhilePaused(signal);
      await this.schedule();
      // A 429 seen by another process while this request queued holds it too.
      if ((await this.pausedUntilMs()) <= Date.now()) break;
    }
    this.waited += Date.now() - start;
  }

  async pauseUntil(until: Date): Promise<void> {
    const untilMs = until.getTime();
    const ttlMs = Math.ceil(untilMs - Date.now());
    if (ttlMs <= 0) return;
    await this.opts.redis.eval(EXTEND_PAUSE, 1, this.pauseKey, String(untilMs), String(ttlMs));
  }

  async observe(info: RateLimitInfo): Promise<void> {
    if (info.remaining === undefined || !info.resetAt) return;
    const leftMs = info.resetAt.getTime() - Date.now();
    if (leftMs <= 0) return;
    const reserve = this.opts.reserveRequests ?? 2;
    if (info.remaining <= reserve) {
      await this.pauseUntil(info.resetAt);
      return;
    }
    // Spread what the vendor says is left over what is left of its window, when that is slower than our own pace.
    const spacingMs = leftMs / (info.remaining - reserve);
    if (spacingMs > this.minTimeMs) await this.pauseUntil(new Date(Date.now() + spacingMs));
  }

  /** Leaves the cluster (the shared connection stays open for the other gates). */
  async close(): Promise<void> {
    await leave(this.limiter);
  }

  private build(): Bottleneck {
    const limiter = new Bottleneck({
      id: `${this.opts.prefix}:${this.opts.tenantKey}`,
      datastore: 'ioredis',
      connection: this.opts.connection,
      ...this.settings,
      maxConcurrent: null,
      clearDatastore: false,
    });
    // Bottleneck keeps the settings of whichever limiter reached Redis first; the newest budget wins
    // instead — all but the bucket's current content, which a joining process must not refill.
    // (typed as returning the limiter, it returns a promise)
    const { reservoir: _current, ...pace } = this.settings;
    Promise.resolve(limiter.updateSettings(pace)).catch(() => undefined);
    limiter.on('error', (err: unknown) => {
      // The heartbeat reports lost state here; the next acquire rebuilds.
      if (isLostLimiterState(err)) this.stale = true;
    });
    return limiter;
  }

  private rebuild(reason: unknown, failed: Bottleneck = this.limiter): void {
    // Requests queued on the same broken limiter all fail together; one rebuild serves them all.
    if (failed !== this.limiter) return;
    const old = this.limiter;
    this.limiter = this.build();
    this.stale = false;
    this.rebuilds++;
    void leave(old);
    this.opts.logger?.warn('rate limiter state lost in Redis: limiter rebuilt', { tenant: this.opts.tenantKey, reason: reason instanceof Error ? reason.message : String(reason) });
  }

  private async schedule(): Promise<void> {
    if (this.stale) this.rebuild('heartbeat reported lost state');
    const limiter = this.limiter;
    try {
      await limiter.schedule(() => Promise.resolve());
    } catch (err) {
      if (!isLostLimiterState(err)) throw err;
      this.rebuild(err, limiter);
      await this.limiter.schedule(() => Promise.resolve());
    }
  }

  private async pausedUntilMs(): Promise<number> {
    return Number((await this.opts.redis.get(this.pauseKey)) ?? 0);
  }

  private async waitWhilePaused(signal?: AbortSignal): Promise<void> {
    for (let left = (await this.pausedUntilMs()) - Date.now(); left > 0; left = (await this.pausedUntilMs()) - Date.now()) {
      await sleep(left, signal);
    }
  }
}
