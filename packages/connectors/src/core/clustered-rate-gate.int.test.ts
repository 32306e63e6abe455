import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import type Bottleneck from 'bottleneck';
import { ClusteredRateGate, createBottleneckConnection } from './clustered-rate-gate';

const REDIS_URL = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Two "processes": each its own clients and Bottleneck connection, as two replicas would have. */
function replica(): { redis: IORedis; connection: Bottleneck.IORedisConnection; close(): Promise<void> } {
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
  const connection = createBottleneckConnection(redis);
  return { redis, connection, close: async () => { await connection.disconnect(false); redis.disconnect(); } };
}

/** The most timestamps that fall inside any window of `windowMs`. */
function peakInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i] - sorted[j] >= windowMs) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}

describe('ClusteredRateGate (real Redis)', () => {
  const prefix = `tstest-gate-${randomBytes(4).toString('hex')}`;
  const a = replica();
  const b = replica();
  const gates: ClusteredRateGate[] = [];
  const gate = (r: ReturnType<typeof replica>, tenantKey: string, requests = 10, periodSeconds = 1): ClusteredRateGate => {
    const g = new ClusteredRateGate({ connection: r.connection, redis: r.redis, prefix, tenantKey, budget: { requests, periodSeconds } });
    gates.push(g);
    return g;
  };

  afterAll(async () => {
    await Promise.all(gates.map((g) => g.close()));
    const keys = await a.redis.keys(`*${prefix}*`);
    if (keys.length > 0) await a.redis.del(...keys);
    await a.close();
    await b.close();
  });

  it('keeps two processes sharing a tenant within one budget', async () => {
    const one = gate(a, 'kandji:shared');
    const two = gate(b, 'kandji:shared');
    const times: number[] = [];
    const started = Date.now();
    await Promise.all(Array.from({ length: 24 }, (_, i) => (i % 2 ? one : two).acquire().then(() => times.push(Date.now()))));
    expect(peakInWindow(times, 1000)).toBeLessThanOrEqual(10);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
  });

  it('gives separate tenants separate budgets', async () => {
    const one = gate(a, 'okta:tenant-a', 5);
    const two = gate(b, 'okta:tenant-b', 5);
    const started = Date.now();
    await Promise.all([...Array.from({ length: 5 }, () => one.acquire()), ...Array.from({ length: 5 }, () => two.acquire())]);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('holds every process of a tenant after one of them saw a 429', async () => {
    const one = gate(a, 'falcon:paused', 100);
    const two = gate(b, 'falcon:paused', 100);
    await one.pauseUntil(new Date(Date.now() + 800));
    const started = Date.now();
    await two.acquire();
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
  });

  it('pauses until the reset when the vendor headers say the budget is spent', async () => {
    const one = gate(a, 'okta:headers', 100);
    const two = gate(b, 'okta:headers', 100);
    await one.observe({ limit: 100, remaining: 1, resetAt: new Date(Date.now() + 700) });
    const started = Date.now();
    await two.acquire();
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
  });

  it('rebuilds the limiter when its Redis keys vanish, instead of rejecting every request', async () => {
    const one = gate(a, 'kandji:evicted', 1000);
    await one.acquire();
    const keys = await a.redis.keys(`b_${prefix}:kandji:evicted*`);
    expect(keys.length).toBeGreaterThan(0);
    await a.redis.del(...keys);
    await one.acquire();
    await one.acquire();
    expect(one.rebuildCount).toBe(1);
  });
});
