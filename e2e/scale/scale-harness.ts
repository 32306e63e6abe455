import { SecretBox } from '@trustsync/core';
import { IntegrationSyncEntity, createIntegration, requestSync } from '@trustsync/db';
import { QUEUE_NAMES, createRedis, enqueueSync, openQueue } from '@trustsync/queue';
import { TEST_REDIS_URL, createTestDatabase, testQueuePrefix, type TestDatabase } from '@trustsync/testing';
import { freePort, startService, waitForHttp, type Service } from '../harness';

/** Traffic the sandbox counted for one vendor. */
export interface SandboxStats {
  requests: number;
  rateLimited: number;
  overLimit: number;
  injected429: number;
  peakWindow: number;
}

/** A database, a queue prefix, a Kandji sandbox process and any number of sync worker processes. */
export interface ScaleRig {
  db: TestDatabase;
  box: SecretBox;
  env: NodeJS.ProcessEnv;
  sandboxUrl: string;
  workers: Service[];
  services: Service[];
  startWorker(extra?: NodeJS.ProcessEnv): Service;
  addKandji(name: string, budget?: { requests: number; periodSeconds: number }): Promise<string>;
  /** Asks for a sync as the API does (row, then job) and returns its id. */
  requestFullSync(integrationId: string): Promise<string>;
  waitForSyncs(ids: string[], timeoutMs: number): Promise<IntegrationSyncEntity[]>;
  sandbox(path: string, body?: unknown): Promise<any>;
  stats(): Promise<SandboxStats>;
  stop(): Promise<void>;
}

/** Starts the rig; `redisUrl` lets a test point every process at a private Redis. */
export async function startScaleRig(label: string, opts: { devices: number; people?: number; redisUrl?: string }): Promise<ScaleRig> {
  const db = await createTestDatabase(label);
  const keyB64 = SecretBox.generateKey();
  const box = new SecretBox([{ id: 'e2e', key: Buffer.from(keyB64, 'base64') }], 'e2e');
  const redisUrl = opts.redisUrl ?? TEST_REDIS_URL;
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl,
    TRUSTSYNC_QUEUE_PREFIX: testQueuePrefix(label),
    TRUSTSYNC_SECRET_KEYS: `e2e:${keyB64}`,
    TRUSTSYNC_MODE: 'development',
    LOG_LEVEL: 'warn',
  };
  const port = await freePort();
  const sandboxProc = startService('vendor-sandbox', { SANDBOX_PORT: String(port), SANDBOX_VENDORS: 'kandji', SANDBOX_KANDJI_DEVICES: String(opts.devices), SANDBOX_PEOPLE: String(opts.people ?? Math.max(50, Math.round(opts.devices / 10))), LOG_LEVEL: 'warn' });
  const sandboxUrl = `http://127.0.0.1:${port}`;
  const services: Service[] = [sandboxProc];
  const workers: Service[] = [];
  const redis = createRedis(redisUrl, 'worker');
  const queue = openQueue(QUEUE_NAMES.sync, redis, env.TRUSTSYNC_QUEUE_PREFIX!);
  await waitForHttp(`${sandboxUrl}/_sandbox`, sandboxProc);

  const rig: ScaleRig = {
    db,
    box,
    env,
    sandboxUrl,
    workers,
    services,
    startWorker: (extra = {}) => {
      const w = startService('sync-worker', { ...env, SYNC_WORKER_CONCURRENCY: '2', SYNC_STRANDED_AFTER_MS: '2000', ...extra });
      workers.push(w);
      services.push(w);
      return w;
    },
    addKandji: async (name, budget) => {
      const i = await createIntegration(
        db.dataSource,
        box,
        { name, integrationType: 'kandji', authType: 'bearer', endpoint: `${sandboxUrl}/kandji`, credentials: { api_key: 'sandbox-kandji-token' }, rateLimitRequests: budget?.requests ?? 1_000_000, rateLimitPeriodSeconds: budget?.periodSeconds ?? 60 },
        'e2e',
      );
      return i.id;
    },
    requestFullSync: async (integrationId) => {
      const { sync } = await requestSync(db.dataSource, { integrationId, syncType: 'full', triggeredBy: 'e2e' });
      await enqueueSync(queue, { syncId: sync.id, integrationId, syncType: 'full' });
      return sync.id;
    },
    waitForSyncs: async (ids, timeoutMs) => {
      const end = Date.now() + timeoutMs;
      const repo = db.dataSource.getRepository(IntegrationSyncEntity);
      for (;;) {
        const rows = await Promise.all(ids.map((id) => repo.findOneByOrFail({ id })));
        if (rows.every((r) => !['pending', 'in_progress'].includes(r.status))) return rows;
        if (Date.now() > end) throw new Error(`syncs not finished: ${rows.map((r) => `${r.id}=${r.status}/${r.itemsProcessed}`).join(', ')}\n${workers.map((w) => w.output().slice(-2000)).join('\n---\n')}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    sandbox: async (path, body) => {
      const res = await fetch(`${sandboxUrl}/_sandbox/kandji${path}`, body === undefined ? undefined : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return res.json();
    },
    stats: async () => rig.sandbox('/stats') as Promise<SandboxStats>,
    stop: async () => {
      await Promise.all(services.map((s) => s.stop('SIGKILL')));
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close().catch(() => undefined);
      redis.disconnect();
      await db.drop();
    },
  };
  return rig;
}

/** Samples sandbox traffic every `everyMs`; `activeMs` is the span during which accepted requests kept arriving. */
export function sampleTraffic(rig: ScaleRig, everyMs = 200): { stop(): Promise<{ activeMs: number; accepted: number; last: SandboxStats }> } {
  let first = 0;
  let lastChange = 0;
  let lastAccepted = 0;
  let last: SandboxStats | undefined;
  const tick = async (): Promise<void> => {
    const s = await rig.stats();
    const accepted = s.requests - s.rateLimited - s.injected429;
    if (accepted > lastAccepted) {
      if (first === 0) first = Date.now() - everyMs / 2;
      lastChange = Date.now();
      lastAccepted = accepted;
    }
    last = s;
  };
  const timer = setInterval(() => void tick().catch(() => undefined), everyMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await tick();
      return { activeMs: lastChange - first, accepted: lastAccepted, last: last! };
    },
  };
}
