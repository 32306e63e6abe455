import type { Queue } from 'bullmq';
import { UnavailableError } from '@trustsync/core';
import {
  FINAL_PUSH_STATUSES, createPush, getDevice, planPushes, pushesByIds, pushTargetsOf, recordDeviceState, updateDeviceVerdict,
  type DeviceVerdict, type PushStateKind, type PushStatus,
} from '@trustsync/db';
import type { IntegrationType } from '@trustsync/model';
import { enqueuePush } from '@trustsync/queue';
import type { ApiContext } from '../api-context';
import { withDeadline } from '../http/deadline';

/** One integration's entry in a push answer. */
export interface PushResultEntry {
  integration_type: string;
  status: 'queued' | 'duplicate' | 'skipped' | PushStatus;
  reason?: string;
  push_id?: string;
  job_id?: string;
  /** With `?wait=true`: whether the vendor acknowledged the push (the original's `results[id]['success']`). */
  success?: boolean;
  error?: string | null;
}

/** The answer to a push request: the state version and one entry per integration. */
export interface PushRequestOutcome {
  device_id: string;
  kind: PushStateKind;
  state_version: number;
  state_changed: boolean;
  results: Record<string, PushResultEntry>;
}

/** The push-queue producer, or a 503 when this API runs without one. */
export function requirePushQueue(ctx: ApiContext): Queue {
  if (!ctx.pushQueue) throw new UnavailableError('the push queue is not configured on this API');
  return ctx.pushQueue;
}

function canReceive(ctx: ApiContext) {
  return (type: string, kind: PushStateKind): boolean => {
    const caps: readonly string[] = ctx.vendors[type as IntegrationType]?.manifest.capabilities ?? [];
    return caps.includes(kind === 'compliance' ? 'pushCompliance' : 'pushRiskScore');
  };
}

/**
 * Records the platform's state for a device and queues one push per willing, mapped integration.
 * The same state sent twice keeps its version, so its idempotency keys match and nothing is sent twice.
 */
export async function requestDevicePushes(ctx: ApiContext, deviceId: string, kind: PushStateKind, state: Record<string, unknown>, verdict: DeviceVerdict): Promise<PushRequestOutcome> {
  const queue = requirePushQueue(ctx);
  const ds = ctx.dataSource;
  await getDevice(ds, deviceId);
  const recorded = await recordDeviceState(ds, deviceId, kind, state);
  if (recorded.changed) await updateDeviceVerdict(ds, deviceId, verdict);
  const results: Record<string, PushResultEntry> = {};
  for (const decision of planPushes(kind, await pushTargetsOf(ds, deviceId), canReceive(ctx))) {
    const t = decision.target;
    if (!decision.send) {
      results[t.integrationId] = { integration_type: t.integrationType, status: 'skipped', reason: decision.reason };
      continue;
    }
    const { push, created } = await createPush(ds, { integrationId: t.integrationId, deviceId, externalId: decision.externalId, kind, stateVersion: recorded.version, payload: state, trigger: 'api' });
    // Enqueuing again is harmless (the job id is the row's) and recovers a row whose first enqueue was lost.
    const final = FINAL_PUSH_STATUSES.includes(push.status as PushStatus);
    const jobId = final ? undefined : await withDeadline(enqueuePush(queue, push.id), ctx.enqueueTimeoutMs, 'push queue');
    results[t.integrationId] = { integration_type: t.integrationType, status: created ? 'queued' : 'duplicate', push_id: push.id, ...(jobId ? { job_id: jobId } : {}) };
  }
  return { device_id: deviceId, kind, state_version: recorded.version, state_changed: recorded.changed, results };
}

/** Waits (bounded) until every queued push of an outcome is final, then fills in `success`. */
export async function awaitPushResults(ctx: ApiContext, outcome: PushRequestOutcome, waitMs: number): Promise<{ outcome: PushRequestOutcome; settled: boolean }> {
  const ids = Object.values(outcome.results).flatMap((r) => (r.push_id ? [r.push_id] : []));
  const deadline = Date.now() + waitMs;
  for (;;) {
    const rows = await pushesByIds(ctx.dataSource, ids);
    const settled = rows.every((r) => FINAL_PUSH_STATUSES.includes(r.status as PushStatus));
    if (settled || Date.now() >= deadline) {
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const entry of Object.values(outcome.results)) {
        const row = entry.push_id ? byId.get(entry.push_id) : undefined;
        entry.success = row?.status === 'succeeded';
        if (row) {
          entry.status = row.status as PushStatus;
          entry.error = row.error;
        }
      }
      return { outcome, settled };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
