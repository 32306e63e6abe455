import { freePort, waitForHttp } from '../harness';
import { startScaleRig, type ScaleRig } from './scale-harness';

// SIGTERM in the middle of a long sync, as Kubernetes sends it on a rolling update: the worker's
// readiness turns 503, it exits 0 within SHUTDOWN_DEADLINE_MS, and the sync it let go of is
// completed by another worker with the tenant's exact counts and no duplicate mapping.

const DEVICES = 20_000;
const PEOPLE = 2000;
const SHUTDOWN_DEADLINE_MS = 5000;
// Short lock and stall check so the second worker takes the released sync within seconds.
const FAST_RECOVERY = { SYNC_LOCK_DURATION_MS: '3000', SYNC_STALLED_INTERVAL_MS: '1000' };

type EntityCounts = Record<string, { processed: number; created: number; updated: number; failed: number }>;

async function syncRow(rig: ScaleRig, syncId: string): Promise<{ status: string; items_processed: number; entity_counts: EntityCounts }> {
  const [row] = await rig.db.dataSource.query(`SELECT status, items_processed, entity_counts FROM integration_syncs WHERE id = $1`, [syncId]);
  return row;
}

/** Processed count per entity type of a full Kandji sync, read from the sandbox and the Kandji API it serves. */
async function expectedCounts(rig: ScaleRig): Promise<Record<string, number>> {
  const get = async (path: string, headers: Record<string, string> = {}) => (await fetch(`${rig.sandboxUrl}${path}`, { headers })).json() as Promise<Record<string, any>>;
  const auth = { authorization: 'Bearer sandbox-kandji-token' };
  const d = (await get('/_sandbox')).kandji;
  const licensing = await get('/kandji/api/v1/settings/licensing', auth);
  const behavioural = await get('/kandji/api/v1/behavioral-detections?limit=1', auth);
  const threats = await get('/kandji/api/v1/threat-details?limit=1', auth);
  return { user: d.users, device: d.devices, policy: d.blueprints, detection: behavioural.total_count + threats.count, device_posture: licensing.counts.computers_count };
}

/** Reads `/readyz` until it stops answering 200: the first other status, or `refused` when the port closed first. */
async function readinessAfterSigterm(url: string, timeoutMs: number): Promise<{ status: number | 'refused'; afterMs: number }> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(500) });
      if (res.status !== 200) return { status: res.status, afterMs: Date.now() - start };
    } catch {
      return { status: 'refused', afterMs: Date.now() - start };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`readiness still 200 ${timeoutMs} ms after SIGTERM`);
}

describe('a sync worker sent SIGTERM in the middle of a 20,000-device sync (real processes)', () => {
  let rig: ScaleRig;
  let syncId: string;
  let readiness: { status: number | 'refused'; afterMs: number };
  let exit: { code: number | null; signal: NodeJS.Signals | null; afterMs: number };
  let atSigterm: number;
  let afterExit: { status: string; items_processed: number };
  let final: { status: string; items_processed: number; entity_counts: EntityCounts };
  let expected: Record<string, number>;
  let rows: { devices: number; users: number; duplicate_mappings: number };
  let failedSteps: string[];

  beforeAll(async () => {
    rig = await startScaleRig('sigterm', { devices: DEVICES, people: PEOPLE });
    expected = await expectedCounts(rig);
    const port = await freePort();
    const first = rig.startWorker({ ...FAST_RECOVERY, WORKER_HEALTH_PORT: String(port), SHUTDOWN_DEADLINE_MS: String(SHUTDOWN_DEADLINE_MS) });
    const readyz = `http://127.0.0.1:${port}/readyz`;
    await waitForHttp(readyz, first);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => first.child.once('exit', (code, signal) => r({ code, signal })));

    const integrationId = await rig.addKandji('Kandji 20k');
    syncId = await rig.requestFullSync(integrationId);
    while ((await syncRow(rig, syncId)).items_processed < 4000) await new Promise((r) => setTimeout(r, 50));

    // A slow vendor from here on: the rest of the sync outlasts the worker's graceful window (60% of the deadline).
    await rig.sandbox('/faults', { latencyMs: 250 });
    atSigterm = (await syncRow(rig, syncId)).items_processed;
    const sentAt = Date.now();
    first.child.kill('SIGTERM');
    readiness = await readinessAfterSigterm(readyz, SHUTDOWN_DEADLINE_MS + 2000);
    const ended = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), SHUTDOWN_DEADLINE_MS + 5000))]);
    exit = { code: ended?.code ?? null, signal: ended?.signal ?? null, afterMs: Date.now() - sentAt };
    if (!ended) first.child.kill('SIGKILL');
    failedSteps = first.output().split('\n').filter((l) => l.includes('shutdown step failed'));
    afterExit = await syncRow(rig, syncId);
    process.stdout.write(`SIGTERM at ${atSigterm} items; readiness ${readiness.status} after ${readiness.afterMs} ms; exit ${exit.code}/${exit.signal} after ${exit.afterMs} ms; sync ${afterExit.status} at ${afterExit.items_processed} items\n`);

    await rig.sandbox('/faults', { latencyMs: 0 });
    rig.startWorker(FAST_RECOVERY);
    await rig.waitForSyncs([syncId], 45_000);
    final = await syncRow(rig, syncId);
    [rows] = await rig.db.dataSource.query(
      `SELECT (SELECT count(*)::int FROM devices) AS devices, (SELECT count(*)::int FROM users) AS users,
              (SELECT count(*)::int FROM (SELECT 1 FROM integration_mappings GROUP BY integration_id, external_entity_type, external_entity_id HAVING count(*) > 1) d) AS duplicate_mappings`,
    );
  }, 100_000);

  afterAll(async () => {
    await rig?.stop();
  });

  it('turns readiness to 503 before the process goes away', () => {
    expect(readiness.status).toBe(503);
  });

  it('exits with code 0 within SHUTDOWN_DEADLINE_MS', () => {
    expect([exit.code, exit.signal]).toEqual([0, null]);
    expect(exit.afterMs).toBeLessThanOrEqual(SHUTDOWN_DEADLINE_MS);
  });

  it('logs no shutdown step that failed or ran out of time', () => {
    expect(failedSteps).toEqual([]);
  });

  it('leaves the interrupted sync to be resumed, neither failed nor finished', () => {
    expect(['pending', 'in_progress']).toContain(afterExit.status);
    expect(afterExit.items_processed).toBeGreaterThanOrEqual(atSigterm);
    expect(afterExit.items_processed).toBeLessThan(DEVICES);
  });

  it('is completed by the next worker with exactly the tenant\'s counts, every record created once', () => {
    expect(final.status).toBe('completed');
    const got = Object.fromEntries(Object.entries(final.entity_counts).map(([entity, c]) => [entity, { processed: c.processed, created: entity === 'device_posture' ? c.updated : c.created, failed: c.failed }]));
    const want = Object.fromEntries(Object.entries(expected).map(([entity, n]) => [entity, { processed: n, created: n, failed: 0 }]));
    expect(got).toEqual(want);
    expect([rows.devices, rows.users]).toEqual([DEVICES, expected.user]);
  });

  it('leaves no duplicate mappings', () => {
    expect(rows.duplicate_mappings).toBe(0);
  });
});
