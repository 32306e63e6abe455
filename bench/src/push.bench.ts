import { generateKeyPairSync } from 'node:crypto';
import { SecretBox } from '@trustsync/core';
import { createIntegration, type IntegrationInput } from '@trustsync/db';
import { TEST_REDIS_URL, createTestDatabase, testQueuePrefix } from '@trustsync/testing';
import { record, runSyncToEnd, spawnService, waitForHttp } from './harness';

/**
 * Push benchmark: Kandji, Zscaler, Seraphic and Okta sandbox tenants of BENCH_PUSH_DEVICES
 * machines, synced by the real sync worker; then BENCH_PUSH_CHANGES Macs lose FileVault in
 * Kandji, one Kandji sync runs, and the real push worker evaluates and pushes every change under
 * each vendor's default rate budget. Reports pushes/s per vendor and the latency from the change
 * being synced to the last vendor acknowledging it.
 */

// Kept here, not imported from the sandbox service: a benchmark talks to it only over HTTP.
const ZSCALER = { ziaApiKey: 'SbxZiaApiKey0123456789', ziaUsername: 'api-admin@example.com', ziaPassword: 'sandbox-zia-password', zpaClientId: 'sandbox-zpa-client', zpaClientSecret: 'sandbox-zpa-secret', zpaCustomerId: '216196257331281920', zccApiKey: 'sandbox-zcc-key', zccSecretKey: 'sandbox-zcc-secret' };

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
}

async function main(): Promise<void> {
  const devices = Number(process.env.BENCH_PUSH_DEVICES ?? 200);
  const changes = Number(process.env.BENCH_PUSH_CHANGES ?? 40);
  const port = Number(process.env.BENCH_SANDBOX_PORT ?? 9191);
  const url = `http://127.0.0.1:${port}`;
  const db = await createTestDatabase('pushbench');
  const prefix = testQueuePrefix('pushbench');
  const keyB64 = SecretBox.generateKey();
  const box = new SecretBox([{ id: 'bench', key: Buffer.from(keyB64, 'base64') }], 'bench');
  const ssfKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const common = { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, TRUSTSYNC_QUEUE_PREFIX: prefix, TRUSTSYNC_SECRET_KEYS: `bench:${keyB64}`, LOG_LEVEL: 'warn' };
  const sizes = Object.fromEntries(['KANDJI', 'ZSCALER', 'SERAPHIC', 'OKTA'].map((v) => [`SANDBOX_${v}_DEVICES`, String(devices)]));
  const sandbox = spawnService('bench-push-sandbox', 'services/vendor-sandbox/dist/main.js', { SANDBOX_PORT: String(port), SANDBOX_VENDORS: 'kandji,zscaler,seraphic,okta', SANDBOX_PEOPLE: String(devices * 2), ...sizes });
  const syncWorker = spawnService('bench-push-sync-worker', 'services/sync-worker/dist/main.js', { ...common, SYNC_WORKER_CONCURRENCY: '4' });
  const pushWorker = spawnService('bench-push-worker', 'services/push-worker/dist/main.js', { ...common, PUSH_WORKER_CONCURRENCY: process.env.BENCH_PUSH_CONCURRENCY ?? '16', POSTURE_MIN_OS_VERSIONS: 'macos=1.0' });
  try {
    await waitForHttp(`${url}/_sandbox`);
    const zbase = `${url}/zscaler`;
    const inputs: IntegrationInput[] = [
      { name: 'Zscaler', integrationType: 'zscaler', authType: 'legacy', endpoint: zbase, pushCompliance: true, settings: { zpaBaseUrl: zbase, zccBaseUrl: zbase, zpaCustomerId: ZSCALER.zpaCustomerId, activationPollMs: 50 }, credentials: { api_key: ZSCALER.ziaApiKey, client_id: ZSCALER.ziaUsername, client_secret: ZSCALER.ziaPassword, zpa_client_id: ZSCALER.zpaClientId, zpa_client_secret: ZSCALER.zpaClientSecret, zcc_api_key: ZSCALER.zccApiKey, zcc_secret_key: ZSCALER.zccSecretKey } },
      { name: 'Seraphic', integrationType: 'seraphic', authType: 'api_key', endpoint: `${url}/seraphic`, pushCompliance: true, credentials: { api_key: 'sandbox-seraphic-key' } },
      { name: 'Okta', integrationType: 'okta', authType: 'api_token', endpoint: `${url}/okta`, pushCompliance: true, settings: { ssfIssuer: 'https://trustsync.example' }, credentials: { api_key: 'sandbox-okta-api-token', ssf_private_key: ssfKey } },
      // Syncs only: a generous pull budget so setting up the tenants does not dominate the run.
      { name: 'Kandji', integrationType: 'kandji', authType: 'bearer', endpoint: `${url}/kandji`, pushCompliance: true, credentials: { api_key: 'sandbox-kandji-token' }, rateLimitRequests: 100_000, rateLimitPeriodSeconds: 60 },
    ];
    const created: Record<string, string> = {};
    for (const input of inputs) {
      created[input.integrationType] = (await createIntegration(db.dataSource, box, input, 'bench')).id;
      const s = await runSyncToEnd(db.dataSource, TEST_REDIS_URL, prefix, created[input.integrationType]);
      if (s.status !== 'completed') throw new Error(`${input.integrationType} sync ${s.status}: ${s.errorMessage}`);
    }
    const settle = async (timeoutMs: number): Promise<void> => {
      const end = Date.now() + timeoutMs;
      let quiet = 0;
      while (Date.now() < end && quiet < 10) {
        const [{ open }]: Array<{ open: number }> = await db.dataSource.query(`SELECT count(*)::int AS open FROM pushes WHERE status NOT IN ('succeeded', 'failed', 'superseded')`);
        quiet = open === 0 ? quiet + 1 : 0;
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    await settle(20 * 60_000);
    const baseline: Array<{ max: number }> = await db.dataSource.query(`SELECT coalesce(max(id), 0)::int AS max FROM pushes`);

    const targets: Array<{ serial_number: string }> = await db.dataSource.query(
      `SELECT serial_number FROM devices WHERE is_compliant AND (SELECT count(DISTINCT integration_id) FROM integration_mappings m WHERE m.platform_entity_id = devices.id AND m.active) = 4 ORDER BY serial_number LIMIT $1`,
      [changes],
    );
    for (const t of targets) await fetch(`${url}/_sandbox/kandji/devices/${t.serial_number}/posture`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filevault: false }) });
    const t0 = Date.now();
    await runSyncToEnd(db.dataSource, TEST_REDIS_URL, prefix, created.kandji, 'devices');
    const syncedMs = Date.now() - t0;
    await settle(30 * 60_000);
    const rows: Array<{ integration_type: string; device_id: string; status: string; created_ms: number; completed_ms: number; deferrals: number }> = await db.dataSource.query(
      `SELECT i.integration_type, p.device_id, p.status, extract(epoch FROM p.created_at) * 1000 AS created_ms, extract(epoch FROM p.completed_at) * 1000 AS completed_ms, p.deferrals
         FROM pushes p JOIN integrations i ON i.id = p.integration_id WHERE p.id > $1 AND p.kind = 'compliance'`,
      [baseline[0].max],
    );
    const firstCreated = Math.min(...rows.map((r) => Number(r.created_ms)));
    const lastAck = Math.max(...rows.map((r) => Number(r.completed_ms)));
    const perVendor: Record<string, { pushes: number; succeeded: number; seconds: number; pushes_per_second: number; deferred_by_429: number }> = {};
    for (const type of ['zscaler', 'seraphic', 'okta']) {
      const mine = rows.filter((r) => r.integration_type === type);
      const seconds = (Math.max(...mine.map((r) => Number(r.completed_ms))) - Math.min(...mine.map((r) => Number(r.created_ms)))) / 1000;
      perVendor[type] = { pushes: mine.length, succeeded: mine.filter((r) => r.status === 'succeeded').length, seconds: Number(seconds.toFixed(2)), pushes_per_second: Number((mine.length / seconds).toFixed(2)), deferred_by_429: mine.reduce((n, r) => n + r.deferrals, 0) };
    }
    const byDevice = new Map<string, { created: number; acked: number }>();
    for (const r of rows) {
      const d = byDevice.get(r.device_id) ?? { created: Number.POSITIVE_INFINITY, acked: 0 };
      byDevice.set(r.device_id, { created: Math.min(d.created, Number(r.created_ms)), acked: Math.max(d.acked, Number(r.completed_ms)) });
    }
    const latencies = [...byDevice.values()].map((d) => d.acked - d.created).sort((a, b) => a - b);
    record('push', {
      bench: 'push',
      devices_per_tenant: devices,
      posture_changes: targets.length,
      push_worker_concurrency: Number(process.env.BENCH_PUSH_CONCURRENCY ?? 16),
      budgets: { zscaler: '2 req/s (ZIA default)', seraphic: '2 req/s', okta: '600 req/min' },
      kandji_sync_seconds: Number((syncedMs / 1000).toFixed(2)),
      compliance_pushes: rows.length,
      all_succeeded: rows.every((r) => r.status === 'succeeded'),
      overall_pushes_per_second: Number((rows.length / ((lastAck - firstCreated) / 1000)).toFixed(2)),
      per_vendor: perVendor,
      latency_change_to_last_vendor_ack_ms: { p50: Math.round(percentile(latencies, 50)), p95: Math.round(percentile(latencies, 95)), max: Math.round(latencies.at(-1) ?? 0) },
      latency_sync_start_to_last_ack_ms: Math.round(lastAck - t0),
      push_worker_peak_rss_mb: Math.round(pushWorker.peakRssMb()),
    });
  } finally {
    await pushWorker.stop();
    await syncWorker.stop();
    await sandbox.stop();
    await db.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
