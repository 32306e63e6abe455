import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { SecretBox } from '@trustsync/core';
import { createIntegration } from '@trustsync/db';
import { QUEUE_NAMES, createRedis, openQueue } from '@trustsync/queue';
import { TEST_REDIS_URL, createTestDatabase, testQueuePrefix } from '@trustsync/testing';
import { record, spawnService, waitForHttp } from './harness';

const SECRET = 'bench-seraphic-webhook-secret-0123456789';

/** Latency percentiles in milliseconds. */
interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function percentiles(samples: number[]): Percentiles {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => Number((s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0).toFixed(2));
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}

function delivery(key: string): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({
    eventId: `wh_${key}`,
    eventType: 'threat.detected',
    occurredAt: new Date().toISOString(),
    tenantId: 'tnt_bench',
    data: { detectionId: `det_${key}`, type: 'phishing', severity: 'high', endpointId: `ep_${key.slice(-3)}`, url: `https://bad-${key}.example.test/`, actionTaken: 'blocked' },
  });
  const ts = Math.floor(Date.now() / 1000);
  const signature = `sha256=${createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')}`;
  return { body, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'x-seraphic-timestamp': String(ts), 'x-seraphic-signature': signature } };
}

function post(agent: Agent, port: number, path: string, d: { body: string; headers: Record<string, string> }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: d.headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(d.body);
  });
}

/** `total` deliveries over `connections` keep-alive connections, as fast as the server answers. */
async function closedLoop(port: number, path: string, total: number, connections: number, label: string): Promise<Record<string, unknown>> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < total) {
        const d = delivery(`${label}_${next++}`);
        const t = process.hrtime.bigint();
        const status = await post(agent, port, path, d);
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return { requests: total, connections, seconds: Number(seconds.toFixed(2)), per_second: Math.round(total / seconds), latency_ms: percentiles(latencies), statuses };
}

/** Sends at a fixed `ratePerSecond` for `seconds` (open loop: a slow answer does not slow the sender). */
async function openLoop(port: number, path: string, ratePerSecond: number, seconds: number, label: string): Promise<{ sent: number; statuses: Record<number, number> }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 200 });
  const total = ratePerSecond * seconds;
  const statuses: Record<number, number> = {};
  const inflight: Promise<void>[] = [];
  const t0 = Date.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / ratePerSecond;
    const wait = due - Date.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(post(agent, port, path, delivery(`${label}_${i}`)).then((s) => void (statuses[s] = (statuses[s] ?? 0) + 1)));
  }
  await Promise.all(inflight);
  agent.destroy();
  return { sent: total, statuses };
}

/**
 * Webhook benchmark, loopback only and bounded: (1) ingress throughput and latency at 50
 * concurrent connections through the real API process (verified, committed to Postgres,
 * enqueued) next to a plain express endpoint that only checks the HMAC, in the same run;
 * (2) end-to-end latency from receipt to applied (the event row's processed_at − received_at)
 * at a steady 500 deliveries/s with the real webhook worker process applying them.
 */
async function main(): Promise<void> {
  const ingressRequests = Number(process.env.BENCH_WEBHOOK_REQUESTS ?? 20_000);
  const connections = Number(process.env.BENCH_WEBHOOK_CONNECTIONS ?? 50);
  const e2eRate = Number(process.env.BENCH_WEBHOOK_RATE ?? 500);
  const e2eSeconds = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 20);
  const apiPort = Number(process.env.BENCH_API_PORT ?? 9291);
  const plainPort = Number(process.env.BENCH_PLAIN_PORT ?? 9292);
  const db = await createTestDatabase('benchwh');
  const prefix = testQueuePrefix('benchwh');
  const keyB64 = SecretBox.generateKey();
  const box = new SecretBox([{ id: 'bench', key: Buffer.from(keyB64, 'base64') }], 'bench');
  const common = { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, TRUSTSYNC_QUEUE_PREFIX: prefix, TRUSTSYNC_SECRET_KEYS: `bench:${keyB64}`, LOG_LEVEL: 'warn' };
  const api = spawnService('bench-webhook-api', 'services/api/dist/main.js', { ...common, PORT: String(apiPort), HOST: '127.0.0.1', WEBHOOK_INGRESS_LIMIT: '1000000' });
  const plain = spawnService('bench-webhook-plain', 'bench/dist/webhook-plain.server.js', { PORT: String(plainPort), BENCH_WEBHOOK_SECRET: SECRET });
  let worker: ReturnType<typeof spawnService> | undefined;
  const redis = createRedis(TEST_REDIS_URL, 'producer');
  const queue = openQueue(QUEUE_NAMES.webhook, redis, prefix);
  try {
    await Promise.all([waitForHttp(`http://127.0.0.1:${apiPort}/healthz`), waitForHttp(`http://127.0.0.1:${plainPort}/healthz`)]);
    const make = (name: string) => createIntegration(db.dataSource, box, { name, integrationType: 'seraphic', authType: 'api_key', webhookEnabled: true, webhookSecret: SECRET }, 'bench');
    const ingressTarget = await make('Seraphic ingress bench');
    const e2eTarget = await make('Seraphic end-to-end bench');

    // Warm both servers (JIT, pools) before measuring.
    await closedLoop(apiPort, `/api/v1/integrations/webhooks/${ingressTarget.id}`, 1000, connections, 'warm');
    await closedLoop(plainPort, '/hook', 1000, connections, 'warm');
    const plainResult = await closedLoop(plainPort, '/hook', ingressRequests, connections, 'plain');
    const ingressResult = await closedLoop(apiPort, `/api/v1/integrations/webhooks/${ingressTarget.id}`, ingressRequests, connections, 'ingress');
    const [stored] = await db.dataSource.query(`SELECT count(*)::int AS n, count(enqueued_at)::int AS enqueued FROM integration_events WHERE integration_id = $1`, [ingressTarget.id]);

    // The ingress backlog is not part of the end-to-end run.
    await queue.obliterate({ force: true });
    await db.dataSource.query(`DELETE FROM integration_events WHERE integration_id = $1`, [ingressTarget.id]);
    worker = spawnService('bench-webhook-worker', 'services/webhook-worker/dist/main.js', { ...common, WEBHOOK_WORKER_CONCURRENCY: process.env.BENCH_WEBHOOK_WORKER_CONCURRENCY ?? '64', WORKER_HEALTH_PORT: '9293' });
    await waitForHttp('http://127.0.0.1:9293/readyz');
    const sent = await openLoop(apiPort, `/api/v1/integrations/webhooks/${e2eTarget.id}`, e2eRate, e2eSeconds, 'e2e');
    const deadline = Date.now() + 120_000;
    let left = Infinity;
    while (left > 0 && Date.now() < deadline) {
      const [row] = await db.dataSource.query(`SELECT count(*)::int AS n FROM integration_events WHERE integration_id = $1 AND status = 'pending'`, [e2eTarget.id]);
      left = row.n;
      if (left > 0) await new Promise((r) => setTimeout(r, 200));
    }
    const rows: Array<{ ms: number; status: string }> = await db.dataSource.query(
      `SELECT EXTRACT(EPOCH FROM (processed_at - received_at)) * 1000 AS ms, status FROM integration_events WHERE integration_id = $1`,
      [e2eTarget.id],
    );
    const [detections] = await db.dataSource.query(`SELECT count(*)::int AS n FROM detections`);

    record('webhooks', {
      bench: 'webhooks',
      cpus: (await import('node:os')).cpus().length,
      plain_hmac_endpoint: plainResult,
      ingress: { ...ingressResult, stored: stored.n, enqueued: stored.enqueued },
      end_to_end: {
        rate_per_second: e2eRate,
        seconds: e2eSeconds,
        sent: sent.sent,
        statuses: sent.statuses,
        processed: rows.filter((r) => r.status === 'processed').length,
        not_processed: rows.filter((r) => r.status !== 'processed').length,
        detections_written: detections.n,
        receipt_to_applied_ms: percentiles(rows.filter((r) => r.status === 'processed').map((r) => Number(r.ms))),
      },
    });
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    redis.disconnect();
    await Promise.all([api.stop(), plain.stop(), worker?.stop()]);
    await db.drop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exitCode = 1;
});
