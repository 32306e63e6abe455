import { SecretBox } from '@trustsync/core';
import { createIntegration } from '@trustsync/db';
import { TEST_REDIS_URL, createTestDatabase, testQueuePrefix } from '@trustsync/testing';
import type { IntegrationSyncEntity } from '@trustsync/db';
import { machineCpuSeconds, postgresCpuSeconds, record, redisCpuSeconds, runSyncToEnd, spawnService, waitForHttp, type BenchProcess } from './harness';
import { rawUpsertRate } from './raw-upsert';
import { sandboxPassSeconds } from './sandbox-pass';

/**
 * Sync benchmark: a Kandji sandbox tenant of BENCH_DEVICES devices (default 100,000) pulled
 * through the real sync worker process into a fresh database; then a re-sync of the unchanged
 * tenant; then the sandbox alone answering the same requests (its floor under any sync); then
 * the raw bulk-upsert limit of the same rows on the same Postgres. CPU seconds of the worker,
 * the sandbox and Postgres are recorded per phase: on a 2-core machine they compete.
 *
 * BENCH_SANDBOX_CACHE=1 takes the simulated vendor's cost off the timed syncs: the sandbox keeps
 * every answer it has rendered (SANDBOX_RESPONSE_CACHE), and one pass renders all of them before
 * the first sync, so both syncs read a vendor that only sends bytes, as a real one does from
 * machines of its own.
 */
async function main(): Promise<void> {
  const devices = Number(process.env.BENCH_DEVICES ?? 100_000);
  const people = Number(process.env.BENCH_PEOPLE ?? Math.max(100, Math.round(devices / 5)));
  const port = Number(process.env.BENCH_SANDBOX_PORT ?? 9190);
  const concurrency = process.env.BENCH_WORKER_CONCURRENCY ?? '2';
  const prerender = process.env.BENCH_SANDBOX_CACHE === '1';
  const db = await createTestDatabase('bench');
  const prefix = testQueuePrefix('bench');
  const keyB64 = SecretBox.generateKey();
  const box = new SecretBox([{ id: 'bench', key: Buffer.from(keyB64, 'base64') }], 'bench');
  const nodeArgs = (name: string): string[] => (process.env[name] ?? '').split(' ').filter(Boolean);
  const sandbox = spawnService('bench-sandbox', 'services/vendor-sandbox/dist/main.js', { SANDBOX_PORT: String(port), SANDBOX_VENDORS: 'kandji', SANDBOX_KANDJI_DEVICES: String(devices), SANDBOX_PEOPLE: String(people), ...(prerender ? { SANDBOX_RESPONSE_CACHE: 'kandji', SANDBOX_RESPONSE_CACHE_MB: '4096' } : {}) }, nodeArgs('BENCH_SANDBOX_NODE_ARGS'));
  // BENCH_LOG_LEVEL=debug logs every page's fetch wait and write time; BENCH_WORKER_NODE_ARGS
  // (and BENCH_SANDBOX_NODE_ARGS) pass flags such as `--cpu-prof --cpu-prof-dir=/tmp/prof` to one process.
  const worker = spawnService(
    'bench-sync-worker',
    'services/sync-worker/dist/main.js',
    {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      TRUSTSYNC_QUEUE_PREFIX: prefix,
      TRUSTSYNC_SECRET_KEYS: `bench:${keyB64}`,
      SYNC_WORKER_CONCURRENCY: concurrency,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    },
    nodeArgs('BENCH_WORKER_NODE_ARGS'),
  );
  const cpu = cpuMeter(worker, sandbox);
  try {
    await waitForHttp(`http://127.0.0.1:${port}/_sandbox`);
    const integration = await createIntegration(
      db.dataSource,
      box,
      { name: 'Kandji bench', integrationType: 'kandji', authType: 'bearer', endpoint: `http://127.0.0.1:${port}/kandji`, credentials: { api_key: 'sandbox-kandji-token' }, rateLimitRequests: 1_000_000, rateLimitPeriodSeconds: 60 },
      'bench',
    );
    const render = prerender ? await sandboxPassSeconds(`http://127.0.0.1:${port}/kandji`, 'sandbox-kandji-token') : undefined;
    const t0 = Date.now();
    cpu.start();
    const firstClock = streamClock();
    const first = await runSyncToEnd(db.dataSource, TEST_REDIS_URL, prefix, integration.id, 'full', undefined, firstClock.poll);
    const firstSeconds = (Date.now() - t0) / 1000;
    const firstCpu = cpu.stop();
    if (first.status !== 'completed') throw new Error(`first sync ${first.status}: ${first.errorMessage}`);

    const resyncStart = new Date();
    const t1 = Date.now();
    cpu.start();
    const secondClock = streamClock();
    const second = await runSyncToEnd(db.dataSource, TEST_REDIS_URL, prefix, integration.id, 'full', undefined, secondClock.poll);
    const secondSeconds = (Date.now() - t1) / 1000;
    const secondCpu = cpu.stop();
    const rewritten: Array<{ devices: number; mappings: number; users: number }> = await db.dataSource.query(
      `SELECT (SELECT count(*)::int FROM devices WHERE updated_at >= $1) AS devices,
              (SELECT count(*)::int FROM integration_mappings WHERE last_synced_at >= $1) AS mappings,
              (SELECT count(*)::int FROM users WHERE updated_at >= $1) AS users`,
      [resyncStart],
    );
    // The sandbox's share: the same requests with nothing done to the answers.
    cpu.start();
    const pass = await sandboxPassSeconds(`http://127.0.0.1:${port}/kandji`, 'sandbox-kandji-token');
    const passCpu = cpu.stop();
    const raw = await rawUpsertRate(db.dataSource);
    const firstRate = Math.round(devices / firstSeconds);
    // Profiling runs (BENCH_RESULTS=sync-profile) keep their figures out of sync.jsonl.
    record(process.env.BENCH_RESULTS ?? 'sync', {
      bench: 'sync',
      devices,
      people,
      worker_concurrency: Number(concurrency),
      sandbox_prerendered: render ? { seconds: render.seconds, requests: render.requests, megabytes: render.megabytes } : false,
      first_sync: { seconds: Number(firstSeconds.toFixed(2)), devices_per_second: firstRate, items: first.itemsProcessed, created: first.itemsCreated, cpu_seconds: firstCpu, stream_seconds: firstClock.seconds(), entity_counts: first.entityCounts },
      resync_unchanged: {
        seconds: Number(secondSeconds.toFixed(2)),
        devices_per_second: Math.round(devices / secondSeconds),
        speedup_vs_first: Number((firstSeconds / secondSeconds).toFixed(2)),
        created: second.itemsCreated,
        updated: second.itemsUpdated,
        unchanged: second.itemsUnchanged,
        rows_rewritten: rewritten[0],
        cpu_seconds: secondCpu,
        stream_seconds: secondClock.seconds(),
      },
      sandbox_only_pass: { seconds: pass.seconds, requests: pass.requests, megabytes: pass.megabytes, sandbox_cpu_seconds: passCpu.sandbox },
      raw_bulk_upsert: { devices_per_second: raw.devicesPerSecond, seconds: raw.seconds },
      ratio_first_sync_to_raw: Number((firstRate / raw.devicesPerSecond).toFixed(2)),
      worker_peak_rss_mb: Math.round(worker.peakRssMb()),
      sandbox_peak_rss_mb: Math.round(sandbox.peakRssMb()),
    });
  } finally {
    await worker.stop();
    await sandbox.stop();
    await db.drop();
  }
}

/**
 * Where a sync's time went, from its checkpoint polled every 100 ms: each stream's seconds from
 * the end of the one before (or the start) to its own last page, then `finish` (deletion
 * detection, the outcome) up to the sync's end. Resolution 0.1 s.
 */
function streamClock() {
  const started = Date.now();
  const doneAt = new Map<string, number>();
  let endedAt = started;
  return {
    poll: (row: IntegrationSyncEntity): void => {
      const now = Date.now();
      for (const [name, c] of Object.entries(row.checkpoint ?? {})) if (c.done && !doneAt.has(name)) doneAt.set(name, now);
      endedAt = now;
    },
    seconds: (): Record<string, number> => {
      const out: Record<string, number> = {};
      let from = started;
      for (const [name, at] of [...doneAt].sort((a, b) => a[1] - b[1])) {
        out[name] = Number(((at - from) / 1000).toFixed(1));
        from = at;
      }
      out.finish = Number(((endedAt - from) / 1000).toFixed(1));
      return out;
    },
  };
}

/**
 * CPU seconds the worker, the sandbox, Postgres and Redis spend between start() and stop(), and
 * what everything else on the machine used meanwhile (`others`: this bench process, the kernel's
 * share of loopback traffic, and anything else running, such as another test suite, which makes
 * the run slower than the machine allows).
 */
function cpuMeter(worker: BenchProcess, sandbox: BenchProcess) {
  const read = () => {
    const own = process.cpuUsage();
    return { worker: worker.cpuSeconds(), sandbox: sandbox.cpuSeconds(), postgres: postgresCpuSeconds(), redis: redisCpuSeconds(), machine: machineCpuSeconds(), bench: (own.user + own.system) / 1e6 };
  };
  let from = read();
  return {
    start: () => void (from = read()),
    stop: (): { worker: number; sandbox: number; postgres: number; redis: number; others: number } => {
      const to = read();
      const d = (k: keyof typeof to): number => to[k] - from[k];
      const round = (x: number): number => Number(x.toFixed(1));
      const ours = d('worker') + d('sandbox') + d('postgres') + d('redis');
      return { worker: round(d('worker')), sandbox: round(d('sandbox')), postgres: round(d('postgres')), redis: round(d('redis')), others: round(Math.max(0, d('machine') - ours)) };
    },
  };
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
