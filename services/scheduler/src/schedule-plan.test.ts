import { planSchedules, staggerOffsetMs } from './schedule-plan';

const base = { id: 'INT-0000000000AA', integrationType: 'okta', enabled: true, syncEnabled: true, syncIntervalMinutes: 15, settings: {} };

describe('planSchedules', () => {
  it('plans an incremental cadence and a daily full cadence for a vendor with a change filter', () => {
    const plan = planSchedules(base, 1440);
    expect(plan.map((p) => [p.data.syncType, p.everyMs])).toEqual([['incremental', 15 * 60_000], ['full', 1440 * 60_000]]);
  });

  it('plans only full syncs for a vendor without a change filter', () => {
    const plan = planSchedules({ ...base, integrationType: 'kandji' }, 1440);
    expect(plan.map((p) => [p.data.syncType, p.everyMs])).toEqual([['full', 15 * 60_000]]);
  });

  it('takes the full cadence from settings.full_sync_interval_minutes', () => {
    const plan = planSchedules({ ...base, settings: { full_sync_interval_minutes: 120 } }, 1440);
    expect(plan[1].everyMs).toBe(120 * 60_000);
  });

  it('lets settings.incremental_sync switch incremental syncs off', () => {
    const plan = planSchedules({ ...base, settings: { incremental_sync: false } }, 1440);
    expect(plan.map((p) => p.data.syncType)).toEqual(['full']);
  });

  it('plans nothing for a disabled integration', () => {
    expect(planSchedules({ ...base, enabled: false }, 1440)).toEqual([]);
  });

  it('plans nothing when syncing is switched off', () => {
    expect(planSchedules({ ...base, syncEnabled: false }, 1440)).toEqual([]);
  });

  it('spreads the start offsets of different integrations over the period', () => {
    const offsets = new Set(Array.from({ length: 50 }, (_, i) => staggerOffsetMs(`INT-${String(i).padStart(12, '0')}`, 3_600_000)));
    expect(offsets.size).toBeGreaterThan(45);
  });

  it('gives one integration the same offset every time', () => {
    expect(staggerOffsetMs('INT-0000000000AA', 60_000)).toBe(staggerOffsetMs('INT-0000000000AA', 60_000));
  });
});
