import { SecretBox, createLogger } from '@trustsync/core';
import { MemoryTokenCache } from '@trustsync/connectors';
import { IntegrationEntity, createIntegration, recordHealthFinding } from '@trustsync/db';
import { createMetrics, parseExposition, sumSamples, METRIC_NAMES } from '@trustsync/metrics';
import { createRedis } from '@trustsync/queue';
import { TEST_REDIS_URL, createTestDatabase, testQueuePrefix, type TestDatabase } from '@trustsync/testing';
import { startSandbox, type Sandbox } from '@trustsync/vendor-sandbox';
import type IORedis from 'ioredis';
import { openHealthCheckQueue } from './health-check.processor';
import { startHealthChecks, type HealthChecks } from './health-check.runner';
import { RateGates } from './rate-gates';

const box = new SecretBox([{ id: 't', key: Buffer.alloc(32, 5) }], 't');

async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('scheduled health checks (real Postgres, Redis, BullMQ and the Kandji sandbox)', () => {
  let db: TestDatabase;
  let sandbox: Sandbox;
  let redis: IORedis;
  let checks: HealthChecks | undefined;
  const prefix = testQueuePrefix('health');
  const metrics = createMetrics('sync-worker-test', { defaultMetrics: false });
  const gates = new RateGates();

  beforeAll(async () => {
    db = await createTestDatabase('health');
    // The tenant's token was rotated: the integration still holds the old one.
    sandbox = await startSandbox({ kandji: { token: 'rotated-kandji-token', devices: 5 }, people: 5 });
    redis = createRedis(TEST_REDIS_URL, 'worker');
  });

  afterAll(async () => {
    await checks?.close();
    await openHealthCheckQueue(redis, prefix).obliterate({ force: true }).catch(() => undefined);
    await gates.close();
    await redis.quit();
    await sandbox.close();
    await db.drop();
  });

  it('turns an integration whose token was revoked unhealthy, with the reason, at its first scheduled check', async () => {
    const integration = await createIntegration(
      db.dataSource,
      box,
      { name: 'Kandji', integrationType: 'kandji', authType: 'bearer', endpoint: `${sandbox.url}/kandji`, credentials: { api_key: 'revoked-kandji-token' } },
      'test',
    );
    await recordHealthFinding(db.dataSource, integration.id, { status: 'healthy', reason: null });
    const startedAt = Date.now();
    // One check a minute: a verdict within 15 s can only come from the first one.
    checks = startHealthChecks({
      dataSource: db.dataSource,
      secretBox: box,
      gates,
      tokenCache: new MemoryTokenCache(),
      logger: createLogger({ service: 'test', silent: true }),
      metrics,
      connection: redis,
      redisUrl: TEST_REDIS_URL,
      prefix,
      config: { everyMs: 60_000, reconcileEveryMs: 60_000, timeoutMs: 5000, concurrency: 1, usageFlushEveryMs: 60_000 },
    });
    const row = await waitFor(() => db.dataSource.getRepository(IntegrationEntity).findOneByOrFail({ id: integration.id }), (i) => i.healthStatus !== 'healthy');
    expect(Date.now() - startedAt).toBeLessThan(15_000);
    expect(row.healthStatus).toBe('unhealthy');
    expect(row.healthReason).toMatch(/^401 from kandji since \d{4}-\d\d-\d\dT\d\d:\d\dZ: token rejected \(revoked, expired or wrong\)$/);
  });

  it('counts the vendor answer of the check in the vendor request metrics', async () => {
    const samples = parseExposition((await metrics.render()).body);
    expect(sumSamples(samples, METRIC_NAMES.vendorRequests, { vendor: 'kandji', status_class: '4xx' })).toBeGreaterThanOrEqual(1);
  });
});
