import type { DataSource } from 'typeorm';
import type { Logger } from '@trustsync/core';
import { markEventsEnqueued } from '@trustsync/db';

/**
 * Notes enqueued events in batches: one UPDATE every `flushMs` for every delivery in between,
 * instead of one per delivery. A mark lost to a crash or an outage only means the outbox sweeper
 * later finds the event's job already queued and marks it then.
 */
export class EnqueuedMarks {
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ds: DataSource,
    private readonly logger: Logger,
    private readonly flushMs = 20,
    private readonly maxBatch = 1000,
  ) {}

  /** Queues marks for these events. */
  add(eventIds: string[]): void {
    this.pending.push(...eventIds);
    if (this.pending.length >= this.maxBatch) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.flushMs);
  }

  /** Writes every queued mark now. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const ids = this.pending;
    this.pending = [];
    if (ids.length === 0) return;
    await markEventsEnqueued(this.ds, ids).catch((err) => this.logger.warn('enqueued webhook events not marked; the outbox sweeper will mark them', { events: ids.length, err }));
  }
}
