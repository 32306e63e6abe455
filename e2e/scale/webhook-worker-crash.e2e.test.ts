import { Client } from 'pg';
import type { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { SecretBox } from '@trustsync/core';
import { VENDORS } from '@trustsync/connectors';
import { SyncStore, createIntegration, emptyProgress, newEventFromParsed, recordDeliveries } from '@trustsync/db';
import { QUEUE_NAMES, createRedis, enqueueWebhookEvents, openQueue } from '@trustsync/queue';
import { TEST_REDIS_URL, createTestDatabase, testQueuePrefix, type TestDatabase } from '@trustsync/testing';
import { startService, type Service } from '../harness';

const EVENTS = 2000;
const WEBHOOK_SECRET = 'seraphic-crash-secret-0123456789';

/** Polls `check` until it returns true. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a webhook worker killed in the middle of applying a batch (real processes)', () => {
  let db: TestDatabase;
  let redis: IORedis;
  let queue: Queue;
  let env: NodeJS.ProcessEnv;
  let ids: string[];
  const workers: Service[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('whcrash');
    const keyB64 = SecretBox.generateKey();
    const box = new SecretBox([{ id: 'e2e', key: Buffer.from(keyB64, 'base64') }], 'e2e');
    // A short lock, so the dead worker's jobs are found stalled in seconds rather than the production 30 s.
    env = { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, TRUSTSYNC_QUEUE_PREFIX: testQueuePrefix('whcrash'), TRUSTSYNC_SECRET_KEYS: `e2e:${keyB64}`, LOG_LEVEL: 'warn', WEBHOOK_LOCK_DURATION_MS: '5000' };
    redis = createRedis(TEST_REDIS_URL, 'producer');
    queue = openQueue(QUEUE_NAMES.webhook, redis, env.TRUSTSYNC_QUEUE_PREFIX!);
    const seraphic = await createIntegration(db.dataSource, box, { name: 'Seraphic', integrationType: 'seraphic', authType: 'api_key', webhookEnabled: true, webhookSecret: WEBHOOK_SECRET }, 'e2e');
    // The endpoint the detections name, as an earlier pull left it.
    await new SyncStore(db.dataSource).writePage(
      { integrationId: seraphic.id, syncId: 'SYN-SEED00000000', entity: 'device', records: [{ externalId: 'ep_0001', name: 'mac-01', serialNumber: 'C02CRASH0001', status: 'active', tags: [] }], trackSeen: false },
      emptyProgress(),
      'devices',
      null,
    );
    const deliveries = Array.from({ length: EVENTS }, (_, i) => ({
      eventId: `wh_crash_${i}`,
      eventType: 'threat.detected',
      occurredAt: new Date(Date.UTC(2026, 11, 1, 0, 0, i)).toISOString(),
      data: { detectionId: `det_crash_${i}`, type: 'phishing', severity: 'high', endpointId: 'ep_0001', actionTaken: 'blocked' },
    }));
    const recorded = await recordDeliveries(db.dataSource, deliveries.map((body) => ({ integrationId: seraphic.id, events: VENDORS.seraphic.webhooks!.parse(body).map(newEventFromParsed) })));
    ids = recorded.flatMap((r) => r.accepted);
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await redis.quit();
    await db.drop();
  });

  async function counts(): Promise<{ detections: number; mappings: number; processed: number; pending: number; begunTwice: number; inFlight: number }> {
    const [row] = await db.dataSource.query(
      `SELECT (SELECT count(*)::int FROM detections) AS detections,
              (SELECT count(*)::int FROM integration_mappings WHERE external_entity_type = 'detection') AS mappings,
              (SELECT count(*)::int FROM integration_events WHERE status = 'processed') AS processed,
              (SELECT count(*)::int FROM integration_events WHERE status = 'pending') AS pending,
              (SELECT count(*)::int FROM integration_events WHERE attempts = 2) AS "begunTwice",
              (SELECT count(*)::int FROM integration_events WHERE status = 'pending' AND attempts > 0) AS "inFlight"`,
    );
    return row;
  }

  const workerConnections = async (extra = ''): Promise<number> =>
    (await db.dataSource.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'trustsync-webhook-worker' ${extra}`))[0].n;

  it('commits nothing of the batch it was applying, and another worker applies every event exactly once', async () => {
    const first = startService('webhook-worker', env);
    workers.push(first);
    await enqueueWebhookEvents(queue, ids);
    await until('the worker has applied some batches', async () => (await counts()).processed >= 50);
    // Then hold writes to the mappings table: the worker's next batch transaction writes its
    // detections, waits on the mappings, and is killed right there with half of its writes done.
    const blocker = new Client({ connectionString: db.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE integration_mappings IN SHARE ROW EXCLUSIVE MODE');
    await until('the worker waits inside a batch transaction', async () => (await workerConnections(`AND wait_event_type = 'Lock'`)) > 0);
    const atKill = await counts();
    first.child.kill('SIGKILL');
    await blocker.query('COMMIT');
    await blocker.end();
    // Postgres rolls back a dead client's transaction when it finds the connection gone.
    await until("the dead worker's connections are gone", async () => (await workerConnections()) === 0);
    const afterKill = await counts();
    process.stdout.write(`killed with ${atKill.processed} events applied and a batch of ${atKill.inFlight} in flight\n`);
    expect(atKill.inFlight).toBeGreaterThan(0);
    // Nothing of the killed batch was kept: every detection written belongs to an event marked processed.
    expect({ detections: afterKill.detections, mappings: afterKill.mappings, processed: afterKill.processed }).toEqual({ detections: atKill.processed, mappings: atKill.processed, processed: atKill.processed });

    // The killed worker's jobs are still active in Redis under its lock; a new worker finds them stalled.
    workers.push(startService('webhook-worker', env));
    await until('every event is applied', async () => (await counts()).processed === EVENTS, 90_000);
    const done = await counts();
    const results: Array<{ effect: string; n: number }> = await db.dataSource.query(`SELECT result->>'effect' AS effect, count(*)::int AS n FROM integration_events GROUP BY 1`);
    expect({ detections: done.detections, mappings: done.mappings, pending: done.pending }).toEqual({ detections: EVENTS, mappings: EVENTS, pending: 0 });
    // The events of the killed batch were begun twice, and each created its detection once.
    expect(done.begunTwice).toBe(atKill.inFlight);
    expect(results).toEqual([{ effect: 'created', n: EVENTS }]);
  }, 120_000);
});
