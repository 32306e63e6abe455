/** Vendor requests of one integration in one hour, as the hourly usage table adds them up. */
export interface VendorUsageCounts {
  integrationId: string;
  hourStart: Date;
  requests: number;
  rateLimited: number;
  clientErrors: number;
  serverErrors: number;
  latencyMsTotal: number;
}

const HOUR_MS = 3_600_000;

/**
 * Vendor request counts held in memory between flushes: one write per integration per flush
 * instead of one per request. A process that dies loses at most one flush interval of counts.
 */
export class VendorUsageBuffer {
  private counts = new Map<string, VendorUsageCounts>();

  /** Counts one vendor response. */
  add(integrationId: string, status: number, latencyMs: number, at = new Date()): void {
    const hourStart = new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
    const key = `${integrationId}|${hourStart.getTime()}`;
    let c = this.counts.get(key);
    if (!c) this.counts.set(key, (c = { integrationId, hourStart, requests: 0, rateLimited: 0, clientErrors: 0, serverErrors: 0, latencyMsTotal: 0 }));
    c.requests++;
    c.latencyMsTotal += Math.max(0, Math.round(latencyMs));
    if (status === 429) c.rateLimited++;
    else if (status >= 500) c.serverErrors++;
    else if (status >= 400) c.clientErrors++;
  }

  /** Takes every count gathered so far and starts over. */
  drain(): VendorUsageCounts[] {
    const out = [...this.counts.values()];
    this.counts = new Map();
    return out;
  }

  /**
   * Flushes every `everyMs`; the returned stop function flushes one last time. Counts whose
   * write failed are put back, so a Postgres blip delays them instead of losing them.
   */
  startFlushing(write: (counts: VendorUsageCounts[]) => Promise<void>, everyMs: number, onError: (err: unknown) => void): () => Promise<void> {
    const flush = async (): Promise<void> => {
      const batch = this.drain();
      if (batch.length === 0) return;
      try {
        await write(batch);
      } catch (err) {
        for (const c of batch) this.putBack(c);
        onError(err);
      }
    };
    const timer = setInterval(() => void flush(), everyMs);
    timer.unref();
    return async () => {
      clearInterval(timer);
      await flush();
    };
  }

  private putBack(c: VendorUsageCounts): void {
    const key = `${c.integrationId}|${c.hourStart.getTime()}`;
    const now = this.counts.get(key);
    if (!now) {
      this.counts.set(key, c);
      return;
    }
    now.requests += c.requests;
    now.rateLimited += c.rateLimited;
    now.clientErrors += c.clientErrors;
    now.serverErrors += c.serverErrors;
    now.latencyMsTotal += c.latencyMsTotal;
  }
}
