import type { TokenCache } from './connector';

/** A process-local TokenCache for tests and single-process use. */
export class MemoryTokenCache implements TokenCache {
  private readonly values = new Map<string, { value: string; expires: number }>();
  private readonly locks = new Map<string, Promise<unknown>>();

  async get(key: string): Promise<string | undefined> {
    const v = this.values.get(key);
    if (!v) return undefined;
    if (v.expires <= Date.now()) {
      this.values.delete(key);
      return undefined;
    }
    return v.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.values.set(key, { value, expires: Date.now() + ttlMs });
  }

  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }

  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    this.locks.set(key, next);
    try {
      return await next;
    } finally {
      if (this.locks.get(key) === next) this.locks.delete(key);
    }
  }
}
