import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { SecretBox } from '@trustsync/core';
import { TEST_REDIS_URL, createTestDatabase, testQueuePrefix, type TestDatabase } from '@trustsync/testing';

/** The repository root. */
export const ROOT = resolve(__dirname, '..');

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolvePort(port));
    });
    s.once('error', reject);
  });
}

/** One built service running as a child process; its output is kept for failure messages and log checks. */
export interface Service {
  name: string;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `node services/<name>/dist/main.js` (built by `npm test`) with `env`. */
export function startService(name: string, env: NodeJS.ProcessEnv): Service {
  const child = spawn(process.execPath, [join(ROOT, 'services', name, 'dist/main.js')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (d: Buffer) => chunks.push(d));
  child.stderr?.on('data', (d: Buffer) => chunks.push(d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    name,
    child,
    output: () => Buffer.concat(chunks).toString('utf8'),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null) return;
      child.kill(signal);
      // The grace timer is cleared once the child exits, or it would hold the test process for 15 s.
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (grace = setTimeout(r, 15_000)))]);
      clearTimeout(grace);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** Polls `url` until it answers 200. */
export async function waitForHttp(url: string, service: Service, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (service.child.exitCode !== null) throw new Error(`${service.name} exited:\n${service.output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${url} not ready in ${timeoutMs} ms:\n${service.output()}`);
}

/** The whole product on loopback: a database, a queue prefix, the sandbox, the API and sync workers. */
export interface Stack {
  db: TestDatabase;
  api: string;
  sandbox: string;
  services: Service[];
  env: NodeJS.ProcessEnv;
  /** The admin API key the stack's API was bootstrapped with; `call` sends it. */
  adminKey: string;
  /** JSON call to the API as admin. */
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Every secret this stack configured (keys, vendor credentials, webhook secrets) found in any process's output. */
  leakedSecrets(): string[];
  /** Stops every process and drops the database; fails when a configured secret reached a log. */
  stop(): Promise<void>;
}

/** Vendor credentials and webhook secrets in an integration body, which must never reach a log. */
function secretsOf(body: unknown): string[] {
  if (!body || typeof body !== 'object') return [];
  const b = body as { credentials?: Record<string, unknown>; webhook_secret?: unknown };
  return [...Object.values(b.credentials ?? {}), b.webhook_secret].filter((v): v is string => typeof v === 'string' && v.length >= 8);
}

/** The secrets in `configured` that appear in any service's output (with the service), for the log-grep check. */
export function leaksIn(services: Service[], configured: Iterable<string>): string[] {
  const hits: string[] = [];
  for (const s of services) {
    const out = s.output();
    for (const secret of configured) if (out.includes(secret)) hits.push(`${s.name} logged a secret ending …${secret.slice(-4)}`);
  }
  return hits;
}

/** Processes besides the sandbox, the API and the sync workers that a stack can run. */
export type ExtraService = 'webhook-worker' | 'push-worker' | 'scheduler';

/** Options of `startStack`: extra processes, each with its own environment on top of the stack's. */
export interface StackOptions {
  /** Started after the API, in this order; one with `WORKER_HEALTH_PORT` or `SCHEDULER_HEALTH_PORT` is awaited on `/readyz`. */
  extraServices?: Partial<Record<ExtraService, NodeJS.ProcessEnv>>;
}

/** Starts the stack; `sandbox` sets the vendor tenants (SANDBOX_* variables). */
export async function startStack(label: string, sandboxEnv: Record<string, string>, workers = 1, opts: StackOptions = {}): Promise<Stack> {
  const db = await createTestDatabase(label);
  const [apiPort, sandboxPort] = [await freePort(), await freePort()];
  const adminKey = `tsk_e2e_${randomBytes(24).toString('base64url')}`;
  const secretKey = SecretBox.generateKey();
  const secrets = new Set<string>([adminKey, secretKey]);
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    TRUSTSYNC_QUEUE_PREFIX: testQueuePrefix(label),
    TRUSTSYNC_SECRET_KEYS: `e2e:${secretKey}`,
    TRUSTSYNC_BOOTSTRAP_ADMIN_KEY: adminKey,
    TRUSTSYNC_MODE: 'development',
    TRUSTSYNC_ALLOW_PRIVATE_ENDPOINTS: 'true',
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'info',
  };
  const services: Service[] = [];
  const sandbox = startService('vendor-sandbox', { ...env, ...sandboxEnv, SANDBOX_PORT: String(sandboxPort) });
  services.push(sandbox);
  const api = startService('api', { ...env, PORT: String(apiPort), HOST: '127.0.0.1' });
  services.push(api);
  for (let i = 0; i < workers; i++) services.push(startService('sync-worker', { ...env, SYNC_WORKER_CONCURRENCY: '2' }));
  const extras = Object.entries(opts.extraServices ?? {}).map(([name, extraEnv]) => {
    const service = startService(name, { ...env, ...extraEnv });
    services.push(service);
    return { service, healthPort: extraEnv?.WORKER_HEALTH_PORT ?? extraEnv?.SCHEDULER_HEALTH_PORT };
  });
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  try {
    await waitForHttp(`${sandboxUrl}/_sandbox`, sandbox);
    await waitForHttp(`${apiUrl}/readyz`, api);
    for (const e of extras) if (e.healthPort) await waitForHttp(`http://127.0.0.1:${e.healthPort}/readyz`, e.service);
  } catch (err) {
    await Promise.all(services.map((s) => s.stop('SIGKILL')));
    await db.drop();
    throw err;
  }
  return {
    db,
    api: apiUrl,
    sandbox: sandboxUrl,
    services,
    env,
    adminKey,
    call: async (method, path, body) => {
      if (path.startsWith('/api/v1/integrations') && (method === 'POST' || method === 'PUT')) for (const s of secretsOf(body)) secrets.add(s);
      const res = await fetch(`${apiUrl}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    leakedSecrets: () => leaksIn(services, secrets),
    stop: async () => {
      await Promise.all(services.map((s) => s.stop()));
      await db.drop();
      const leaks = leaksIn(services, secrets);
      if (leaks.length > 0) throw new Error(`configured secrets reached the logs:\n${leaks.join('\n')}`);
    },
  };
}

/** Triggers a sync through the API and polls it until it finishes. */
export async function syncToEnd(stack: Stack, integrationId: string, syncType = 'full', timeoutMs = 120_000): Promise<Record<string, any>> {
  const trigger = await stack.call<{ sync_id: string }>('POST', `/api/v1/integrations/${integrationId}/sync?sync_type=${syncType}`);
  if (trigger.status !== 202) throw new Error(`trigger answered ${trigger.status}: ${JSON.stringify(trigger.body)}`);
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const s = await stack.call<Record<string, any>>('GET', `/api/v1/syncs/${trigger.body.sync_id}`);
    if (!['pending', 'in_progress'].includes(s.body.status)) return s.body;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`sync ${trigger.body.sync_id} did not finish`);
}
