import type { DataSource } from 'typeorm';
import { SecretBox } from '@trustsync/core';
import { IntegrationSyncEntity, createIntegration, requestSync } from '@trustsync/db';
import { QUEUE_NAMES, createRedis, enqueueSync, openQueue } from '@trustsync/queue';
import { TEST_REDIS_URL, createTestDatabase, testQueuePrefix } from '@trustsync/testing';
import { freePort, record, spawnService, waitForHttp, type BenchProcess } from './harness';

/**
 * Scale-out benchmark: sync throughput with 1, 2 and 4 sync worker processes (concurrency 2
 * each), on one large Kandji tenant and on many small ones, every run on a fresh database.
 * One integration is one sync job at a time (syncs coalesce), so extra workers can only
 * help the many-tenant case; the numbers say how much.
 */
const LARGE_DEVICES = Number(process.env.BENCH_LARGE_DEVICES ?? 20_000);
const SMALL_DEVICES = Number(process.env.BENCH_SMALL_DEVICES ?? 1_500);
const SMALL_TENANTS = Number(process.env.BENCH_SMALL_TENANTS ?? 12);
const WORKER_COUNTS = (process.env.BENCH_WORKERS ?? '1,2,4').split(',').map(Number);

async function syncAll(prefix: string, ds: DataSource, integrationIds: string[]): Promise<{ seconds: number; devices: number; statuses: string[] }> {
  const redis = createRedis(TEST_REDIS_URL, 'worker');
  const queue = openQueue(QUEUE_NAMES.sync, redis, prefix);
  try {
    const started = Date.now();
    const syncIds: string[] = [];
    for (const integrationId of integrationIds) {
      const { sync } = await requestSync(ds, { integrationId, syncType: 'full', triggeredBy: 'bench' });
      await enqueueSync(queue, { syncId: sync.id, integrationId, syncType: 'full' });
      syncIds.push(sync.id);
    }
    const repo = ds.getRepository(IntegrationSyncEntity);
    for (;;) {
      const rows = await Promise.all(syncIds.map((id) => repo.findOneByOrFail({ id })));
      if (rows.every((r) => !['pending', 'in_progress'].includes(r.status))) {
        const devices = rows.reduce((n, r) => n + Number((r.entityCounts as Record<string, { processed?: number }>).device?.processed ?? 0), 0);
        return { seconds: (Date.now() - started) / 1000, devices, statuses: [...new Set(rows.map((r) => r.status))] };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await queue.close();
    redis.disconnect();
  }
}

async function run(workers: number, largePort: number, smallPort: number): Promise<void> {
  const db = await createTestDatabase('scalebench');
  const prefix = testQueuePrefix('scalebench');
  const keyB64 = SecretBox.generateKey();
  const box = new SecretBox([{ id: 'bench', key: Buffer.from(keyB64, 'base64') }], 'bench');
  const procs: BenchProcess[] = [];
  for (let i = 0; i < workers; i++) {
    procs.push(spawnService(`scale-worker-${i}`, 'services/sync-worker/dist/main.js', { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, TRUSTSYNC_QUEUE_PREFIX: prefix, TRUSTSYNC_SECRET_KEYS: `bench:${keyB64}`, SYNC_WORKER_CONCURRENCY: '2', LOG_LEVEL: 'warn' }));
  }
  try {
    const add = (name: string, port: number) =>
      createIntegration(db.dataSource, box, { name, integrationType: 'kandji', authType: 'bearer', endpoint: `http://127.0.0.1:${port}/kandji`, credentials: { api_key: 'sandbox-kandji-token' }, rateLimitRequests: 1_000_000, rateLimitPeriodSeconds: 60 }, 'bench');
    const large = await add('Kandji large', largePort);
    const small = [];
    for (let i = 0; i < SMALL_TENANTS; i++) small.push(await add(`Kandji small ${i}`, smallPort));
    const one = await syncAll(prefix, db.dataSource, [large.id]);
    const many = await syncAll(prefix, db.dataSource, small.map((s) => s.id));
    record('scale', {
      bench: 'scale',
      worker_processes: workers,
      worker_concurrency: 2,
      one_large_tenant: { devices: one.devices, seconds: Number(one.seconds.toFixed(2)), devices_per_second: Math.round(one.devices / one.seconds), statuses: one.statuses },
      many_small_tenants: { tenants: SMALL_TENANTS, devices: many.devices, seconds: Number(many.seconds.toFixed(2)), devices_per_second: Math.round(many.devices / many.seconds), statuses: many.statuses },
      worker_peak_rss_mb: Math.round(Math.max(...procs.map((p) => p.peakRssMb()))),
    });
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await db.drop();
  }
}

async function main(): Promise<void> {
  const largePort = await freePort();
  const smallPort = await freePort();
  const sandboxes = [
    spawnService('scale-sandbox-large', 'services/vendor-sandbox/dist/main.js', { SANDBOX_PORT: String(largePort), SANDBOX_VENDORS: 'kandji', SANDBOX_KANDJI_DEVICES: String(LARGE_DEVICES), SANDBOX_PEOPLE: String(Math.round(LARGE_DEVICES / 5)) }),
    spawnService('scale-sandbox-small', 'services/vendor-sandbox/dist/main.js', { SANDBOX_PORT: String(smallPort), SANDBOX_VENDORS: 'kandji', SANDBOX_KANDJI_DEVICES: String(SMALL_DEVICES), SANDBOX_PEOPLE: String(Math.round(SMALL_DEVICES / 5)) }),
  ];
  try {
    await waitForHttp(`http://127.0.0.1:${largePort}/_sandbox`);
    await waitForHttp(`http://127.0.0.1:${smallPort}/_sandbox`);
    for (const workers of WORKER_COUNTS) await run(workers, largePort, smallPort);
  } finally {
    await Promise.all(sandboxes.map((s) => s.stop()));
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
