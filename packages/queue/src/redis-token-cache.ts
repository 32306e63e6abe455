import { randomBytes } from 'node:crypto';
import type IORedis from 'ioredis';
import type { TokenCache } from '@trustsync/connectors';

const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Tokens and sessions shared by every process of a deployment, in Redis under `prefix`.
 * `withLock` is a short SET NX lease, so ten workers that find an expired token log in once:
 * the first refreshes, the others wait, then read what it stored.
 */
export class RedisTokenCache implements TokenCache {
  constructor(
    private readonly redis: IORedis,
    private readonly prefix: string,
    private readonly lockTtlMs = 15_000,
  ) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(`${this.prefix}:tok:${key}`)) ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(`${this.prefix}:tok:${key}`, value, 'PX', Math.max(1, Math.floor(ttlMs)));
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(`${this.prefix}:tok:${key}`);
  }

  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const lockKey = `${this.prefix}:lock:${key}`;
    const owner = randomBytes(8).toString('hex');
    const deadline = Date.now() + this.lockTtlMs * 2;
    while ((await this.redis.set(lockKey, owner, 'PX', this.lockTtlMs, 'NX')) !== 'OK') {
      if (Date.now() > deadline) throw new Error(`lock ${key} not released in time`);
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    }
    try {
      return await fn();
    } finally {
      await this.redis.eval(RELEASE_SCRIPT, 1, lockKey, owner).catch(() => undefined);
    }
  }
}
