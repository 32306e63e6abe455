import { startScaleRig, type ScaleRig } from './scale-harness';

const DEVICES = 50_000;
// Short lock and stall check so the test does not wait the production two minutes for the dead worker's lock.
const FAST_RECOVERY = { SYNC_LOCK_DURATION_MS: '3000', SYNC_STALLED_INTERVAL_MS: '1000' };

interface Outcome {
  status: string;
  counts: Record<string, unknown>;
  devices: number;
  mappings: number;
  duplicateMappings: number;
  users: number;
}

async function outcomeOf(rig: ScaleRig, syncId: string): Promise<Outcome> {
  const [sync] = await rig.db.dataSource.query(`SELECT status, entity_counts FROM integration_syncs WHERE id = $1`, [syncId]);
  const [rows] = await rig.db.dataSource.query(
    `SELECT (SELECT count(*)::int FROM devices) AS devices,
            (SELECT count(*)::int FROM users) AS users,
            (SELECT count(*)::int FROM integration_mappings) AS mappings,
            (SELECT count(*)::int FROM (SELECT 1 FROM integration_mappings GROUP BY integration_id, external_entity_type, external_entity_id HAVING count(*) > 1) d) AS duplicate_mappings`,
  );
  return { status: sync.status, counts: sync.entity_counts, devices: rows.devices, users: rows.users, mappings: rows.mappings, duplicateMappings: rows.duplicate_mappings };
}

async function processedSoFar(rig: ScaleRig, syncId: string): Promise<number> {
  const [row] = await rig.db.dataSource.query(`SELECT items_processed FROM integration_syncs WHERE id = $1`, [syncId]);
  return row.items_processed;
}

describe('a sync worker killed in the middle of a 50,000-device sync (real processes)', () => {
  let baseline: Outcome;
  let crashed: Outcome;

  afterAll(() => undefined);

  it('records an uninterrupted run of the same tenant as the baseline', async () => {
    const rig = await startScaleRig('crashbase', { devices: DEVICES, people: 5000 });
    try {
      rig.startWorker(FAST_RECOVERY);
      const id = await rig.addKandji('Kandji 50k');
      const syncId = await rig.requestFullSync(id);
      await rig.waitForSyncs([syncId], 150_000);
      baseline = await outcomeOf(rig, syncId);
      expect(baseline.status).toBe('completed');
    } finally {
      await rig.stop();
    }
  }, 200_000);

  it('completes on another worker with exactly the rows and counts of the uninterrupted run', async () => {
    const rig = await startScaleRig('crash', { devices: DEVICES, people: 5000 });
    try {
      const first = rig.startWorker(FAST_RECOVERY);
      const id = await rig.addKandji('Kandji 50k');
      const syncId = await rig.requestFullSync(id);
      while ((await processedSoFar(rig, syncId)) < 15_000) await new Promise((r) => setTimeout(r, 100));
      rig.startWorker(FAST_RECOVERY);
      await new Promise((r) => setTimeout(r, 1500));
      const atKill = await processedSoFar(rig, syncId);
      first.child.kill('SIGKILL');
      const killedAt = Date.now();
      while ((await processedSoFar(rig, syncId)) <= atKill) await new Promise((r) => setTimeout(r, 50));
      process.stdout.write(`killed at ${atKill} items processed; another worker resumed from the checkpoint after ${Date.now() - killedAt} ms\n`);
      await rig.waitForSyncs([syncId], 150_000);
      crashed = await outcomeOf(rig, syncId);
    } finally {
      await rig.stop();
    }
    expect(crashed).toEqual(baseline);
  }, 200_000);

  it('leaves no duplicate mappings', () => {
    expect(crashed.duplicateMappings).toBe(0);
    expect(crashed.devices).toBe(DEVICES);
  });
});
