import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { SecretBox, createLogger } from '@trustsync/core';
import { QUEUE_NAMES, createRedis, openQueue } from '@trustsync/queue';
import { TEST_REDIS_URL, createTestDatabase, testQueuePrefix, type TestDatabase } from '@trustsync/testing';
import { createApiKey, type ApiRole } from '@trustsync/db';
import { createApp, type ApiDeps } from '../app';

/** A JSON answer from the API under test; `text` is the raw body, for "never contains" checks. */
export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  // Assertions read arbitrary response JSON; typing every shape here would only restate the views.
  body: any;
}

/** The API listening on a random port over a private database and queue prefix. */
export interface ApiHarness {
  baseUrl: string;
  db: TestDatabase;
  queue: Queue;
  redis: IORedis;
  box: SecretBox;
  deps: ApiDeps;
  /** An admin API key, sent by `call` unless told otherwise. */
  adminKey: string;
  /** `Authorization` header of the admin key, for tests that fetch by themselves. */
  authHeader: Record<string, string>;
  /** Creates a key of `role` (optionally expiring) and returns it. */
  createKey(role: ApiRole, opts?: { expiresAt?: Date; name?: string }): Promise<string>;
  /** Sends JSON (or a raw string with its own content type) and reads the answer; `key: null` sends no key. */
  call(method: string, path: string, body?: unknown, init?: { contentType?: string; raw?: string; key?: string | null; headers?: Record<string, string> }): Promise<ApiAnswer>;
  close(): Promise<void>;
}

/** Starts the app on port 0 with real Postgres and Redis; `overrides` replaces any dependency. */
export async function startApiHarness(label: string, overrides: Partial<ApiDeps> = {}): Promise<ApiHarness> {
  const db = await createTestDatabase(label);
  const redis = createRedis(TEST_REDIS_URL, 'producer');
  const queue = openQueue(QUEUE_NAMES.sync, redis, testQueuePrefix(label));
  // The producer connection refuses commands until it is connected (no offline queue).
  await queue.waitUntilReady();
  const box = new SecretBox([{ id: 'test', key: Buffer.alloc(32, 7) }], 'test');
  const deps: ApiDeps = {
    dataSource: db.dataSource,
    syncQueue: queue,
    redis,
    secretBox: box,
    logger: createLogger({ service: 'api-test', silent: true }),
    allowPrivateEndpoints: true,
    ...overrides,
  };
  const server: Server = await new Promise((resolve) => {
    const s = createApp(deps).listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const createKey: ApiHarness['createKey'] = async (role, opts = {}) =>
    (await createApiKey(db.dataSource, { name: opts.name ?? `test-${role}`, role, expiresAt: opts.expiresAt, createdBy: 'test' })).key;
  const adminKey = await createKey('admin', { name: 'test-admin' });

  const call: ApiHarness['call'] = async (method, path, body, init = {}) => {
    const key = init.key === undefined ? adminKey : init.key;
    const headers: Record<string, string> = { ...(key ? { authorization: `Bearer ${key}` } : {}), ...init.headers };
    let payload: string | undefined = init.raw;
    if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, text, body: parsed };
  };

  return {
    baseUrl,
    db,
    queue,
    redis,
    box,
    deps,
    adminKey,
    authHeader: { authorization: `Bearer ${adminKey}` },
    createKey,
    call,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await redis.quit();
      await db.drop();
    },
  };
}

/** The original design's Kandji example body, pointed at `endpoint`. */
export function kandjiExample(endpoint = 'https://yourcompany.api.kandji.io', token = 'your-kandji-api-token'): Record<string, unknown> {
  return {
    name: 'Kandji MDM',
    integration_type: 'kandji',
    description: 'Kandji device management',
    endpoint,
    api_version: 'v1',
    auth_type: 'bearer',
    credentials: { api_key: token },
    sync_enabled: true,
    sync_interval_minutes: 60,
    sync_devices: true,
    sync_users: true,
    sync_policies: true,
    push_compliance: true,
    features: ['device_sync', 'compliance_push'],
  };
}
