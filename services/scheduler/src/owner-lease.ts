import { randomBytes } from 'node:crypto';
import type IORedis from 'ioredis';

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * A Redis lease naming the one replica that reconciles schedules. Whoever holds it renews it;
 * when the holder dies the key lapses after `ttlMs` and the next replica to ask takes it.
 */
export class OwnerLease {
  readonly owner = randomBytes(8).toString('hex');
  private held = false;

  constructor(
    private readonly redis: IORedis,
    private readonly key: string,
    private readonly ttlMs: number,
  ) {}

  get isHeld(): boolean {
    return this.held;
  }

  /** Takes the lease if it is free, or renews it if we hold it; false when another replica owns it. */
  async claim(): Promise<boolean> {
    if (this.held && Number(await this.redis.eval(RENEW, 1, this.key, this.owner, String(this.ttlMs))) === 1) return true;
    this.held = (await this.redis.set(this.key, this.owner, 'PX', this.ttlMs, 'NX')) === 'OK';
    return this.held;
  }

  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await this.redis.eval(RELEASE, 1, this.key, this.owner);
  }
}
