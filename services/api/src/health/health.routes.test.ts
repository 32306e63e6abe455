import type IORedis from 'ioredis';
import type { Lifecycle } from '../api-context';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';

describe('liveness and readiness', () => {
  let api: ApiHarness;
  const lifecycle: Lifecycle = { draining: false };

  beforeAll(async () => {
    api = await startApiHarness('apihealth', { lifecycle });
  });

  afterAll(async () => {
    await api.close();
  });

  afterEach(() => {
    lifecycle.draining = false;
  });

  it('answers 200 on /healthz', async () => {
    expect((await api.call('GET', '/healthz')).status).toBe(200);
  });

  it('answers 200 on /readyz when Postgres and Redis answer', async () => {
    const res = await api.call('GET', '/readyz');
    expect(res.status).toBe(200);
    expect(res.body.checks).toEqual({ postgres: 'ok', redis: 'ok' });
  });

  it('answers 503 on /readyz once shutdown has begun', async () => {
    lifecycle.draining = true;
    expect((await api.call('GET', '/readyz')).status).toBe(503);
  });
});

describe('readiness with Redis not answering', () => {
  let api: ApiHarness;
  // A Redis that never answers PING: readiness must give up after its timeout, not hang.
  const silentRedis = { ping: () => new Promise<string>(() => undefined) } as unknown as IORedis;

  beforeAll(async () => {
    api = await startApiHarness('apihealthredis', { redis: silentRedis, readinessTimeoutMs: 100 });
  });

  afterAll(async () => {
    await api.close();
  });

  it('answers 503 on /readyz naming redis as the failed check', async () => {
    const res = await api.call('GET', '/readyz');
    expect(res.status).toBe(503);
    expect(res.body.checks).toEqual({ postgres: 'ok', redis: 'failed' });
  });
});
