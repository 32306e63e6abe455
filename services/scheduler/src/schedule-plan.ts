import { createHash } from 'node:crypto';
import type { IntegrationEntity } from '@trustsync/db';
import { scheduleIdOf, type ScheduleTickData } from '@trustsync/queue';

/** One job scheduler the scheduler wants in Redis. */
export interface PlannedSchedule {
  id: string;
  everyMs: number;
  /** Stable per integration, so integrations do not all fire at the same instant. */
  offsetMs: number;
  data: ScheduleTickData;
}

/**
 * Vendors whose lists take a change filter (Okta `lastUpdated`, Falcon `modified_timestamp`);
 * the others read everything on every sync, so an incremental tick would only be a full sync.
 * `settings.incremental_sync` on an integration overrides this either way.
 */
const INCREMENTAL_BY_DEFAULT: ReadonlySet<string> = new Set(['okta', 'crowdstrike']);

const MINUTE_MS = 60_000;

/** A stable offset inside one period, from the integration id. */
export function staggerOffsetMs(integrationId: string, everyMs: number): number {
  const n = createHash('sha256').update(integrationId).digest().readUInt32BE(0);
  return n % everyMs;
}

function positiveMinutes(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * The job schedulers one integration should have: none unless it is enabled with syncing on;
 * an incremental cadence every `sync_interval_minutes` plus a slower full cadence (deletion
 * detection) where the vendor filters by change; a single full cadence otherwise.
 */
export function planSchedules(integration: Pick<IntegrationEntity, 'id' | 'integrationType' | 'enabled' | 'syncEnabled' | 'syncIntervalMinutes' | 'settings'>, defaultFullMinutes: number): PlannedSchedule[] {
  if (!integration.enabled || !integration.syncEnabled) return [];
  const settings = integration.settings ?? {};
  const intervalMinutes = positiveMinutes(integration.syncIntervalMinutes) ?? 60;
  const fullMinutes = positiveMinutes(settings.full_sync_interval_minutes) ?? defaultFullMinutes;
  const incremental = typeof settings.incremental_sync === 'boolean' ? settings.incremental_sync : INCREMENTAL_BY_DEFAULT.has(integration.integrationType);
  const plan = (syncType: ScheduleTickData['syncType'], minutes: number): PlannedSchedule => {
    const everyMs = minutes * MINUTE_MS;
    return { id: scheduleIdOf(integration.id, syncType), everyMs, offsetMs: staggerOffsetMs(`${integration.id}:${syncType}`, everyMs), data: { integrationId: integration.id, syncType } };
  };
  if (!incremental || fullMinutes <= intervalMinutes) return [plan('full', Math.min(intervalMinutes, fullMinutes))];
  return [plan('incremental', intervalMinutes), plan('full', fullMinutes)];
}
