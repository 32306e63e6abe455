import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { listSyncableIntegrations } from '@trustsync/db';
import { SCHEDULE_TICK_JOB } from '@trustsync/queue';
import { planSchedules, type PlannedSchedule } from './schedule-plan';

/** What one reconciliation changed. */
export interface ReconcileOutcome {
  upserted: string[];
  removed: string[];
  kept: number;
}

// Only ids of this shape are ours; anything else on the queue is left alone.
const OWNED_ID = /^sync:INT-[0-9A-Z]{12}:(incremental|full)$/;

function sameSchedule(existing: { every?: number | null; offset?: number | null; template?: { data?: unknown } }, planned: PlannedSchedule): boolean {
  return Number(existing.every) === planned.everyMs && Number(existing.offset ?? 0) === planned.offsetMs && JSON.stringify(existing.template?.data ?? null) === JSON.stringify(planned.data);
}

/**
 * Makes the job schedulers in Redis match Postgres: one per cadence of every syncable
 * integration, upserted only when missing or changed (an unchanged upsert would be a no-op
 * anyway, but skipping it keeps the owner cheap), and removed when the integration is gone,
 * disabled or stopped syncing. Safe to run again at any time; only the lease owner runs it.
 */
export async function reconcileSchedules(ds: DataSource, queue: Queue, defaultFullMinutes: number): Promise<ReconcileOutcome> {
  const planned = new Map<string, PlannedSchedule>();
  for (const integration of await listSyncableIntegrations(ds)) {
    for (const p of planSchedules(integration, defaultFullMinutes)) planned.set(p.id, p);
  }
  const existing = await queue.getJobSchedulers(0, -1, true);
  const outcome: ReconcileOutcome = { upserted: [], removed: [], kept: 0 };
  const seen = new Set<string>();
  for (const s of existing) {
    if (!OWNED_ID.test(s.key)) continue;
    seen.add(s.key);
    const want = planned.get(s.key);
    if (!want) {
      await queue.removeJobScheduler(s.key);
      outcome.removed.push(s.key);
    } else if (!sameSchedule(s, want)) {
      await upsert(queue, want);
      outcome.upserted.push(s.key);
    } else {
      outcome.kept++;
    }
  }
  for (const p of planned.values()) {
    if (seen.has(p.id)) continue;
    await upsert(queue, p);
    outcome.upserted.push(p.id);
  }
  return outcome;
}

async function upsert(queue: Queue, p: PlannedSchedule): Promise<void> {
  await queue.upsertJobScheduler(p.id, { every: p.everyMs, offset: p.offsetMs }, { name: SCHEDULE_TICK_JOB, data: p.data });
}
