import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { freePort, startService, waitForHttp, type Service } from '../harness';
import { startScaleRig, type ScaleRig } from './scale-harness';

/** A private redis-server with AOF (never the shared one on 6379): this test stops and restarts it. */
class PrivateRedis {
  private child: ChildProcess | undefined;
  readonly dir = mkdtempSync(join(tmpdir(), 'ts-redis-'));
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.dir], { stdio: 'ignore' });
    const probe = new IORedis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    for (let i = 0; i < 100; i++) {
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error('private redis did not start');
  }

  /** A clean shutdown: Redis fsyncs the AOF, as a pod restart or failover would. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const ADMIN_KEY = `tsk_e2e_${randomBytes(24).toString('base64url')}`;

describe('a Redis restart under load (private redis-server, real processes)', () => {
  let redis: PrivateRedis;
  let rig: ScaleRig;
  let api: Service;
  let apiUrl: string;
  let scheduler: Service;
  let client: IORedis;
  const ids: string[] = [];

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    rig = await startScaleRig('redisrestart', { devices: 3000, people: 300, redisUrl: redis.url });
    rig.startWorker();
    rig.startWorker();
    const apiPort = await freePort();
    apiUrl = `http://127.0.0.1:${apiPort}`;
    api = startService('api', { ...rig.env, PORT: String(apiPort), HOST: '127.0.0.1', TRUSTSYNC_ALLOW_PRIVATE_ENDPOINTS: 'true', TRUSTSYNC_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY });
    scheduler = startService('scheduler', { ...rig.env, SCHEDULER_RECONCILE_EVERY_MS: '300', SCHEDULER_LEASE_TTL_MS: '3000' });
    rig.services.push(api, scheduler);
    for (let i = 0; i < 4; i++) ids.push(await rig.addKandji(`Kandji restart ${i}`, { requests: 60, periodSeconds: 2 }));
    await waitForHttp(`${apiUrl}/readyz`, api);
    client = new IORedis(redis.url, { maxRetriesPerRequest: null });
    client.on('error', () => undefined);
  }, 60_000);

  afterAll(async () => {
    client?.disconnect();
    await rig?.stop();
    await redis?.destroy();
  });

  const schedulerIds = async (): Promise<string[]> => {
    const keys = await client.zrange(`${rig.env.TRUSTSYNC_QUEUE_PREFIX}:sync-schedule:repeat`, 0, -1);
    return keys.sort();
  };

  async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await check().catch(() => false))) {
      if (Date.now() > end) throw new Error(`${what} did not happen in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('loses no accepted sync, including one accepted while Redis was down', async () => {
    await until(async () => (await schedulerIds()).length === 4, 15_000, 'the scheduler creating 4 schedules');
    const before = await Promise.all(ids.slice(0, 3).map((id) => rig.requestFullSync(id)));
    await until(async () => (await rig.db.dataSource.query(`SELECT count(*)::int AS n FROM integration_syncs WHERE items_processed > 0`))[0].n > 0, 30_000, 'a sync making progress');
    await redis.stop();
    const during = await fetch(`${apiUrl}/api/v1/integrations/${ids[3]}/sync?sync_type=full`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    const accepted = (await during.json()) as { sync_id: string };
    expect(during.status).toBe(202);
    await new Promise((r) => setTimeout(r, 1500));
    await redis.start();
    const rows = await rig.waitForSyncs([...before, accepted.sync_id], 120_000);
    expect(rows.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
  }, 180_000);

  it('keeps every vendor request within the budget across the restart', async () => {
    expect((await rig.stats()).overLimit).toBe(0);
  });

  it('answers ready again from the same API process', async () => {
    await until(async () => (await fetch(`${apiUrl}/readyz`)).status === 200, 15_000, 'API readiness');
    expect(api.child.exitCode).toBeNull();
  });

  it('keeps the schedules and reconciles new integrations from the same scheduler process', async () => {
    const added = await rig.addKandji('Kandji after restart');
    await until(async () => (await schedulerIds()).includes(`sync:${added}:full`), 15_000, 'a schedule for the new integration');
    expect((await schedulerIds()).length).toBe(5);
    expect(scheduler.child.exitCode).toBeNull();
  });

  it('keeps both worker processes running without a restart', () => {
    expect(rig.workers.map((w) => w.child.exitCode)).toEqual([null, null]);
  });
});
