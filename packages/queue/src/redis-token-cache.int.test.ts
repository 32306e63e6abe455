import IORedis from 'ioredis';
import { TEST_REDIS_URL, testQueuePrefix } from '@trustsync/testing';
import { RedisTokenCache } from './redis-token-cache';

const prefix = testQueuePrefix('tokcache');
const connections: IORedis[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One "worker": its own Redis connection and its own cache instance, as a separate process would have. */
function worker(lockTtlMs?: number): RedisTokenCache {
  const redis = new IORedis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  connections.push(redis);
  return new RedisTokenCache(redis, prefix, lockTtlMs);
}

/**
 * How connectors read a token (Okta, Falcon, Zscaler clients): the cached value, else under the lock
 * look again and fetch only if it is still missing.
 */
async function bearer(cache: RedisTokenCache, key: string, fetchToken: () => Promise<string>): Promise<string> {
  const cached = await cache.get(key);
  if (cached) return cached;
  return cache.withLock(key, async () => {
    const again = await cache.get(key);
    if (again) return again;
    const token = await fetchToken();
    await cache.set(key, token, 60_000);
    return token;
  });
}

afterAll(async () => {
  const keys = await connections[0].keys(`${prefix}:*`);
  if (keys.length) await connections[0].del(...keys);
  connections.forEach((c) => c.disconnect());
});

describe('RedisTokenCache shared by two workers (real Redis)', () => {
  it('gives the token one worker stored to the other worker', async () => {
    const [a, b] = [worker(), worker()];
    await a.set('okta:token:INT-1', 'token-from-a', 60_000);
    expect(await b.get('okta:token:INT-1')).toBe('token-from-a');
  });

  it('forgets a token for both workers when one deletes it', async () => {
    const [a, b] = [worker(), worker()];
    await a.set('okta:token:INT-2', 'token-from-a', 60_000);
    await b.delete('okta:token:INT-2');
    expect(await a.get('okta:token:INT-2')).toBeUndefined();
  });

  it('lets a token expire after its ttl', async () => {
    const a = worker();
    await a.set('okta:token:INT-3', 'short-lived', 150);
    await sleep(300);
    expect(await a.get('okta:token:INT-3')).toBeUndefined();
  });

  it('fetches once when both workers ask for a missing token at the same moment, and both use that token', async () => {
    const [a, b] = [worker(), worker()];
    let fetches = 0;
    const fetchToken = async (): Promise<string> => {
      fetches++;
      await sleep(200);
      return `token-${fetches}`;
    };
    const tokens = await Promise.all([bearer(a, 'crowdstrike:token:INT-4', fetchToken), bearer(b, 'crowdstrike:token:INT-4', fetchToken)]);
    expect({ fetches, tokens, stored: await a.get('crowdstrike:token:INT-4') }).toEqual({ fetches: 1, tokens: ['token-1', 'token-1'], stored: 'token-1' });
  });

  it('never runs the two workers\' locked sections at the same time', async () => {
    const [a, b] = [worker(), worker()];
    const log: string[] = [];
    const section = (name: string) => async () => {
      log.push(`${name} in`);
      await sleep(150);
      log.push(`${name} out`);
    };
    await Promise.all([a.withLock('zscaler:INT-5:zia-write', section('a')), b.withLock('zscaler:INT-5:zia-write', section('b'))]);
    expect([log[0].slice(2), log[1].slice(2), log[2].slice(2), log[3].slice(2), log[0][0] === log[1][0]]).toEqual(['in', 'out', 'in', 'out', true]);
  });

  it('releases the lock when the section throws, so the other worker goes in at once', async () => {
    const [a, b] = [worker(10_000), worker(10_000)];
    await expect(a.withLock('okta:token:INT-6', async () => Promise.reject(new Error('token endpoint down')))).rejects.toThrow('token endpoint down');
    const started = Date.now();
    await b.withLock('okta:token:INT-6', async () => undefined);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('lets the other worker in once a stuck holder\'s lease runs out, and the stuck holder\'s late release does not free the new holder\'s lease', async () => {
    const stuck = worker(300);
    const [b, c] = [worker(10_000), worker(10_000)];
    const t0 = Date.now();
    const at: Record<string, number> = {};
    const stuckRun = stuck.withLock('okta:token:INT-7', async () => {
      await sleep(1000);
      at.stuckOut = Date.now() - t0;
    });
    await sleep(50);
    const bRun = b.withLock('okta:token:INT-7', async () => {
      at.bIn = Date.now() - t0;
      await sleep(900);
      at.bOut = Date.now() - t0;
    });
    // c starts after the stuck holder has finished and released: if that release freed b's lease, c would go in at once.
    await stuckRun;
    await c.withLock('okta:token:INT-7', async () => {
      at.cIn = Date.now() - t0;
    });
    await bRun;
    expect({ bInAfterLease: at.bIn >= 250, bInBeforeStuckOut: at.bIn < at.stuckOut, cInAfterB: at.cIn >= at.bOut }).toEqual({ bInAfterLease: true, bInBeforeStuckOut: true, cInAfterB: true });
  });
});
