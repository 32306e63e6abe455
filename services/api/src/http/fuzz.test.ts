import type { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { QUEUE_NAMES, createRedis, openQueue } from '@trustsync/queue';
import { TEST_REDIS_URL, testQueuePrefix } from '@trustsync/testing';
import { createApp } from '../app';
import { registeredRoutes } from '../docs/route-table';
import { THIRD_PARTY_PREFIXES } from '../docs/route-docs';
import { kandjiExample, startApiHarness, type ApiHarness } from '../testing/api-harness';

/**
 * Thousands of malformed requests to every route: wrong types, boundary numbers, huge and odd
 * strings, deep nesting, prototype-pollution keys, bad JSON, wrong content types, odd headers and
 * path ids. Half of them carry a part every route must refuse in the URL (an unknown or bad query
 * parameter); the other half have a clean URL, so a route that writes must refuse the body itself.
 * None may be accepted: no 5xx, no 2xx on a route that writes, no row written, and the process
 * keeps answering.
 */

// A small deterministic generator, so a failure reproduces with the same seed.
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const REQUESTS_PER_ROUTE = Number(process.env.FUZZ_PER_ROUTE ?? 60);

function deep(depth: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

const VALUES: unknown[] = [
  null, true, false, 0, -1, -0, 1.5, 1e308, -1e308, 2 ** 53 + 1, '', ' ', 'a'.repeat(100_000), '\u0000', 'nul\u0000byte', '\ud800', '💥🔥',
  '../../etc/passwd', '<script>alert(1)</script>', "' OR 1=1 --", '${jndi:ldap://x}', '1e9999', 'NaN', '-Infinity', '2026-13-45T99:99:99Z',
  [], [[]], [null], Array.from({ length: 5000 }, (_, i) => i), {}, { $gt: '' }, JSON.parse('{"__proto__": {"polluted": true}}'),
  { constructor: { prototype: { polluted: true } } }, deep(40), deep(3000),
];
const FIELDS = [
  'name', 'integration_type', 'endpoint', 'credentials', 'settings', 'sync_interval_minutes', 'enabled', 'auth_type', 'webhook_secret', 'features',
  'is_compliant', 'compliance_score', 'violations', 'total_risk_score', 'risk_level', 'risk_factors', 'command', 'params', 'integration_id',
  'role', 'expires_at', 'sync_type', 'status', 'limit', 'trigger', 'min_severity', '__proto__', 'constructor', 'prototype',
];
const QUERY_KEYS = ['page', 'page_size', 'sync_type', 'wait', 'status', 'since', 'until', 'integration_type', 'enabled', 'q', 'serial_number', 'severity', 'outcome', '__proto__[polluted]', 'constructor[prototype][x]', 'unknown_param'];
const QUERY_VALUES = ['-1', '0', '1e20', '99999999999999999999', 'abc', '', '%00', '%E0%A4%A', 'a'.repeat(5000), 'true%00', '[object Object]', '2026-02-30', '1;DROP TABLE integrations'];
const CONTENT_TYPES = ['application/json', 'application/json', 'text/plain', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml'];
const RAW_BODIES = ['{', '{"a":', '[1,2', 'null', '"just a string"', '123', '\u0000\u0001\u0002', '{"a":1}{"b":2}', '{"a": NaN}', "{'single': 'quotes'}"];
const PATH_IDS = ['%00', '..%2F..%2Fetc%2Fpasswd', 'a'.repeat(3000), '%E0%A4%A', 'INT-000000000000', "'%20OR%201=1", '%F0%9F%92%A5', 'DEV-ZZZZZZZZZZZZ', '__proto__', 'constructor'];

let api: ApiHarness;
let pushQueue: Queue;
let redis: IORedis;
let integrationId: string;

// Logs of refusals by design: audit lines of refused writes, and webhook deliveries refused at ingress.
const LOG_TABLES = new Set(['audit_log', 'webhook_rejections', 'migrations']);

async function rowCounts(): Promise<Record<string, number>> {
  const tables: Array<{ tablename: string }> = await api.db.dataSource.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
  const out: Record<string, number> = {};
  for (const { tablename } of tables) {
    if (LOG_TABLES.has(tablename)) continue;
    const [{ n }] = await api.db.dataSource.query(`SELECT count(*)::int AS n FROM "${tablename}"`);
    out[tablename] = n;
  }
  return out;
}

beforeAll(async () => {
  redis = createRedis(TEST_REDIS_URL, 'producer');
  pushQueue = openQueue(QUEUE_NAMES.push, redis, testQueuePrefix('fuzz'));
  api = await startApiHarness('fuzz', { pushQueue });
  integrationId = (await api.call('POST', '/api/v1/integrations', kandjiExample('https://acme.api.kandji.io', 'fuzz-token-000000000001'))).body.id;
});
afterAll(async () => {
  await api.close();
  await pushQueue.obliterate({ force: true }).catch(() => undefined);
  await pushQueue.close();
  await redis.quit();
});

interface Probe {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

function probesFor(route: { method: string; path: string }, rnd: () => number): Probe[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const probes: Probe[] = [];
  for (let i = 0; i < REQUESTS_PER_ROUTE; i++) {
    // Body-only probes use ids that name nothing, so no write can be legitimately accepted.
    const bodyOnly = route.method !== 'GET' && rnd() < 0.5;
    const path = route.path.replace(/:([A-Za-z_]+)/g, () => (!bodyOnly && rnd() < 0.3 ? integrationId : pick(PATH_IDS)));
    const params: string[] = [];
    if (!bodyOnly) {
      // A query parameter the route does not take or cannot read: the part every route must refuse.
      params.push(rnd() < 0.8 ? `${pick(['unknown_param', '__proto__[polluted]', 'constructor[prototype][x]'])}=${pick(QUERY_VALUES)}` : `page=${pick(['-1', '0', 'abc', '1e20', '%00'])}`);
      const extra = Math.floor(rnd() * 4);
      for (let j = 0; j < extra; j++) params.push(`${pick(QUERY_KEYS)}=${pick(QUERY_VALUES)}`);
    }
    const headers: Record<string, string> = { authorization: `Bearer ${api.adminKey}` };
    if (rnd() < 0.1) headers.authorization = pick(['Bearer ', 'Bearer a b', 'Basic Zm9vOmJhcg==', `Bearer ${'x'.repeat(5000)}`, 'bearer lowercase']);
    if (rnd() < 0.2) headers['x-request-id'] = pick(['', 'a'.repeat(500), 'id with spaces', '../..']);
    let body: string | undefined;
    if (route.method !== 'GET' && (bodyOnly || rnd() < 0.9)) {
      headers['content-type'] = bodyOnly && rnd() < 0.8 ? 'application/json' : pick(CONTENT_TYPES);
      const shape = rnd();
      if (shape < 0.15) body = pick(RAW_BODIES);
      // An empty object is a valid body for some routes (sync-all): not malformed, so not sent.
      else if (shape < 0.25) body = JSON.stringify(pick(VALUES.filter((v) => !(v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0))));
      else {
        const obj: Record<string, unknown> = {};
        const n = 1 + Math.floor(rnd() * 5);
        // defineProperty, so `__proto__` becomes a field of the body rather than its prototype.
        for (let j = 0; j < n; j++) Object.defineProperty(obj, pick(FIELDS), { value: pick(VALUES), enumerable: true, configurable: true, writable: true });
        body = JSON.stringify(obj);
      }
      if (rnd() < 0.05) headers['content-encoding'] = pick(['gzip', 'br', 'identity, gzip']);
    }
    probes.push({ method: route.method, path: params.length ? `${path}?${params.join('&')}` : path, headers, body });
  }
  return probes;
}

it('refuses thousands of malformed requests to every route without a 5xx, an accepted write or a written row', async () => {
  const routes = registeredRoutes(createApp(api.deps)).filter((r) => !THIRD_PARTY_PREFIXES.some((p) => r.path.startsWith(p)));
  const rnd = prng(SEED);
  const probes = routes.flatMap((r) => probesFor(r, rnd));
  expect(probes.length).toBeGreaterThan(2500);
  const before = await rowCounts();
  const bad: string[] = [];
  const statuses: Record<number, number> = {};
  let next = 0;
  const worker = async () => {
    while (next < probes.length) {
      const p = probes[next++];
      const res = await fetch(`${api.baseUrl}${p.path}`, { method: p.method, headers: p.headers, body: p.body });
      const text = await res.text();
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      const writes = p.method !== 'GET';
      if (res.status >= 500 || (writes && res.status < 400)) bad.push(`${p.method} ${p.path.slice(0, 160)} → ${res.status} ${text.slice(0, 200)} (body ${String(p.body).slice(0, 120)})`);
      if (res.status >= 400 && res.headers.get('content-type')?.includes('application/json') && !/^\{"error":\{"code":"[a-z_]+","message":/.test(text)) bad.push(`${p.method} ${p.path.slice(0, 100)}: error body out of shape: ${text.slice(0, 120)}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  expect(bad.slice(0, 20)).toEqual([]);
  expect(await rowCounts()).toEqual(before);
  expect((await api.call('GET', '/healthz', undefined, { key: null })).status).toBe(200);
  // Every answer was a refusal of the input, not a failure of the process.
  expect(Object.keys(statuses).every((s) => Number(s) < 500)).toBe(true);
}, 300_000);
