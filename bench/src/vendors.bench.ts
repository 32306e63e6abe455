import { SecretBox } from '@trustsync/core';
import { createIntegration, type IntegrationInput } from '@trustsync/db';
import { TEST_REDIS_URL, createTestDatabase, testQueuePrefix } from '@trustsync/testing';
import { freePort, record, runSyncToEnd, spawnService, waitForHttp, type BenchProcess } from './harness';

/**
 * Vendor benchmark: a large Okta org (users/s) and a large CrowdStrike Falcon CID (hosts/s),
 * each pulled from the vendor sandbox through the real sync worker process into a fresh
 * database, then pulled again unchanged. The Okta run syncs users only (the users stream,
 * with the per-group membership index it builds first); the Falcon run syncs devices only
 * (scroll, details in batches of 100, hidden hosts). Everything stops after BENCH_TIMEOUT_MINUTES.
 */
const OKTA_USERS = Number(process.env.BENCH_OKTA_USERS ?? 20_000);
const CROWDSTRIKE_HOSTS = Number(process.env.BENCH_CROWDSTRIKE_HOSTS ?? 30_000);
const CONCURRENCY = process.env.BENCH_WORKER_CONCURRENCY ?? '2';
const DEADLINE_MS = Date.now() + Number(process.env.BENCH_TIMEOUT_MINUTES ?? 10) * 60_000;

interface VendorRun {
  vendor: 'okta' | 'crowdstrike';
  /** The sync type that reads only the measured stream. */
  syncType: 'users' | 'devices';
  /** The entity the rate counts, and its name in the result. */
  entity: 'user' | 'device';
  unit: 'users' | 'hosts';
  expected: number;
  integration: (sandboxUrl: string) => Omit<IntegrationInput, 'name'>;
}

const RUNS: VendorRun[] = [
  {
    vendor: 'okta',
    syncType: 'users',
    entity: 'user',
    unit: 'users',
    expected: OKTA_USERS,
    integration: (url) => ({ integrationType: 'okta', authType: 'api_key', endpoint: `${url}/okta`, credentials: { api_key: 'sandbox-okta-api-token' }, rateLimitRequests: 1_000_000, rateLimitPeriodSeconds: 60 }),
  },
  {
    vendor: 'crowdstrike',
    syncType: 'devices',
    entity: 'device',
    unit: 'hosts',
    expected: CROWDSTRIKE_HOSTS,
    integration: (url) => ({
      integrationType: 'crowdstrike',
      authType: 'oauth2',
      endpoint: `${url}/crowdstrike`,
      region: 'us-1',
      credentials: { client_id: 'sandbox-falcon-client', client_secret: 'sandbox-falcon-secret' },
      rateLimitRequests: 1_000_000,
      rateLimitPeriodSeconds: 60,
    }),
  },
];

function remainingMs(): number {
  const left = DEADLINE_MS - Date.now();
  if (left <= 0) throw new Error('benchmark time box exceeded');
  return left;
}

async function sandboxRequests(sandboxUrl: string, vendor: string): Promise<number> {
  const stats = (await (await fetch(`${sandboxUrl}/_sandbox/${vendor}/stats`)).json()) as { requests: number };
  await fetch(`${sandboxUrl}/_sandbox/${vendor}/reset-stats`, { method: 'POST' });
  return stats.requests;
}

/** One vendor on a fresh database with its own worker process: a first sync, then an unchanged one. */
async function run(r: VendorRun, sandboxUrl: string, sandbox: BenchProcess): Promise<void> {
  const db = await createTestDatabase(`vendorbench-${r.vendor}`);
  const prefix = testQueuePrefix(`vendorbench-${r.vendor}`);
  const keyB64 = SecretBox.generateKey();
  const box = new SecretBox([{ id: 'bench', key: Buffer.from(keyB64, 'base64') }], 'bench');
  const worker = spawnService(`vendors-worker-${r.vendor}`, 'services/sync-worker/dist/main.js', {
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    TRUSTSYNC_QUEUE_PREFIX: prefix,
    TRUSTSYNC_SECRET_KEYS: `bench:${keyB64}`,
    SYNC_WORKER_CONCURRENCY: CONCURRENCY,
    LOG_LEVEL: 'warn',
  });
  try {
    const integration = await createIntegration(db.dataSource, box, { name: `${r.vendor} bench`, ...r.integration(sandboxUrl) }, 'bench');
    await sandboxRequests(sandboxUrl, r.vendor);
    const phases = [];
    for (const phase of ['first_sync', 'resync_unchanged'] as const) {
      const t0 = Date.now();
      const sync = await runSyncToEnd(db.dataSource, TEST_REDIS_URL, prefix, integration.id, r.syncType, remainingMs());
      const seconds = (Date.now() - t0) / 1000;
      const counts = (sync.entityCounts as Record<string, { processed: number; created: number; updated: number; unchanged: number; failed: number }>)[r.entity];
      if (sync.status !== 'completed' || counts?.processed !== r.expected) {
        throw new Error(`${r.vendor} ${phase}: ${sync.status}, ${counts?.processed ?? 0} of ${r.expected} ${r.unit}: ${sync.errorMessage ?? ''}`);
      }
      phases.push({
        phase,
        seconds: Number(seconds.toFixed(2)),
        [`${r.unit}_per_second`]: Math.round(r.expected / seconds),
        created: counts.created,
        updated: counts.updated,
        unchanged: counts.unchanged,
        vendor_requests: await sandboxRequests(sandboxUrl, r.vendor),
      });
    }
    const [first, again] = phases;
    record('vendors', {
      bench: 'vendors',
      vendor: r.vendor,
      sync_type: r.syncType,
      [r.unit]: r.expected,
      worker_concurrency: Number(CONCURRENCY),
      first_sync: first,
      resync_unchanged: again,
      worker_peak_rss_mb: Math.round(worker.peakRssMb()),
      sandbox_peak_rss_mb: Math.round(sandbox.peakRssMb()),
    });
  } finally {
    await worker.stop();
    await db.drop();
  }
}

async function main(): Promise<void> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Okta's users are the company's people; Falcon hosts belong to them too.
  const sandbox = spawnService('vendors-sandbox', 'services/vendor-sandbox/dist/main.js', {
    SANDBOX_PORT: String(port),
    SANDBOX_VENDORS: 'okta,crowdstrike',
    SANDBOX_PEOPLE: String(OKTA_USERS),
    SANDBOX_OKTA_DEVICES: String(Math.round(OKTA_USERS / 5)),
    SANDBOX_CROWDSTRIKE_DEVICES: String(CROWDSTRIKE_HOSTS),
  });
  try {
    await waitForHttp(`${url}/_sandbox`);
    for (const r of RUNS) await run(r, url, sandbox);
  } finally {
    await sandbox.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
