import { randomBytes } from 'node:crypto';
import { METRIC_NAMES, parseExposition, sumSamples, type MetricSample } from '@trustsync/metrics';
import { QUEUE_NAMES, SCHEDULE_QUEUE, SCHEDULE_TICK_JOB, WEBHOOK_JOB, PUSH_JOBS, createRedis, openScheduleQueue } from '@trustsync/queue';
import { demoIntegrations } from '../scripts/src/demo-integrations';
import { freePort, startStack, type Stack } from './harness';

// /metrics of the webhook worker, the push worker and the scheduler (and the API's webhook
// ingress), scraped before and after each one has work to do in a running stack: a scheduled
// sync tick, a signed Seraphic webhook delivery and an operator's compliance push.

let stack: Stack;

// The API's /metrics needs a viewer key (Prometheus sends it as a bearer token); workers' health ports need none.
async function scrape(url: string): Promise<MetricSample[]> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${stack.adminKey}` } });
  if (!res.ok) throw new Error(`${url}/metrics answered ${res.status}`);
  return parseExposition(await res.text());
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(v)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Waits until the push queue has had no backlog on two reads in a row (posture evaluations after a sync or a webhook). */
async function pushQueueDrained(): Promise<void> {
  let idle = 0;
  await until('push queue backlog', async () => {
    const res = await stack.call<{ queues: Record<string, { total: number }> }>('GET', '/api/v1/queues/metrics');
    idle = res.body.queues[QUEUE_NAMES.push]?.total === 0 ? idle + 1 : 0;
    return idle;
  }, (n) => n >= 2);
}

const delta = (before: MetricSample[], after: MetricSample[], name: string, where: Record<string, string> = {}): number => sumSamples(after, name, where) - sumSamples(before, name, where);

describe('metrics of the webhook worker, push worker and scheduler while they work (Seraphic sandbox)', () => {
  const url = {} as Record<'webhook' | 'push' | 'scheduler', string>;
  let integrationId: string;
  let tickSync: Record<string, any>;
  let webhookAnswer: { status: number };
  const scraped = {} as Record<'start' | 'scheduled' | 'ticked' | 'synced' | 'webhooked' | 'pushed', Record<'api' | 'webhook' | 'push' | 'scheduler', MetricSample[]>>;
  let pushOutcome: { status: number; body: { results: Record<string, { success?: boolean }> } };

  const scrapeAll = async () => ({ api: await scrape(stack.api), webhook: await scrape(url.webhook), push: await scrape(url.push), scheduler: await scrape(url.scheduler) });

  beforeAll(async () => {
    const [webhookPort, pushPort, schedulerPort] = [await freePort(), await freePort(), await freePort()];
    stack = await startStack('wmetrics', { SANDBOX_VENDORS: 'seraphic', SANDBOX_SERAPHIC_DEVICES: '30', SANDBOX_PEOPLE: '30' }, 1, {
      extraServices: {
        'webhook-worker': { WORKER_HEALTH_PORT: String(webhookPort) },
        'push-worker': { WORKER_HEALTH_PORT: String(pushPort) },
        scheduler: { SCHEDULER_HEALTH_PORT: String(schedulerPort), SCHEDULER_RECONCILE_EVERY_MS: '300', SCHEDULER_LEASE_TTL_MS: '3000' },
      },
    });
    url.webhook = `http://127.0.0.1:${webhookPort}`;
    url.push = `http://127.0.0.1:${pushPort}`;
    url.scheduler = `http://127.0.0.1:${schedulerPort}`;
    scraped.start = await scrapeAll();

    // The integration npm start creates, with webhooks on: the scheduler gives it an hourly full-sync schedule.
    const seraphic = demoIntegrations(stack.sandbox).find((d) => d.body.integration_type === 'seraphic')!;
    const secret = randomBytes(24).toString('base64url');
    const created = await stack.call<{ id: string }>('POST', '/api/v1/integrations', { ...seraphic.body, name: seraphic.name, webhook_enabled: true, webhook_secret: secret });
    if (created.status !== 201) throw new Error(`create answered ${created.status}: ${JSON.stringify(created.body)}`);
    integrationId = created.body.id;

    // The schedule's next tick is up to an hour away: promote it, as an operator does on the queue dashboard.
    const redis = createRedis(stack.env.REDIS_URL!, 'worker');
    const scheduleQueue = openScheduleQueue(redis, stack.env.TRUSTSYNC_QUEUE_PREFIX!);
    try {
      const [tick] = await until('a delayed schedule tick', () => scheduleQueue.getDelayed(), (jobs) => jobs.some((j) => j.data?.integrationId === integrationId));
      scraped.scheduled = await scrapeAll();
      await tick.promote();
      const syncs = await until(
        'the ticked sync to finish',
        async () => (await stack.call<{ items: Array<Record<string, any>> }>('GET', `/api/v1/integrations/${integrationId}/syncs`)).body.items,
        (items) => items.length > 0 && !['pending', 'in_progress'].includes(items[0].status),
        40_000,
      );
      tickSync = syncs[0];
      scraped.ticked = await until('the tick counted on the scheduler', async () => ({ ...scraped.scheduled, scheduler: await scrape(url.scheduler) }), (s) => delta(scraped.scheduled.scheduler, s.scheduler, `${METRIC_NAMES.jobDuration}_count`, { queue: SCHEDULE_QUEUE }) > 0);
    } finally {
      await scheduleQueue.close();
      redis.disconnect();
    }
    await pushQueueDrained();
    scraped.synced = await scrapeAll();

    // A signed delivery from the Seraphic simulator to the API's ingress, applied by the webhook worker.
    const sent = await fetch(`${stack.sandbox}/_sandbox/seraphic/webhooks/send`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${stack.api}/api/v1/integrations/webhooks/${integrationId}`, secret, kind: 'threat.detected', index: 0 }),
    });
    webhookAnswer = (await sent.json()) as { status: number };
    await until('the webhook event to be applied', async () => (await stack.call<{ total: number }>('GET', `/api/v1/integrations/${integrationId}/events?status=processed&page_size=1`)).body.total, (n) => n >= 1);
    await pushQueueDrained();
    scraped.webhooked = await until('the webhook job counted on the webhook worker', scrapeAll, (s) => delta(scraped.synced.webhook, s.webhook, `${METRIC_NAMES.jobDuration}_count`, { queue: QUEUE_NAMES.webhook }) > 0);

    // An operator's compliance push for a device Seraphic reports, waited for.
    const [mapped] = await stack.db.dataSource.query(
      `SELECT platform_entity_id AS id FROM integration_mappings WHERE integration_id = $1 AND platform_entity_type = 'device' AND active ORDER BY platform_entity_id LIMIT 1`,
      [integrationId],
    );
    pushOutcome = await stack.call('POST', `/api/v1/devices/${mapped.id}/compliance?wait=true`, { is_compliant: false, compliance_score: 40, violations: ['filevault_disabled'] });
    scraped.pushed = await until('the push job counted on the push worker', scrapeAll, (s) => delta(scraped.webhooked.push, s.push, `${METRIC_NAMES.jobDuration}_count`, { queue: QUEUE_NAMES.push, job_name: PUSH_JOBS.send }) > 0);
  }, 55_000);

  afterAll(async () => stack?.stop());

  describe('scheduler', () => {
    it('shows the new integration\'s schedule as a delayed job in the schedule queue depth', () => {
      const where = { queue: SCHEDULE_QUEUE, state: 'delayed' };
      expect([sumSamples(scraped.start.scheduler, METRIC_NAMES.queueJobs, where), sumSamples(scraped.scheduled.scheduler, METRIC_NAMES.queueJobs, where)]).toEqual([0, 1]);
    });

    it('counts the promoted tick as one completed schedule.tick job', () => {
      expect(delta(scraped.scheduled.scheduler, scraped.ticked.scheduler, `${METRIC_NAMES.jobDuration}_count`, { queue: SCHEDULE_QUEUE, job_name: SCHEDULE_TICK_JOB, outcome: 'completed' })).toBe(1);
    });

    it('started the sync the tick asked for, which completed', () => {
      expect([tickSync.triggered_by, tickSync.status]).toEqual(['scheduler', 'completed']);
    });
  });

  describe('webhook ingress on the API', () => {
    it('accepted the signed delivery', () => {
      expect(webhookAnswer.status).toBe(202);
    });

    it('counts the delivery for the integration as 2xx', () => {
      expect(delta(scraped.synced.api, scraped.webhooked.api, METRIC_NAMES.webhookRequests, { integration_id: integrationId, status_class: '2xx' })).toBe(1);
    });

    it('observes the delivery\'s answer time', () => {
      expect(delta(scraped.synced.api, scraped.webhooked.api, `${METRIC_NAMES.webhookRequestDuration}_count`, { status_class: '2xx' })).toBe(1);
      expect(delta(scraped.synced.api, scraped.webhooked.api, `${METRIC_NAMES.webhookRequestDuration}_sum`, { status_class: '2xx' })).toBeGreaterThan(0);
    });
  });

  describe('webhook worker', () => {
    it('counts the applied event as one completed webhook.apply job and no failed one', () => {
      const name = `${METRIC_NAMES.jobDuration}_count`;
      expect(delta(scraped.synced.webhook, scraped.webhooked.webhook, name, { queue: QUEUE_NAMES.webhook, job_name: WEBHOOK_JOB, outcome: 'completed' })).toBe(1);
      expect(sumSamples(scraped.webhooked.webhook, name, { queue: QUEUE_NAMES.webhook, outcome: 'failed' })).toBe(0);
    });

    it('reports the webhook queue depth', () => {
      expect(scraped.webhooked.webhook.some((s) => s.name === METRIC_NAMES.queueJobs && s.labels.queue === QUEUE_NAMES.webhook && s.labels.state === 'waiting')).toBe(true);
    });
  });

  describe('push worker', () => {
    it('answered the push with Seraphic\'s success', () => {
      expect([pushOutcome.status, pushOutcome.body.results[integrationId]?.success]).toEqual([200, true]);
    });

    it('counts the compliance push as one completed push.send job', () => {
      expect(delta(scraped.webhooked.push, scraped.pushed.push, `${METRIC_NAMES.jobDuration}_count`, { queue: QUEUE_NAMES.push, job_name: PUSH_JOBS.send, outcome: 'completed' })).toBe(1);
    });

    it('counts the vendor request the push made', () => {
      expect(delta(scraped.webhooked.push, scraped.pushed.push, METRIC_NAMES.vendorRequests, { vendor: 'seraphic', integration_id: integrationId, status_class: '2xx' })).toBeGreaterThan(0);
    });

    it('counted the posture evaluations of the synced devices before that', () => {
      expect(delta(scraped.start.push, scraped.synced.push, `${METRIC_NAMES.jobDuration}_count`, { queue: QUEUE_NAMES.push, job_name: PUSH_JOBS.evaluate, outcome: 'completed' })).toBeGreaterThan(0);
    });
  });
});
