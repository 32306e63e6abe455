import { startScaleRig, sampleTraffic, type ScaleRig } from './scale-harness';

// One Kandji tenant budgeted at R requests per window; four integrations on it, synced by four worker processes at once.
const R = 60;
const WINDOW_MS = 2000;
const TENANTS = 4;

describe('one rate budget per vendor tenant, shared by 4 worker processes (real Redis, real processes)', () => {
  let rig: ScaleRig;
  let ids: string[];

  beforeAll(async () => {
    rig = await startScaleRig('budget', { devices: 3000, people: 300 });
    for (let i = 0; i < 4; i++) rig.startWorker();
    ids = [];
    for (let i = 0; i < TENANTS; i++) ids.push(await rig.addKandji(`Kandji shared ${i}`, { requests: R, periodSeconds: WINDOW_MS / 1000 }));
    await rig.sandbox('/limit', { requests: R, windowMs: WINDOW_MS });
  }, 60_000);

  afterAll(async () => {
    await rig?.stop();
  });

  async function syncAll(faults?: Record<string, unknown>): Promise<{ stats: Awaited<ReturnType<ReturnType<typeof sampleTraffic>['stop']>>; statuses: string[] }> {
    await rig.sandbox('/reset-stats', {});
    if (faults) await rig.sandbox('/faults', faults);
    const sampler = sampleTraffic(rig);
    const syncIds = await Promise.all(ids.map((id) => rig.requestFullSync(id)));
    const rows = await rig.waitForSyncs(syncIds, 90_000);
    return { stats: await sampler.stop(), statuses: rows.map((r) => r.status) };
  }

  it('never goes over the sandbox limit and uses at least 80 % of the budget', async () => {
    const { stats, statuses } = await syncAll();
    const budget = (stats.activeMs / WINDOW_MS) * R;
    const used = stats.accepted / budget;
    process.stdout.write(`shared budget: ${stats.accepted} requests in ${stats.activeMs} ms = ${(used * 100).toFixed(1)} % of ${R}/${WINDOW_MS} ms; peak window ${stats.last.peakWindow}; over limit ${stats.last.overLimit}\n`);
    expect(statuses).toEqual(['completed', 'completed', 'completed', 'completed']);
    expect(stats.last.overLimit).toBe(0);
    expect(used).toBeGreaterThanOrEqual(0.8);
  }, 120_000);

  it('never goes over the sandbox limit during a forced 429 storm, and every sync still completes', async () => {
    const { stats, statuses } = await syncAll({ rateLimitStorm: 10, retryAfter: '1' });
    process.stdout.write(`429 storm: ${stats.last.injected429} injected 429s, ${stats.accepted} accepted, over limit ${stats.last.overLimit}\n`);
    expect(statuses).toEqual(['completed', 'completed', 'completed', 'completed']);
    expect(stats.last.injected429).toBe(10);
    expect(stats.last.overLimit).toBe(0);
  }, 120_000);
});
